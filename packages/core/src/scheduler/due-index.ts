// The two questions the scheduler asks of the tasks table besides "what is due" (TaskService.listDue): when is
// the next run, and how many are waiting. Both are served by `tasks_due_idx` (status, next_run_at).
import { and, asc, count, type Db, eq, isNotNull, lte, tasks } from '@restflow/db';

export function earliestNextRun(db: Db): number | null {
  const row = db
    .select({ next: tasks.nextRunAt })
    .from(tasks)
    .where(and(eq(tasks.status, 'active'), isNotNull(tasks.nextRunAt)))
    .orderBy(asc(tasks.nextRunAt))
    .limit(1)
    .get();
  return row?.next ?? null;
}

export function countDue(db: Db, now: number): number {
  const row = db
    .select({ n: count() })
    .from(tasks)
    .where(and(eq(tasks.status, 'active'), lte(tasks.nextRunAt, now)))
    .get();
  return row?.n ?? 0;
}
