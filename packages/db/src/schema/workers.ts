import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Where a run executed when the queue backend sent it to a worker (docs/workers.md); a run without a row ran in
 * the daemon. Workers themselves are live state (heartbeats) and are not stored.
 */
export const runPlacements = sqliteTable(
  'run_placements',
  {
    runId: text('run_id').primaryKey(),
    /** The queue the job was added to (the base queue, or `<base>.<tag>+<tag>` for runs that require tags). */
    queue: text('queue').notNull(),
    jobId: text('job_id').notNull(),
    workerId: text('worker_id'),
    workerName: text('worker_name'),
    enqueuedAt: integer('enqueued_at').notNull(),
    claimedAt: integer('claimed_at'),
    /**
     * What the run was started with (agent, system prompt, history, input, job key; JSON), so a daemon restarted
     * while the job still waits re-attaches to it instead of losing it. Holds no credential: the provider key is
     * resolved when a worker claims the run.
     */
    request: text('request', { mode: 'json' }).$type<Record<string, unknown>>(),
  },
  (t) => [index('run_placements_worker_idx').on(t.workerId)],
);
