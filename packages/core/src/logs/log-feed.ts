// The daemon's log lines as the API serves them (`logs.list`, `logs.onLine`): every line the daemon's logger
// writes (already redacted) is appended here and kept in a bounded ring for live followers; older lines are read
// back from the log files. Knows nothing of pino or of transports: the daemon's log destination calls append().
import fs from 'node:fs';
import { linesFromEnd } from './tail-lines.ts';

/** pino's numeric levels by name. */
export const LOG_LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;
export type LogLevelName = keyof typeof LOG_LEVELS;

export interface LogLine {
  seq: number;
  time: number;
  level: LogLevelName;
  component: string;
  msg: string;
  run_id: string | null;
  task_id: string | null;
  session_id: string | null;
  /** The whole line as written to the log file (JSON). */
  raw: string;
}

export interface LogFilter {
  /** Epoch ms: lines at or after it. */
  since?: number;
  /** The least severe level shown. */
  level?: LogLevelName;
  component?: string;
  run_id?: string;
  task_id?: string;
  session_id?: string;
}

const RING_LINES = 2000;

function levelName(value: unknown): LogLevelName {
  if (typeof value === 'string' && value in LOG_LEVELS) return value as LogLevelName;
  const n = Number(value);
  let name: LogLevelName = 'info';
  for (const [key, at] of Object.entries(LOG_LEVELS)) if (n >= at) name = key as LogLevelName;
  return name;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null);

/** A written line in its API shape; undefined for a line that is not a JSON object. */
export function parseLogLine(raw: string, seq: number): LogLine | undefined {
  let record: Record<string, unknown>;
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
    record = parsed as Record<string, unknown>;
  } catch {
    return undefined;
  }
  return {
    seq,
    time: typeof record.time === 'number' ? record.time : Date.parse(String(record.time)) || 0,
    level: levelName(record.level),
    component: text(record.component) ?? 'daemon',
    msg: typeof record.msg === 'string' ? record.msg : '',
    run_id: text(record.runId),
    task_id: text(record.taskId),
    session_id: text(record.sessionId),
    raw,
  };
}

export function matchesLogFilter(line: LogLine, filter: LogFilter): boolean {
  if (filter.since !== undefined && line.time < filter.since) return false;
  if (filter.level && LOG_LEVELS[line.level] < LOG_LEVELS[filter.level]) return false;
  if (filter.component && line.component !== filter.component) return false;
  if (filter.run_id && line.run_id !== filter.run_id) return false;
  if (filter.task_id && line.task_id !== filter.task_id) return false;
  if (filter.session_id && line.session_id !== filter.session_id) return false;
  return true;
}

type Listener = (line: LogLine) => void;

export class LogFeed {
  private readonly ring: LogLine[] = [];
  private readonly listeners = new Set<Listener>();
  private seq = 0;

  /** `files`: the log files, oldest first (rotated ones, then the current one); none for an in-memory feed. */
  constructor(private readonly files: () => string[] = () => []) {}

  append(raw: string): void {
    const line = parseLogLine(raw.trimEnd(), ++this.seq);
    if (!line) return;
    this.ring.push(line);
    if (this.ring.length > RING_LINES) this.ring.shift();
    for (const listener of this.listeners) listener(line);
  }

  /** The last `limit` lines matching `filter`, oldest first: from the files when there are any, else the ring. */
  list(filter: LogFilter, limit: number): LogLine[] {
    const files = this.files().filter((file) => fs.existsSync(file));
    if (files.length === 0) return this.ring.filter((line) => matchesLogFilter(line, filter)).slice(-limit);
    // Newest file first, each read from its end a block at a time: a small `limit` reads a few blocks of the
    // newest file instead of every file whole (they grow to the rotation size).
    const newestFirst: LogLine[] = [];
    for (const file of [...files].reverse()) {
      try {
        for (const raw of linesFromEnd(file)) {
          const line = parseLogLine(raw, 0);
          if (line && matchesLogFilter(line, filter)) newestFirst.push(line);
          if (newestFirst.length >= limit) break;
        }
      } catch {
        // Rotated away or unreadable between the listing and the read: the other files still answer.
      }
      if (newestFirst.length >= limit) break;
    }
    // File lines have no live sequence number; they are numbered in order, oldest first.
    return newestFirst.reverse().map((line, i) => ({ ...line, seq: i + 1 }));
  }

  /**
   * Live lines matching `filter`, each with its sequence number; after `lastEventId` the ring's newer lines are
   * replayed first, so a follower that reconnects misses nothing the ring still holds.
   */
  async *follow(
    filter: LogFilter,
    lastEventId: string | number | null | undefined,
    signal?: AbortSignal,
  ): AsyncGenerator<LogLine> {
    const queue: LogLine[] = [];
    let wake: (() => void) | undefined;
    const listener: Listener = (line) => {
      if (!matchesLogFilter(line, filter)) return;
      queue.push(line);
      // A follower that never reads must not hold the daemon's memory.
      if (queue.length > RING_LINES) queue.shift();
      wake?.();
    };
    this.listeners.add(listener);
    const onAbort = () => wake?.();
    signal?.addEventListener('abort', onAbort);
    try {
      const after = lastEventId === null || lastEventId === undefined ? Number.NaN : Number(lastEventId);
      if (Number.isFinite(after)) {
        for (const line of this.ring) if (line.seq > after && matchesLogFilter(line, filter)) yield line;
      }
      while (!signal?.aborted) {
        const next = queue.shift();
        if (next) {
          yield next;
          continue;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    } finally {
      this.listeners.delete(listener);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  followers(): number {
    return this.listeners.size;
  }
}
