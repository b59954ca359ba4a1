import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Runs whose token and thinking deltas were merged into one event per streamed stretch of text
 * (packages/core/src/maintenance/run-event-compaction.ts). `started_at` is the run's: the compactor resumes its
 * walk of the run list (oldest first) from the newest one it has done.
 */
export const runEventCompactions = sqliteTable(
  'run_event_compactions',
  {
    runId: text('run_id').primaryKey(),
    startedAt: integer('started_at').notNull(),
    compactedAt: integer('compacted_at').notNull(),
    eventsBefore: integer('events_before').notNull(),
    eventsAfter: integer('events_after').notNull(),
  },
  (t) => [index('run_event_compactions_started_idx').on(t.startedAt)],
);
