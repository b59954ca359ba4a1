// Scheduler heartbeats (docs/streams.md#heartbeats): a pulse every few seconds plus status changes and
// warnings, persisted under the stream `heartbeat` so a console can resume it; old rows are pruned.
import { and, type Db, eq, lte, runEvents } from '@restflow/db';
import type { EventBus } from '../events/event-bus.ts';
import { EventStream, type TypedEvent } from '../events/event-stream.ts';
import type { RunEventLog } from '../events/run-event-log.ts';
import type { Clock } from '../runtime.ts';

export const HEARTBEAT_STREAM = 'heartbeat';
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 5000;
/** Heartbeat rows kept; older ones are deleted so the table does not grow with uptime. */
export const DEFAULT_HEARTBEAT_RETAIN = 500;

export type SchedulerStatus = 'starting' | 'running' | 'paused' | 'stopping' | 'stopped' | 'error';

export type HeartbeatEvent =
  | {
      kind: 'pulse';
      sequence: number;
      timestamp: number;
      active_tasks: number;
      pending_tasks: number;
      uptime_ms: number;
      stats?: { memory_bytes?: number };
    }
  | { kind: 'status_change'; status: SchedulerStatus; timestamp: number; message?: string }
  | { kind: 'warning'; code: string; message: string; timestamp: number };

export interface HeartbeatLoad {
  active: number;
  pending: number;
}

export interface HeartbeatOptions {
  intervalMs?: number;
  retain?: number;
}

type HeartbeatKind = HeartbeatEvent['kind'];

/** What a heartbeat row stores per kind. */
export type HeartbeatPayloads = { [K in HeartbeatKind]: Omit<Extract<HeartbeatEvent, { kind: K }>, 'kind'> };

// TypeScript cannot follow the kind/payload pairing through a spread (see kindOf in event-stream.ts).
const toHeartbeat = (stored: TypedEvent<HeartbeatPayloads>): HeartbeatEvent =>
  ({ kind: stored.type, ...stored.payload }) as HeartbeatEvent;

export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;
  private sequence = 0;
  private startedAt: number;
  readonly intervalMs: number;
  private readonly retain: number;
  private readonly events: EventStream<HeartbeatPayloads>;

  constructor(
    private readonly db: Db,
    log: RunEventLog,
    bus: EventBus,
    private readonly clock: Clock,
    private readonly load: () => HeartbeatLoad,
    options: HeartbeatOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
    this.retain = Math.max(1, options.retain ?? DEFAULT_HEARTBEAT_RETAIN);
    this.startedAt = clock.now();
    this.events = new EventStream(log, bus);
  }

  start(): void {
    this.startedAt = this.clock.now();
    this.stop();
    this.timer = setInterval(() => this.pulse(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  pulse(): HeartbeatEvent {
    const { active, pending } = this.load();
    const now = this.clock.now();
    this.sequence += 1;
    return this.append({
      kind: 'pulse',
      sequence: this.sequence,
      timestamp: now,
      active_tasks: active,
      pending_tasks: pending,
      uptime_ms: now - this.startedAt,
      stats: { memory_bytes: process.memoryUsage().rss },
    });
  }

  statusChange(status: SchedulerStatus, message?: string): HeartbeatEvent {
    return this.append({ kind: 'status_change', status, timestamp: this.clock.now(), ...(message ? { message } : {}) });
  }

  warning(code: string, message: string): HeartbeatEvent {
    return this.append({ kind: 'warning', code, message, timestamp: this.clock.now() });
  }

  /** Resumable: after `after` (a seq), else starting with the latest stored event. */
  async *subscribe(after: number | undefined, signal?: AbortSignal): AsyncGenerator<[number, HeartbeatEvent]> {
    const afterSeq = after ?? Math.max(0, (this.events.last(HEARTBEAT_STREAM)?.seq ?? 0) - 1);
    for await (const stored of this.events.subscribe(HEARTBEAT_STREAM, { afterSeq, signal })) {
      yield [stored.seq, toHeartbeat(stored)];
    }
  }

  private append(event: HeartbeatEvent): HeartbeatEvent {
    const { kind, ...payload } = event;
    const stored = this.events.append(HEARTBEAT_STREAM, kind, payload as HeartbeatPayloads[typeof kind]);
    if (stored.seq > this.retain) {
      this.db
        .delete(runEvents)
        .where(and(eq(runEvents.runId, HEARTBEAT_STREAM), lte(runEvents.seq, stored.seq - this.retain)))
        .run();
    }
    return event;
  }
}
