import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export type MemorySource =
  | { type: 'task_execution'; task_id: string }
  | { type: 'conversation'; session_id: string }
  | { type: 'manual_note' }
  | { type: 'agent_generated'; tool_name: string };

export const memorySessions = sqliteTable(
  'memory_sessions',
  {
    id: text('id').primaryKey(),
    agentId: text('agent_id').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    chunkCount: integer('chunk_count').notNull().default(0),
    totalTokens: integer('total_tokens').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    tags: text('tags', { mode: 'json' }).$type<string[]>().notNull(),
  },
  (t) => [index('memory_sessions_agent_idx').on(t.agentId, t.updatedAt)],
);

export const memoryChunks = sqliteTable(
  'memory_chunks',
  {
    // A stable integer rowid: the external-content FTS5 index (migration 0001) points at it.
    pk: integer('pk').primaryKey({ autoIncrement: true }),
    id: text('id').notNull().unique(),
    agentId: text('agent_id').notNull(),
    sessionId: text('session_id'),
    content: text('content').notNull(),
    contentHash: text('content_hash').notNull().unique(),
    sourceType: text('source_type').$type<MemorySource['type']>().notNull(),
    source: text('source', { mode: 'json' }).$type<MemorySource>().notNull(),
    createdAt: integer('created_at').notNull(),
    tags: text('tags', { mode: 'json' }).$type<string[]>().notNull(),
    tokenCount: integer('token_count'),
    embeddingModel: text('embedding_model'),
    embeddingDim: integer('embedding_dim'),
  },
  (t) => [
    index('memory_chunks_agent_idx').on(t.agentId, t.createdAt),
    index('memory_chunks_session_idx').on(t.sessionId, t.createdAt),
    // Every agent's chunks newest first (the list without an agent filter).
    index('memory_chunks_created_idx').on(t.createdAt),
  ],
);

/** One row per (chunk, tag) so "all of these tags" filters use an index. */
export const memoryChunkTags = sqliteTable(
  'memory_chunk_tags',
  {
    chunkId: text('chunk_id')
      .notNull()
      .references(() => memoryChunks.id, { onDelete: 'cascade' }),
    tag: text('tag').notNull(),
  },
  (t) => [primaryKey({ columns: [t.chunkId, t.tag] }), index('memory_chunk_tags_tag_idx').on(t.tag)],
);
