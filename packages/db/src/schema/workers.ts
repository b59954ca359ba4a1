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
  },
  (t) => [index('run_placements_worker_idx').on(t.workerId)],
);
