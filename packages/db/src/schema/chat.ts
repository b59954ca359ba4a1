import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export type ChatRole = 'user' | 'assistant' | 'system';

export interface ExecutionStepInfo {
  step_type: string;
  name: string;
  status: string;
  duration_ms?: number;
}
export interface MessageExecution {
  steps: ExecutionStepInfo[];
  duration_ms: number;
  tokens_used: number;
  status: 'running' | 'completed' | 'failed' | 'cancelled';
  /** The model that answered (kept so a reloaded conversation still names it). */
  model?: string;
  /** Why the run failed, shown with the message. */
  error?: string;
}

export const chatSessions = sqliteTable(
  'chat_sessions',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull().default('New Chat'),
    agentId: text('agent_id').notNull(),
    model: text('model').notNull(),
    skillId: text('skill_id'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    totalTokens: integer('total_tokens').notNull().default(0),
    messageCount: integer('message_count').notNull().default(0),
    lastModel: text('last_model'),
  },
  // The list's order (updated_at DESC, id DESC) with and without an agent: pages are read by keyset off these.
  (t) => [
    index('chat_sessions_agent_updated_idx').on(t.agentId, t.updatedAt, t.id),
    index('chat_sessions_skill_idx').on(t.skillId),
    index('chat_sessions_updated_idx').on(t.updatedAt, t.id),
  ],
);

/** Messages live in their own table: appending one never rewrites the session. */
export const chatMessages = sqliteTable(
  'chat_messages',
  {
    id: text('id').primaryKey(),
    sessionId: text('session_id')
      .notNull()
      .references(() => chatSessions.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    role: text('role').$type<ChatRole>().notNull(),
    content: text('content').notNull(),
    timestamp: integer('timestamp').notNull(),
    execution: text('execution', { mode: 'json' }).$type<MessageExecution>(),
    runId: text('run_id'),
  },
  (t) => [uniqueIndex('chat_messages_session_seq_idx').on(t.sessionId, t.seq)],
);
