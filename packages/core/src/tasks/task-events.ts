// The per-task event log (docs/entities.md#task-events): persisted with the task change it describes, then
// published on the bus so watchers (CLI `task watch`, console) can tail it.
import { and, type Db, desc, eq, sql, type TaskEventType, type Tx, taskEvents } from '@restflow/db';
import type { EventBus } from '../events/event-bus.ts';
import type { Clock, IdGenerator } from '../runtime.ts';
import { type TaskEvent, taskEventToWire } from './task-model.ts';

export const taskChannel = (taskId: string) => `task:${taskId}`;
export const ALL_TASKS_CHANNEL = 'task:*';

export const DEFAULT_EVENT_LIMIT = 100;

export interface NewTaskEvent {
  event_type: TaskEventType;
  message?: string | null;
  output?: string | null;
  duration_ms?: number | null;
  run_id?: string | null;
}

export class TaskEventLog {
  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  /** Inserts within `tx` (the caller's transaction); publish the result once that transaction committed. */
  insert(tx: Db | Tx, taskId: string, event: NewTaskEvent): TaskEvent {
    const row = {
      id: this.ids.uuid(),
      taskId,
      eventType: event.event_type,
      timestamp: this.clock.now(),
      message: event.message ?? null,
      output: event.output ?? null,
      durationMs: event.duration_ms ?? null,
      runId: event.run_id ?? null,
    };
    tx.insert(taskEvents).values(row).run();
    return taskEventToWire(row);
  }

  publish(event: TaskEvent): void {
    this.bus.publish(taskChannel(event.task_id), event);
    this.bus.publish(ALL_TASKS_CHANNEL, event);
  }

  /** Newest first; insertion order breaks ties within one millisecond. */
  list(taskId: string, limit = DEFAULT_EVENT_LIMIT): TaskEvent[] {
    return this.db
      .select()
      .from(taskEvents)
      .where(eq(taskEvents.taskId, taskId))
      .orderBy(desc(taskEvents.timestamp), sql`rowid DESC`)
      .limit(limit)
      .all()
      .map(taskEventToWire);
  }

  /** The run id of the task's most recent `started` event, if any. */
  lastStartedRunId(taskId: string): string | null {
    const row = this.db
      .select({ runId: taskEvents.runId })
      .from(taskEvents)
      .where(and(eq(taskEvents.taskId, taskId), eq(taskEvents.eventType, 'started')))
      .orderBy(desc(taskEvents.timestamp), sql`rowid DESC`)
      .limit(1)
      .get();
    return row?.runId ?? null;
  }
}
