// The database's upkeep while the daemon runs (docs/lifecycle.md#database-upkeep): old runs' deltas compacted,
// the query planner's statistics refreshed, the write-ahead log folded back and truncated, and free pages
// returned to the file system where the database allows it.
import type { Db } from '@restflow/db';
import type { Clock } from '../runtime.ts';
import { RunEventCompactor } from './run-event-compaction.ts';

const DAY_MS = 86_400_000;

export interface MaintenanceOptions {
  /** Runs started more than this many days ago are compacted (SystemConfig.run_events_keep_days). */
  keepDays: () => number;
  /** How often a pass runs; default hourly. */
  intervalMs?: number;
  /** Runs compacted per step; the event loop is yielded between steps. */
  batch?: number;
  /** Free pages returned per pass when the database has auto_vacuum = INCREMENTAL. */
  vacuumPages?: number;
}

export interface MaintenanceReport {
  runs_compacted: number;
  events_removed: number;
  /** Frames the write-ahead log held before it was checkpointed and truncated (-1: not in WAL mode). */
  wal_frames: number;
  /** Free pages handed back to the file system (0 unless auto_vacuum = INCREMENTAL). */
  pages_vacuumed: number;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class DatabaseMaintenance {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<MaintenanceReport> | undefined;
  private readonly compactor: RunEventCompactor;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly options: MaintenanceOptions,
  ) {
    this.compactor = new RunEventCompactor(db, () => clock.now());
  }

  /** Passes every interval (the first after one interval: start-up stays quick); stop() ends them. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runOnce().catch(() => undefined), this.options.intervalMs ?? 3_600_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** One pass; a pass asked for while one runs shares it. */
  runOnce(): Promise<MaintenanceReport> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(): Promise<MaintenanceReport> {
    const cutoff = this.clock.now() - this.options.keepDays() * DAY_MS;
    let runs = 0;
    let removed = 0;
    for (;;) {
      if (!this.db.$client.open) break;
      const step = this.compactor.compactStartedBefore(cutoff, this.options.batch ?? 50);
      runs += step.runs;
      removed += step.events_removed;
      if (!step.more) break;
      await yieldToEventLoop();
    }
    const client = this.db.$client;
    if (!client.open) return { runs_compacted: runs, events_removed: removed, wal_frames: 0, pages_vacuumed: 0 };
    // Statistics for the tables whose shape changed since the last pass (cheap: SQLite decides what to analyse).
    client.pragma('optimize');
    // Vacuum first: in WAL mode the file shrinks when the freed pages are checkpointed.
    const pagesVacuumed = this.vacuum();
    return {
      runs_compacted: runs,
      events_removed: removed,
      wal_frames: this.checkpoint(),
      pages_vacuumed: pagesVacuumed,
    };
  }

  /**
   * Folds the write-ahead log back into the database and truncates it: SQLite's automatic checkpoints keep the
   * log from growing past ~1000 pages but never shrink the file, which a burst of writes leaves large.
   */
  private checkpoint(): number {
    type Checkpoint = { busy: number; log: number; checkpointed: number };
    // PASSIVE first only to learn the log's size (TRUNCATE reports 0 once it has emptied it).
    const client = this.db.$client;
    const [before] = client.pragma('wal_checkpoint(PASSIVE)') as Checkpoint[];
    // TRUNCATE waits for every reader to finish, and a search on the search thread may read for seconds: with no
    // wait the event loop never blocks on one, and a busy log is left for the next pass.
    const timeout = client.pragma('busy_timeout', { simple: true }) as number;
    client.pragma('busy_timeout = 0');
    try {
      client.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      client.pragma(`busy_timeout = ${timeout}`);
    }
    return before?.log ?? -1;
  }

  /** Hands free pages back to the file system, when the database was created with auto_vacuum = INCREMENTAL. */
  private vacuum(): number {
    const client = this.db.$client;
    if ((client.pragma('auto_vacuum', { simple: true }) as number) !== 2) return 0;
    const free = client.pragma('freelist_count', { simple: true }) as number;
    const pages = Math.min(free, this.options.vacuumPages ?? 10_000);
    if (pages > 0) client.pragma(`incremental_vacuum(${pages})`);
    return pages;
  }
}
