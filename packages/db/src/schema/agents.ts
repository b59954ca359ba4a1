import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Wire shape of `StoredAgent.agent` (docs/entities.md#agents); every field optional and omitted when unset. */
export interface AgentNode {
  model?: string;
  prompt?: string;
  temperature?: number;
  api_key_config?: { type: 'direct' | 'secret'; value: string };
  tools?: string[];
  skills?: string[];
  skill_variables?: Record<string, string>;
}

export const agents = sqliteTable(
  'agents',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    agent: text('agent', { mode: 'json' }).$type<AgentNode>().notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('agents_updated_idx').on(t.updatedAt)],
);
