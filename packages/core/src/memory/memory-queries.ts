// The queries a memory chunk's store and delete run on every call, built once per database instead of on every
// call (packages/db/src/prepared-queries.ts says why). Values come in as named placeholders, encoded by their
// columns (the JSON ones included).
import { eq, memoryChunks, memoryChunkTags, placeholder, preparedQueriesOf } from '@restflow/db';

export const memoryQueries = preparedQueriesOf((db) => ({
  chunkByHash: db
    .select()
    .from(memoryChunks)
    .where(eq(memoryChunks.contentHash, placeholder('hash')))
    .prepare(),
  insertChunk: db
    .insert(memoryChunks)
    .values({
      id: placeholder('id'),
      agentId: placeholder('agent_id'),
      sessionId: placeholder('session_id'),
      content: placeholder('content'),
      contentHash: placeholder('content_hash'),
      sourceType: placeholder('source_type'),
      source: placeholder('source'),
      createdAt: placeholder('created_at'),
      tags: placeholder('tags'),
      tokenCount: placeholder('token_count'),
    })
    .prepare(),
  insertTag: db
    .insert(memoryChunkTags)
    .values({ chunkId: placeholder('chunk_id'), tag: placeholder('tag') })
    .prepare(),
  deleteChunk: db
    .delete(memoryChunks)
    .where(eq(memoryChunks.id, placeholder('id')))
    .returning({ sessionId: memoryChunks.sessionId })
    .prepare(),
}));
