import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** `replay`: a recorded run served again from its recording (docs/record-replay.md). */
export type RunKind = 'chat' | 'task' | 'exec' | 'system' | 'replay';
export type RunStatus = 'running' | 'completed' | 'failed' | 'cancelled' | 'interrupted';

/** A run is owned by the daemon: chat turns, task executions, one-off agent executions. */
export const runs = sqliteTable(
  'runs',
  {
    id: text('id').primaryKey(),
    kind: text('kind').$type<RunKind>().notNull(),
    status: text('status').$type<RunStatus>().notNull().default('running'),
    agentId: text('agent_id'),
    sessionId: text('session_id'),
    taskId: text('task_id'),
    messageId: text('message_id'),
    startedAt: integer('started_at').notNull(),
    finishedAt: integer('finished_at'),
    error: text('error'),
    /** Sub-agent runs (docs/engine.md#sub-agents): the run whose agent spawned this one, and the top of its tree. */
    parentRunId: text('parent_run_id'),
    rootRunId: text('root_run_id'),
    /** The name a sub-agent was spawned as (a built-in definition has no agent id). */
    agentName: text('agent_name'),
  },
  // The run list's order (started_at DESC, id DESC), alone and per session or agent: keyset pages use these.
  (t) => [
    index('runs_status_idx').on(t.status),
    index('runs_parent_idx').on(t.parentRunId),
    index('runs_root_idx').on(t.rootRunId),
    index('runs_task_idx').on(t.taskId, t.startedAt),
    index('runs_session_idx').on(t.sessionId, t.startedAt, t.id),
    index('runs_agent_idx').on(t.agentId, t.startedAt, t.id),
    index('runs_started_idx').on(t.startedAt, t.id),
  ],
);

/**
 * Append-only log behind every stream. `id` is a global cursor (for "all streams of a kind" subscribers),
 * `seq` the per-stream cursor used as the tracked() event id.
 */
export const runEvents = sqliteTable(
  'run_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    runId: text('run_id').notNull(),
    seq: integer('seq').notNull(),
    type: text('type').notNull(),
    payload: text('payload', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('run_events_run_seq_idx').on(t.runId, t.seq)],
);
