// Bytes held for requests that have not fully arrived, counted across every connection of the pipe and the
// WebSocket together (docs/limits.md): each connection is already limited to one frame (MAX_FRAME_CHARS), and this
// keeps many connections, each parking a partial frame just under that, from growing the daemon without bound.
import v8 from 'node:v8';
import vm from 'node:vm';
import { MAX_FRAME_CHARS } from '../ndjson.ts';

/**
 * Room for one maximal frame plus ordinary traffic beside it; past it the connection that asks for more is closed
 * (a second maximal frame at the same moment is told to retry). Sized from a measurement: while partial frames
 * arrive the daemon holds two to three times what they count (read buffers, decoded text, garbage not yet
 * collected), and an idle daemon (about 125 MB resident) plus that must stay under 200 MB.
 */
export const MAX_TOTAL_BUFFERED_BYTES = MAX_FRAME_CHARS + 1024 * 1024;

/** Replies queued for a peer that does not read: past this the connection is dropped instead of growing. */
export const MAX_OUTBOUND_BUFFERED_BYTES = 2 * MAX_FRAME_CHARS;

/** Only while connections are being refused, i.e. under attack; a quarter second keeps garbage from piling up. */
const COLLECT_EVERY_MS = 250;

export class BufferBudget {
  private readonly held = new Map<object, number>();
  private used = 0;

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
   * Called when a connection was closed for the limit: what it had buffered (read buffers, decoded text) is now
   * garbage, and V8 only collects read buffers once some 64 MB of them pile up, so under a flood of refused
   * connections the daemon would still grow well past what the limit counts. A full collection (some 10-30 ms), at
   * most every COLLECT_EVERY_MS and once more after the last refusal of a burst, frees it at once.
   */
  overflowed(): void {
    const wait = this.lastCollection + COLLECT_EVERY_MS - Date.now();
    if (wait <= 0) {
      this.lastCollection = Date.now();
      collectGarbage()?.();
      return;
    }
    // Connections refused close together are collected together, once the interval is over.
    this.trailing ??= setTimeout(() => {
      this.trailing = undefined;
      this.overflowed();
    }, wait);
    this.trailing.unref();
  }

  private trailing: NodeJS.Timeout | undefined;
  private lastCollection = 0;

  get total(): number {
    return this.used;
  }
}

/** Why a connection was closed for the total limit, for the error frame or close reason it gets. */
export function overBudgetMessage(budget: BufferBudget): string {
  const mib = Math.round(budget.limit / (1024 * 1024));
  return `The daemon holds too many partly received requests (total limit ${mib} MiB, docs/limits.md); this connection is closed, retry later`;
}

let gc: (() => void) | null | undefined;
/** V8's collector, made reachable once without starting the daemon with --expose-gc. */
function collectGarbage(): (() => void) | null {
  if (gc !== undefined) return gc;
  try {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as () => void;
  } catch {
    gc = null;
  }
  return gc;
}
