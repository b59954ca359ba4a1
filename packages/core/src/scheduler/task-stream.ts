// Task streams (docs/streams.md#task-streams): every event of a task's runs is appended to run_events
// under the stream `task:{taskId}` (persist, then publish) so watchers can resume after a reconnect or a daemon
// restart without losing or repeating anything.

import { and, type Db, desc, eq, runEvents, sql } from '@restflow/db';
import type { EventBus } from '../events/event-bus.ts';
import { EventStream, kindOf, type TypedEvent } from '../events/event-stream.ts';
import { ALL_RUNS_CHANNEL, type RunEventLog, type StoredEvent } from '../events/run-event-log.ts';
import type { BudgetBreach } from '../usage/budgets.ts';

export const TASK_STREAM_PREFIX = 'task:';
export const taskStreamId = (taskId: string) => `${TASK_STREAM_PREFIX}${taskId}`;

/** What started a run: its schedule, a user (`task run`, the console), or a webhook. */
export type TaskTrigger = 'schedule' | 'manual' | 'webhook';

export interface TaskRunStats {
  output_lines?: number;
  output_bytes?: number;
  api_calls?: number;
  tokens_used?: number;
}

export type TaskStreamKind =
  | {
      type: 'started';
      task_name: string;
      agent_id: string;
      /** `api` or `cli:<binary>`. */
      execution_mode: string;
      trigger: TaskTrigger;
      /** The schedule slot this run serves (null for manual and webhook runs). */
      scheduled_at: number | null;
      source?: string;
    }
  | { type: 'output'; text: string; is_stderr: boolean; is_complete: boolean }
  | { type: 'progress'; phase: string; percent?: number; details?: unknown }
  | { type: 'completed'; result: string; duration_ms: number; stats: TaskRunStats }
  | { type: 'failed'; error: string; error_code?: string; duration_ms: number; recoverable: boolean }
  | { type: 'cancelled'; reason: string; duration_ms: number }
  /** A scheduled run not started: a daily budget is spent (`error_code: "budget_exceeded"`). */
  | {
      type: 'skipped';
      reason: string;
      error_code: string;
      budget: BudgetBreach;
      /** When the task runs next (the first slot of the next UTC day); null when it has none. */
      resume_at: number | null;
    }
  | { type: 'notification_sent'; channel: 'telegram'; message: string }
  | { type: 'notification_failed'; channel: 'telegram'; error: string };

export type TaskStreamType = TaskStreamKind['type'];

/** The wire form: `id` is the global cursor (all-tasks watchers), `seq` the per-task one. */
export interface TaskStreamEvent {
  id: number;
  seq: number;
  task_id: string;
  run_id: string;
  timestamp: number;
  kind: TaskStreamKind;
}

/** The events after which a run has ended (notifications may still follow). */
export const TERMINAL_TASK_EVENTS: ReadonlySet<TaskStreamType> = new Set(['completed', 'failed', 'cancelled']);

/** What a task stream row stores per event type: the event's fields plus the run they belong to. */
export type TaskStreamPayloads = {
  [K in TaskStreamType]: Omit<Extract<TaskStreamKind, { type: K }>, 'type'> & { run_id: string };
};

type StoredTaskEvent = TypedEvent<TaskStreamPayloads>;

export function toTaskStreamEvent(stored: StoredTaskEvent): TaskStreamEvent {
  const { run_id: runId, ...kind } = kindOf(stored);
  return {
    id: stored.id,
    seq: stored.seq,
    task_id: stored.runId.slice(TASK_STREAM_PREFIX.length),
    run_id: runId,
    timestamp: stored.createdAt,
    kind: kind as TaskStreamKind,
  };
}

export interface TaskStreamCursor {
  /** One task (cursor = that task's seq) or, when absent, every task (cursor = global event id). */
  taskId?: string;
  /** Resume after this cursor; absent = only events from now on. */
  after?: number;
  signal?: AbortSignal;
}

