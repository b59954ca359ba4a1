import type { Db } from '@restflow/db';
import type { Clock } from '../runtime.ts';
import type { Redactor } from '../security/redactor.ts';
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
interface EventRow {
  id: number;
  run_id: string;
  seq: number;
  type: string;
  payload: string;
  created_at: number;
}

const toEvent = (row: EventRow): StoredEvent => ({
  id: row.id,
  runId: row.run_id,
  seq: row.seq,
  type: row.type,
  payload: JSON.parse(row.payload) as Record<string, unknown>,
  createdAt: row.created_at,
});

/**
 * The append-only log behind every stream: write first, then publish. Sequence numbers are assigned here,
 * per stream, in the single daemon process (the only writer), so they are gap-free and monotonic.
 *
 * This is the hottest path of the daemon (every token batch of every run, every replay of every subscriber),
 * so it uses prepared statements on the driver instead of building each query through the ORM.
 */
export class RunEventLog {
  private readonly lastSeq = new Map<string, number>();
  private readonly statements;

  constructor(
    db: Db,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    private readonly redactor?: Redactor,
  ) {
    const client = db.$client;
    const columns = 'id, run_id, seq, type, payload, created_at';
    this.statements = {
      insert: client.prepare<[string, number, string, string, number]>(
        'INSERT INTO run_events (run_id, seq, type, payload, created_at) VALUES (?, ?, ?, ?, ?)',
      ),
      after: client.prepare<[string, number, number], EventRow>(
        `SELECT ${columns} FROM run_events WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
      ),
      afterId: client.prepare<[number, string, number], EventRow>(
        `SELECT ${columns} FROM run_events WHERE id > ? AND run_id LIKE ? ESCAPE '\\' ORDER BY id LIMIT ?`,
      ),
      last: client.prepare<[string], EventRow>(
        `SELECT ${columns} FROM run_events WHERE run_id = ? ORDER BY seq DESC LIMIT 1`,
      ),
      tail: client.prepare<[string], { seq: number; type: string; error_code: unknown }>(
        `SELECT seq, type, CASE WHEN type = 'failed' THEN json_extract(payload, '$.error_code') END AS error_code
           FROM run_events WHERE run_id = ? ORDER BY seq DESC LIMIT 1`,
      ),
      maxSeq: client.prepare<[string], { max: number | null }>(
        'SELECT max(seq) AS max FROM run_events WHERE run_id = ?',
      ),
    };
  }

  append<P extends Record<string, unknown>>(runId: string, type: string, original: P): StoredEvent<P> {
    // Redacted before it is written or published: no subscriber, replay or database file sees a known secret.
    const payload = this.redactor ? this.redactor.redactDeep(original) : original;
    const seq = this.nextSeq(runId);
    const createdAt = this.clock.now();
    const { lastInsertRowid } = this.statements.insert.run(runId, seq, type, JSON.stringify(payload), createdAt);
    this.lastSeq.set(runId, seq);
    const event: StoredEvent<P> = { id: Number(lastInsertRowid), runId, seq, type, payload, createdAt };
    this.bus.publish(runChannel(runId), event);
    this.bus.publish(ALL_RUNS_CHANNEL, event);
    return event;
  }

  listAfter(runId: string, afterSeq = 0, limit = 10_000): StoredEvent[] {
    return this.statements.after.all(runId, afterSeq, limit).map(toEvent);
  }

  /** Events of every stream whose id starts with `runIdPrefix`, after a global cursor. */
  listAfterId(runIdPrefix: string, afterId = 0, limit = 10_000): StoredEvent[] {
    const pattern = `${runIdPrefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return this.statements.afterId.all(afterId, pattern, limit).map(toEvent);
  }

  last(runId: string): StoredEvent | undefined {
    const row = this.statements.last.get(runId);
    return row ? toEvent(row) : undefined;
  }

  /**
   * The last event's seq and type (and a failure's error_code) without reading its payload: a run list shows
   * these for every row, and a finished run's last payload holds its whole answer.
   */
  lastSummary(runId: string): { seq: number; type: string; errorCode: unknown } | undefined {
    const row = this.statements.tail.get(runId);
    return row ? { seq: row.seq, type: row.type, errorCode: row.error_code } : undefined;
  }

  private nextSeq(runId: string): number {
    const cached = this.lastSeq.get(runId);
    if (cached !== undefined) return cached + 1;
    return (this.statements.maxSeq.get(runId)?.max ?? 0) + 1;
  }

  /** Stops caching the cursor of a finished stream. */
  forget(runId: string): void {
    this.lastSeq.delete(runId);
  }
}
