// Bytes held for requests that have not fully arrived, counted across every connection of the pipe and the
// WebSocket together (docs/limits.md): each connection is already limited to one frame (MAX_FRAME_BYTES), and this
// keeps many connections, each parking a partial frame just under that, from growing the daemon without bound.
import { createRequire } from 'node:module';
import type v8 from 'node:v8';
import vm from 'node:vm';
import { MAX_FRAME_BYTES } from '../ndjson.ts';

/**
 * Room for one maximal frame plus ordinary traffic beside it; past it the connection that asks for more is closed
 * (a second maximal frame at the same moment is told to retry). Counted in bytes as read: partial frames are held
 * as the read buffers themselves (ndjson.ts, and `ws` for the WebSocket), and what a closed connection held stays
 * counted until it is collected (`overflowed`), so the bytes counted are the bytes the daemon holds.
 */
export const MAX_TOTAL_BUFFERED_BYTES = MAX_FRAME_BYTES + 1024 * 1024;

/** Replies queued for a peer that does not read: past this the connection is dropped instead of growing. */
export const MAX_OUTBOUND_BUFFERED_BYTES = 2 * MAX_FRAME_BYTES;

/** Only while connections are being refused, i.e. under attack; a quarter second keeps garbage from piling up. */
const COLLECT_EVERY_MS = 250;

export class BufferBudget {
  private readonly held = new Map<object, number>();
  private used = 0;
  /** Bytes of connections closed for the limit, not collected yet: still in memory, still counted in `used`. */
  private garbage = 0;

  constructor(readonly limit = MAX_TOTAL_BUFFERED_BYTES) {}

  /** Records that `holder` now buffers `bytes`; false (nothing recorded) when that would pass the limit. */
  hold(holder: object, bytes: number): boolean {
    const previous = this.held.get(holder) ?? 0;
    if (bytes > previous && this.used - previous + bytes > this.limit) return false;
    this.used += bytes - previous;
    if (bytes === 0) this.held.delete(holder);
    else this.held.set(holder, bytes);
    return true;
  }

  release(holder: object): void {
    this.hold(holder, 0);
  }

  /**
   * Called when `holder` was closed for the limit. What it had buffered is garbage now, but still memory: V8
   * frees read buffers only when a collection finds them dead, so a flood of connections each refused after
   * filling the room left by the previous one would grow the daemon past the limit. Its bytes therefore stay
   * counted (the next connections asking for more are refused too, without reading more) until a young-generation
   * collection has run, at most every COLLECT_EVERY_MS and once after the last refusal of a burst: a few
   * milliseconds, where a full collection took 20-60 ms of every client's time on a loaded machine
   * (bench/abuse-probes.bench.ts). It frees the buffers of connections refused soon after they connected, the
   * flood case; V8's own accounting of external memory takes care of older ones.
   */
  overflowed(holder: object): void {
    const bytes = this.held.get(holder) ?? 0;
    this.held.delete(holder);
    this.garbage += bytes;
    this.scheduleCollection();
  }

  private scheduleCollection(): void {
    const wait = this.lastCollection + COLLECT_EVERY_MS - Date.now();
    if (wait <= 0) {
      collectYoungGarbage()?.({ type: 'minor' });
      // Counted from the end: a collection slower than the interval still leaves the event loop free between two.
      this.lastCollection = Date.now();
      this.used -= this.garbage;
      this.garbage = 0;
      return;
    }
    // Connections refused close together are collected together, once the interval is over.
    this.trailing ??= setTimeout(() => {
      this.trailing = undefined;
      this.scheduleCollection();
    }, wait);
    this.trailing.unref();
  }

  private trailing: NodeJS.Timeout | undefined;
  private lastCollection = 0;

  /** Bytes counted: held by open connections plus those of closed ones not collected yet. */
  get total(): number {
    return this.used;
  }
}

/** Why a connection was closed for the total limit, for the error frame or close reason it gets. */
export function overBudgetMessage(budget: BufferBudget): string {
  const mib = Math.round(budget.limit / (1024 * 1024));
  return `The daemon holds too many partly received requests (total limit ${mib} MiB, docs/limits.md); this connection is closed, retry later`;
}

type Collector = (options: { type: 'minor' | 'major' }) => void;
let gc: Collector | null | undefined;
/** V8's collector, made reachable once without starting the daemon with --expose-gc. */
function collectYoungGarbage(): Collector | null {
  if (gc !== undefined) return gc;
  try {
    // node:v8 loads here, on the first large request, not with the daemon.
    (createRequire(import.meta.url)('node:v8') as typeof v8).setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as Collector;
  } catch {
    gc = null;
  }
  return gc;
}