export class TaskStreamLog {
  private readonly events: EventStream<TaskStreamPayloads>;

  constructor(
    private readonly db: Db,
    log: RunEventLog,
    private readonly bus: EventBus,
  ) {
    this.events = new EventStream(log, bus);
  }

  append(taskId: string, runId: string, kind: TaskStreamKind): TaskStreamEvent {
    const { type, ...fields } = kind;
    const payload = { run_id: runId, ...fields } as TaskStreamPayloads[typeof type];
    return toTaskStreamEvent(this.events.append(taskStreamId(taskId), type, payload));
  }

  /** The task's last seq (0 when it has no events): a watcher subscribing after it sees everything newer. */
  lastSeq(taskId: string): number {
    return this.events.last(taskStreamId(taskId))?.seq ?? 0;
  }

  /** Events of one task after `afterSeq`, oldest first. */
  list(taskId: string, afterSeq = 0, limit = 1000): TaskStreamEvent[] {
    return this.events.listAfter(taskStreamId(taskId), afterSeq, limit).map(toTaskStreamEvent);
  }

  /** The pid a CLI-mode run recorded when it spawned its process (used to reap orphans after a crash). */
  spawnedPid(taskId: string, runId: string): number | undefined {
    const rows = this.db
      .select({ payload: runEvents.payload })
      .from(runEvents)
      .where(and(eq(runEvents.runId, taskStreamId(taskId)), eq(runEvents.type, 'progress')))
      .orderBy(desc(runEvents.seq))
      .limit(20)
      .all();
    for (const { payload } of rows) {
      const details = payload.details as { pid?: unknown } | undefined;
      if (payload.run_id === runId && payload.phase === 'process_started' && typeof details?.pid === 'number') {
        return details.pid;
      }
    }
    return undefined;
  }

  /**
   * Listen first, replay from the store after the cursor, then tail, de-duplicated by cursor. Yields
   * `[cursor, event]` so the transport can hand the cursor out as the resumable event id.
   */
  async *subscribe(options: TaskStreamCursor): AsyncGenerator<[number, TaskStreamEvent]> {
    if (options.taskId !== undefined) {
      const streamId = taskStreamId(options.taskId);
      const afterSeq = options.after ?? this.lastSeq(options.taskId);
      for await (const stored of this.events.subscribe(streamId, { afterSeq, signal: options.signal })) {
        yield [stored.seq, toTaskStreamEvent(stored)];
      }
      return;
    }
    yield* this.subscribeAll(options.after ?? this.maxEventId(), options.signal);
  }

  private async *subscribeAll(after: number, signal?: AbortSignal): AsyncGenerator<[number, TaskStreamEvent]> {
    const inner = new AbortController();
    const abort = () => inner.abort();
    signal?.addEventListener('abort', abort, { once: true });
    const live = this.bus.listen<StoredEvent>(ALL_RUNS_CHANNEL, inner.signal);
    // `on()` buffers only once iteration has begun: start it before reading the store.
    const firstLive = live.next();
    let cursor = after;
    try {
      for (;;) {
        const batch = this.events.listAfterId(TASK_STREAM_PREFIX, cursor, 1000);
        for (const stored of batch) {
          cursor = stored.id;
          yield [stored.id, toTaskStreamEvent(stored)];
        }
        if (batch.length < 1000) break;
      }
      for (let next = await firstLive; !next.done; next = await live.next()) {
        const stored = next.value;
        if (stored.id <= cursor || !stored.runId.startsWith(TASK_STREAM_PREFIX)) continue;
        cursor = stored.id;
        yield [stored.id, toTaskStreamEvent(this.events.typed(stored))];
      }
    } finally {
      signal?.removeEventListener('abort', abort);
      inner.abort();
      await live.return(undefined);
    }
  }

  private maxEventId(): number {
    return (
      this.db
        .select({ max: sql<number | null>`max(${runEvents.id})` })
        .from(runEvents)
        .get()?.max ?? 0
    );
  }
}
