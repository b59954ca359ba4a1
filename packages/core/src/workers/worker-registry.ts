// The workers a queue-backed daemon knows of: live state from their heartbeats, never stored (a worker registers
// again after a daemon restart). A worker silent for longer than the timeout is lost: its runs are interrupted.
import { ConflictError, NotFoundError } from '../errors.ts';
import type { Clock, IdGenerator } from '../runtime.ts';
import { normalizeTags } from './queue-names.ts';

export interface WorkerHello {
  name: string;
  /** The worker's RestFlow version (shown in lists) and wire protocol (must equal the daemon's). */
  version: string;
  protocol_version: number;
  tags: string[];
  queue: string;
  concurrency: number;
}

export interface WorkerInfo extends WorkerHello {
  id: string;
  status: 'online' | 'lost';
  /** Runs the worker is executing now (its load, out of `concurrency`). */
  active_runs: string[];
  registered_at: number;
  last_heartbeat_at: number;
}

/** Lost workers stay listed this long, so a console shows what went away. */
const KEEP_LOST_MS = 60 * 60 * 1000;

export class WorkerRegistry {
  private readonly workers = new Map<string, WorkerInfo>();

  constructor(
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly protocolVersion: number,
    private readonly timeoutMs: number,
  ) {}

  register(hello: WorkerHello): WorkerInfo {
    if (hello.protocol_version !== this.protocolVersion) {
      throw new ConflictError(
        `worker ${hello.name} speaks protocol ${hello.protocol_version} but this daemon speaks ` +
          `${this.protocolVersion}: run the same RestFlow version on both`,
      );
    }
    const now = this.clock.now();
    const worker: WorkerInfo = {
      ...hello,
      tags: normalizeTags(hello.tags),
      id: this.ids.uuid(),
      status: 'online',
      active_runs: [],
      registered_at: now,
      last_heartbeat_at: now,
    };
    this.workers.set(worker.id, worker);
    return { ...worker };
  }

  /** An online worker; NotFoundError for unknown or lost ones (a lost worker registers again). */
  online(id: string): WorkerInfo {
    const worker = this.workers.get(id);
    if (worker?.status !== 'online') throw new NotFoundError('Worker', id);
    return worker;
  }

  beat(id: string): WorkerInfo {
    const worker = this.online(id);
    worker.last_heartbeat_at = this.clock.now();
    return worker;
  }

  remove(id: string): boolean {
    return this.workers.delete(id);
  }

  list(): WorkerInfo[] {
    return [...this.workers.values()]
      .sort((a, b) => a.registered_at - b.registered_at || a.id.localeCompare(b.id))
      .map((worker) => ({ ...worker, active_runs: [...worker.active_runs] }));
  }

  /** Marks workers silent past the timeout as lost and returns them; forgets long-lost ones. */
  sweep(): WorkerInfo[] {
    const now = this.clock.now();
    const lost: WorkerInfo[] = [];
    for (const worker of this.workers.values()) {
      if (worker.status === 'online' && now - worker.last_heartbeat_at > this.timeoutMs) {
        worker.status = 'lost';
        lost.push(worker);
      } else if (worker.status === 'lost' && now - worker.last_heartbeat_at > KEEP_LOST_MS) {
        this.workers.delete(worker.id);
      }
    }
    return lost;
  }
}
