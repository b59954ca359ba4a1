// Task runs as the console shows them: the live stream (tasks.onEvents) and the stored history (tasks.events)
// both folded into one row per run, so a run's many output chunks read as one growing text.
import type { RouterOutputs } from '@restflow/api';

type StreamItem<T> = T extends AsyncIterable<infer Item> ? Item : never;
export type TaskStreamEvent = StreamItem<RouterOutputs['tasks']['onEvents']>['data'];
export type TaskHistoryEvent = RouterOutputs['tasks']['events']['list'][number];

export type TaskRunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled' | 'interrupted';

export interface TaskRunRow {
  run_id: string;
  task_id: string;
  status: TaskRunStatus;
  started_at: number;
  updated_at: number;
  trigger?: string;
  /** The run's output so far (streamed text), or its final result. */
  output: string;
  error?: string;
  /** The latest progress phase (queued, retrying, failover, …). */
  phase?: string;
  duration_ms?: number;
  notifications: string[];
  /** Highest event id folded in: a replayed event is never applied twice. */
  last_id: number;
}

/** Longest text kept per run in the live feed (the full text is in the run's transcript). */
export const MAX_RUN_OUTPUT = 20_000;

function clip(text: string): string {
  return text.length > MAX_RUN_OUTPUT ? text.slice(-MAX_RUN_OUTPUT) : text;
}

function newRow(event: TaskStreamEvent): TaskRunRow {
  return {
    run_id: event.run_id,
    task_id: event.task_id,
    status: 'queued',
    started_at: event.timestamp,
    updated_at: event.timestamp,
    output: '',
    notifications: [],
    last_id: 0,
  };
}

function applyKind(row: TaskRunRow, kind: TaskStreamEvent['kind']): TaskRunRow {
  switch (kind.type) {
    case 'started':
      return { ...row, status: 'running', trigger: kind.trigger };
    case 'output':
      return {
        ...row,
        status: row.status === 'queued' ? 'running' : row.status,
        output: clip(row.output + kind.text + (kind.is_complete ? '\n' : '')),
      };
    case 'progress':
      return { ...row, phase: kind.phase };
    case 'completed':
      // The result is the answer; streamed text may have been clipped or may be a CLI's raw lines.
      return { ...row, status: 'completed', output: kind.result || row.output, duration_ms: kind.duration_ms };
    case 'failed':
      return { ...row, status: 'failed', error: kind.error, duration_ms: kind.duration_ms };
    case 'cancelled':
      return { ...row, status: 'cancelled', error: kind.reason, duration_ms: kind.duration_ms };
    case 'skipped':
      // Never started: a daily budget is spent (the reason names it).
      return { ...row, status: 'cancelled', error: kind.reason, duration_ms: 0 };
    case 'notification_sent':
      return { ...row, notifications: [...row.notifications, `${kind.channel}: sent`] };
    case 'notification_failed':
      return { ...row, notifications: [...row.notifications, `${kind.channel}: ${kind.error}`] };
  }
}

/**
 * Folds one stream event into the rows (newest run first). Events of a run already shown update its row in
 * place; a new run adds a row at the top; at most `maxRuns` rows are kept.
 */
export function foldTaskEvent(rows: TaskRunRow[], event: TaskStreamEvent, maxRuns = 50): TaskRunRow[] {
  const index = rows.findIndex((row) => row.run_id === event.run_id);
  const current = index >= 0 ? (rows[index] as TaskRunRow) : newRow(event);
  if (event.id <= current.last_id) return rows;
  const next = { ...applyKind(current, event.kind), updated_at: event.timestamp, last_id: event.id };
  if (index >= 0) return rows.map((row, i) => (i === index ? next : row));
  return [next, ...rows].slice(0, maxRuns);
}

const HISTORY_STATUS: Partial<Record<TaskHistoryEvent['event_type'], TaskRunStatus>> = {
  started: 'running',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
  interrupted: 'interrupted',
};

/** The stored history (newest first) as one row per run, newest run first; events without a run are skipped. */
export function runsFromHistory(events: TaskHistoryEvent[]): TaskRunRow[] {
  const rows = new Map<string, TaskRunRow>();
  // Oldest first, so a run's later events override its earlier ones.
  for (const event of [...events].reverse()) {
    const status = HISTORY_STATUS[event.event_type];
    if (!event.run_id || !status) continue;
    const row = rows.get(event.run_id) ?? {
      run_id: event.run_id,
      task_id: event.task_id,
      status,
      started_at: event.timestamp,
      updated_at: event.timestamp,
      output: '',
      notifications: [],
      last_id: 0,
    };
    row.status = status;
    row.updated_at = event.timestamp;
    if (event.duration_ms !== undefined) row.duration_ms = event.duration_ms;
    if (status === 'completed') row.output = event.output ?? '';
    if (status === 'failed' || status === 'cancelled' || status === 'interrupted') row.error = event.message;
    rows.set(event.run_id, row);
  }
  return [...rows.values()].reverse();
}
