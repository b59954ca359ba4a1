import type { EventBus } from './event-bus.ts';
import { type RunEventLog, runChannel, type StoredEvent } from './run-event-log.ts';

export interface ReplayOptions {
  runId: string;
  /** Last seq the subscriber has seen (0 or undefined = from the start). */
  afterSeq?: number;
  signal?: AbortSignal;
  /** Ends the stream after yielding an event for which this returns true. */
  isTerminal?: (event: StoredEvent) => boolean;
}

/**
 * The one shape of every resumable stream: listen first (buffering), replay from the store after the cursor,
 * then tail live events, de-duplicated by seq. Nothing is lost between replay and tail, nothing is repeated.
 */
export async function* replayThenTail(
  log: RunEventLog,
  bus: EventBus,
  options: ReplayOptions,
): AsyncGenerator<StoredEvent> {
  const { runId, signal, isTerminal = () => false } = options;
  const inner = new AbortController();
  const abort = () => inner.abort();
  signal?.addEventListener('abort', abort, { once: true });
  const live = bus.listen<StoredEvent>(runChannel(runId), inner.signal);
  // Start the listener before reading the store: `on()` only buffers once iteration has begun.
  const firstLive = live.next();
  let cursor = options.afterSeq ?? 0;
  try {
    for (;;) {
      const batch = log.listAfter(runId, cursor, 1000);
      for (const event of batch) {
        cursor = event.seq;
        yield event;
        if (isTerminal(event)) return;
      }
      if (batch.length < 1000) break;
    }
    let next = await firstLive;
    while (!next.done) {
      const event = next.value;
      if (event.seq > cursor) {
        if (event.seq > cursor + 1) {
          // A gap means we were slow and the buffer is fine, but be exact: fill from the store.
          for (const missed of log.listAfter(runId, cursor, event.seq - cursor - 1)) {
            cursor = missed.seq;
            yield missed;
            if (isTerminal(missed)) return;
          }
        }
        cursor = event.seq;
        yield event;
        if (isTerminal(event)) return;
      }
      next = await live.next();
    }
  } finally {
    signal?.removeEventListener('abort', abort);
    inner.abort();
    await live.return(undefined);
  }
}
