// Old runs keep their answer, not every delta it streamed in (docs/streams.md#compaction). A run streams its
// answer as many `token` events (and its reasoning as `thinking` events); once the run is older than the
// retention, each unbroken stretch of them becomes one event holding the stretch's text, so replaying the run
// (runs.events, the console's timeline, the reducer) yields the same texts from a fraction of the rows.
import type { Db } from '@restflow/db';

interface EventRow {
  id: number;
  seq: number;
  type: string;
  payload: string;
}

/** The payload field each mergeable event type streams its text in. */
const TEXT_FIELD: Record<string, string> = { token: 'text', thinking: 'content' };

export interface CompactedRun {
  events_before: number;
  events_after: number;
}

/**
 * Merges each stretch of consecutive `token` (or `thinking`) events of one stream into its last event, whose
 * payload then carries the stretch's whole text (a token event keeps the last `token_count`, the deltas streamed
 * so far). The merged event keeps the last seq of its stretch, so a cursor at or after it still resumes at the
 * same place; the seqs of the merged-away events become gaps. One transaction: a reader sees the run before or
 * after, never half-merged.
 */
export function compactRunEvents(db: Db, runId: string): CompactedRun {
  const client = db.$client;
  const rows = client
    .prepare('SELECT id, seq, type, payload FROM run_events WHERE run_id = ? ORDER BY seq')
    .all(runId) as EventRow[];
  const update = client.prepare('UPDATE run_events SET payload = ? WHERE id = ?');
  const remove = client.prepare('DELETE FROM run_events WHERE id = ?');
  let removed = 0;
  client.transaction(() => {
    let stretch: EventRow[] = [];
    const flush = () => {
      if (stretch.length > 1) {
        const last = stretch[stretch.length - 1] as EventRow;
        const field = TEXT_FIELD[last.type] as string;
        const payloads = stretch.map((row) => JSON.parse(row.payload) as Record<string, unknown>);
        const text = payloads.map((payload) => String(payload[field] ?? '')).join('');
        update.run(JSON.stringify({ ...payloads[payloads.length - 1], [field]: text }), last.id);
        for (const row of stretch.slice(0, -1)) remove.run(row.id);
        removed += stretch.length - 1;
      }
      stretch = [];
    };
    for (const row of rows) {
      if (row.type in TEXT_FIELD && (stretch.length === 0 || stretch[0]?.type === row.type)) {
        stretch.push(row);
        continue;
      }
      flush();
      if (row.type in TEXT_FIELD) stretch.push(row);
    }
    flush();
  })();
  return { events_before: rows.length, events_after: rows.length - removed };
}

export interface CompactionPass {
  runs: number;
  events_removed: number;
  /** Whether runs older than the cutoff remain (the pass stopped at its batch size). */
  more: boolean;
}

/**
 * Compacts the finished runs started before a cutoff, oldest first, a batch at a time. Each compacted run is
 * recorded in `run_event_compactions`; the walk of the run list starts at the newest run recorded there, so a pass
 * reads only runs it has not seen (a run still going when the walk passed it stays as it is).
 */
export class RunEventCompactor {
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {}

  compactStartedBefore(cutoff: number, batch = 100): CompactionPass {
    const client = this.db.$client;
    const from =
      (client.prepare('SELECT max(started_at) FROM run_event_compactions').pluck().get() as number | null) ?? 0;
    const due = client
      .prepare(
        `SELECT id, started_at FROM runs
          WHERE started_at >= ? AND started_at < ? AND status != 'running'
            AND NOT EXISTS (SELECT 1 FROM run_event_compactions c WHERE c.run_id = runs.id)
          ORDER BY started_at, id LIMIT ?`,
      )
      .all(from, cutoff, batch + 1) as { id: string; started_at: number }[];
    const record = client.prepare(
      `INSERT INTO run_event_compactions (run_id, started_at, compacted_at, events_before, events_after)
       VALUES (?, ?, ?, ?, ?)`,
    );
    let removed = 0;
    for (const run of due.slice(0, batch)) {
      const done = compactRunEvents(this.db, run.id);
      record.run(run.id, run.started_at, this.now(), done.events_before, done.events_after);
      removed += done.events_before - done.events_after;
    }
    return { runs: Math.min(due.length, batch), events_removed: removed, more: due.length > batch };
  }
}
