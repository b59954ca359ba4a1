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
  /** Variables the agent's tool processes get besides the harmless defaults: a literal, or a stored secret. */
  env?: Record<string, string | { secret: string }>;
  /** Tool sandbox settings; `network` (default false) lets sandboxed commands use the network. */
  sandbox?: { network?: boolean };
  /** Hosts `http_request` may reach (`example.com` or `*.example.com`); absent: any public host. */
  allowed_hosts?: string[];
  /** Worker tags a run of this agent needs under the queue backend (docs/workers.md); absent: any worker. */
  requires?: string[];
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
  // created_at: the default agent is the first one created (memory and sessions ask for it on every call without an
  // agent); without the index, finding it reads every row's definition to reach the column after it.
  (t) => [index('agents_updated_idx').on(t.updatedAt), index('agents_created_idx').on(t.createdAt)],
);
