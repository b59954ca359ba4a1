// The life of one provider stream, shared by both clients: the caller's signal really aborts the HTTP request
// (also when the caller stops reading early), a provider that does not answer, or goes silent mid-answer, is
// cut after a timeout, and every failure leaves as an LlmError. The timeouts live here rather than in the SDKs
// so that both report them the same way.
import { cancelledError } from './provider-errors.ts';
import { LlmError, type StreamChunk } from './types.ts';

export interface GuardedStreamOptions<Event> {
  signal: AbortSignal;
  /** Longest wait for the response headers. */
  requestTimeoutMs: number;
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
  let timedOut: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  const arm = (ms: number, what: string) => {
    timer = setTimeout(() => {
      timedOut = `${options.label} ${what} ${ms} ms; the request was abandoned`;
      controller.abort();
    }, ms);
  };
  const disarm = () => clearTimeout(timer);
  const failure = (error: unknown) =>
    signal.aborted ? cancelledError() : timedOut ? new LlmError(timedOut, 'timeout') : options.toError(error);
  let iterator: AsyncIterator<Event> | undefined;
  let finished = false;
  try {
    let events: AsyncIterable<Event>;
    arm(options.requestTimeoutMs, 'did not answer within');
    try {
      events = await options.open(controller.signal);
    } catch (error) {
      throw failure(error);
    } finally {
      disarm();
    }
    iterator = events[Symbol.asyncIterator]();
    while (true) {
      let next: IteratorResult<Event>;
      arm(options.idleTimeoutMs, 'sent nothing for');
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
    if (signal.aborted || timedOut) throw failure(undefined);
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
