import { and, asc, type Db, eq, gt, runEvents, sql } from '@restflow/db';
import type { Clock } from '../runtime.ts';
import type { EventBus } from './event-bus.ts';

export interface StoredEvent<P = Record<string, unknown>> {
  /** Global cursor across all streams. */
  id: number;
  runId: string;
  /** Per-stream cursor, 1-based, gap-free. */
  seq: number;
  type: string;
  payload: P;
  createdAt: number;
}

export const runChannel = (runId: string) => `run:${runId}`;
export const ALL_RUNS_CHANNEL = 'run:*';

/**
 * The append-only log behind every stream: write first, then publish. Sequence numbers are assigned here,
 * per stream, in the single daemon process (the only writer), so they are gap-free and monotonic.
 */
export class RunEventLog {
  private readonly lastSeq = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly clock: Clock,
  ) {}

  append<P extends Record<string, unknown>>(runId: string, type: string, payload: P): StoredEvent<P> {
    const seq = this.nextSeq(runId);
    const createdAt = this.clock.now();
    const row = this.db
      .insert(runEvents)
      .values({ runId, seq, type, payload, createdAt })
      .returning({ id: runEvents.id })
      .get();
    this.lastSeq.set(runId, seq);
    const event: StoredEvent<P> = { id: row.id, runId, seq, type, payload, createdAt };
    this.bus.publish(runChannel(runId), event);
    this.bus.publish(ALL_RUNS_CHANNEL, event);
    return event;
  }

  listAfter(runId: string, afterSeq = 0, limit = 10_000): StoredEvent[] {
    return this.db
      .select()
      .from(runEvents)
      .where(and(eq(runEvents.runId, runId), gt(runEvents.seq, afterSeq)))
      .orderBy(asc(runEvents.seq))
      .limit(limit)
      .all() as StoredEvent[];
  }

  /** Events of every stream whose id starts with `runIdPrefix`, after a global cursor. */
  listAfterId(runIdPrefix: string, afterId = 0, limit = 10_000): StoredEvent[] {
    return this.db
      .select()
      .from(runEvents)
      .where(and(gt(runEvents.id, afterId), sql`${runEvents.runId} LIKE ${`${runIdPrefix}%`}`))
      .orderBy(asc(runEvents.id))
      .limit(limit)
      .all() as StoredEvent[];
  }

  last(runId: string): StoredEvent | undefined {
    return this.db
      .select()
      .from(runEvents)
      .where(eq(runEvents.runId, runId))
      .orderBy(sql`${runEvents.seq} DESC`)
      .limit(1)
      .get() as StoredEvent | undefined;
  }

  private nextSeq(runId: string): number {
    const cached = this.lastSeq.get(runId);
    if (cached !== undefined) return cached + 1;
    const row = this.db
      .select({ max: sql<number | null>`max(${runEvents.seq})` })
      .from(runEvents)
      .where(eq(runEvents.runId, runId))
      .get();
    return (row?.max ?? 0) + 1;
  }

  /** Stops caching the cursor of a finished stream. */
  forget(runId: string): void {
    this.lastSeq.delete(runId);
  }
}
