// The life of one provider stream, shared by both clients: the caller's signal really aborts the HTTP request
// (also when the caller stops reading early), a provider that goes silent mid-answer is cut after an idle
// timeout, and every failure leaves as an LlmError.
import { cancelledError } from './provider-errors.ts';
import { LlmError, type StreamChunk } from './types.ts';

export interface GuardedStreamOptions<Event> {
  signal: AbortSignal;
  /** Longest silence between two events before the request is abandoned. */
  idleTimeoutMs: number;
  /** Who went silent, for the timeout message. */
  label: string;
  /** Starts the SDK request with the signal it must honour. */
  open(signal: AbortSignal): Promise<AsyncIterable<Event>>;
  /** The chunks one SDK event turns into. */
  map(event: Event): Iterable<StreamChunk>;
  /** The closing chunks once the SDK stream ended (usage, finish); throws if the answer is incomplete. */
  end(): Iterable<StreamChunk>;
  toError(error: unknown): LlmError;
}

export async function* guardedStream<Event>(options: GuardedStreamOptions<Event>): AsyncGenerator<StreamChunk> {
  const { signal } = options;
  if (signal.aborted) throw cancelledError();
  const controller = new AbortController();
  const forwardAbort = () => controller.abort(signal.reason);
  signal.addEventListener('abort', forwardAbort, { once: true });
  let idle = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    timer = setTimeout(() => {
      idle = true;
      controller.abort();
    }, options.idleTimeoutMs);
  };
  const disarm = () => clearTimeout(timer);
  let iterator: AsyncIterator<Event> | undefined;
  let finished = false;
  const failure = (error: unknown) =>
    signal.aborted
      ? cancelledError()
      : idle
        ? new LlmError(
            `${options.label} sent nothing for ${options.idleTimeoutMs} ms; the request was abandoned`,
            'timeout',
          )
        : options.toError(error);
  try {
    let events: AsyncIterable<Event>;
    try {
      events = await options.open(controller.signal);
    } catch (error) {
      throw failure(error);
    }
    iterator = events[Symbol.asyncIterator]();
    while (true) {
      let next: IteratorResult<Event>;
      arm();
      try {
        next = await iterator.next();
      } catch (error) {
        throw failure(error);
      } finally {
        disarm();
      }
      if (next.done) break;
      // The timer is off while the caller handles a chunk: a slow reader is not a silent provider.
      yield* options.map(next.value);
    }
    // The SDKs end an aborted stream quietly; an abort is still a cancellation, not an answer.
    if (signal.aborted || idle) throw failure(undefined);
    yield* options.end();
    finished = true;
  } finally {
    disarm();
    signal.removeEventListener('abort', forwardAbort);
    if (!finished) {
      controller.abort();
      await iterator?.return?.().catch(() => undefined);
    }
  }
}
