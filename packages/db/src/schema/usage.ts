import { index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * One row per provider call of a run: the tokens the provider reported and their cost at the prices of the time
 * (docs/engine.md#usage-and-cost). Usage reports and budgets sum these rows; a later price change does not
 * rewrite what a call cost.
 */
export const llmCalls = sqliteTable(
  'llm_calls',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    runId: text('run_id').notNull(),
    agentId: text('agent_id'),
    taskId: text('task_id'),
    sessionId: text('session_id'),
    /** Catalogue id of the model (`claude-sonnet-5-5`, `openai-compatible:llama3`). */
    model: text('model').notNull(),
    provider: text('provider').notNull(),
    inputTokens: integer('input_tokens').notNull(),
    outputTokens: integer('output_tokens').notNull(),
    cachedTokens: integer('cached_tokens').notNull().default(0),
    reasoningTokens: integer('reasoning_tokens').notNull().default(0),
    /** USD; 0 when the model has no price. */
    costUsd: real('cost_usd').notNull().default(0),
    /** Whether a price was known for the model when the call was made. */
    priced: integer('priced', { mode: 'boolean' }).notNull().default(true),
    durationMs: integer('duration_ms'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    index('llm_calls_run_idx').on(t.runId),
    index('llm_calls_created_idx').on(t.createdAt),
    index('llm_calls_agent_idx').on(t.agentId, t.createdAt),
    index('llm_calls_task_idx').on(t.taskId, t.createdAt),
  ],
);
