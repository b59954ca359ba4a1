// The queries a memory chunk's store and delete run on every call, built once per database instead of on every
// call (packages/db/src/prepared-queries.ts says why). Values come in as named placeholders, encoded by their
// columns (the JSON ones included).
import { eq, memoryChunks, memoryChunkTags, preparedQueriesOf, sql } from '@restflow/db';

const value = (name: string) => sql.placeholder(name);

export const memoryQueries = preparedQueriesOf((db) => ({
  chunkByHash: db
    .select()
    .from(memoryChunks)
    .where(eq(memoryChunks.contentHash, value('hash')))
    .prepare(),
  insertChunk: db
    .insert(memoryChunks)
    .values({
      id: value('id'),
      agentId: value('agent_id'),
      sessionId: value('session_id'),
      content: value('content'),
      contentHash: value('content_hash'),
      sourceType: value('source_type'),
      source: value('source'),
      createdAt: value('created_at'),
      tags: value('tags'),
      tokenCount: value('token_count'),
    })
    .prepare(),
  insertTag: db
    .insert(memoryChunkTags)
    .values({ chunkId: value('chunk_id'), tag: value('tag') })
    .prepare(),
  deleteChunk: db
    .delete(memoryChunks)
    .where(eq(memoryChunks.id, value('id')))
    .returning({ sessionId: memoryChunks.sessionId })
    .prepare(),
}));
