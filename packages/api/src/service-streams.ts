/**
 * A service's stream for a subscription, given a signal that aborts when the subscription ends: by the client
 * (the transport aborts the procedure's `signal`) or by the consumer's return(), which leaves `signal` live. The
 * signal is what ends a service stream waiting for its next item, and the only thing that reaches one running on
 * the services' thread (packages/core/src/service-bridge/).
 */
export async function* serviceStream<T>(
  signal: AbortSignal | undefined,
  open: (ended: AbortSignal) => AsyncIterable<T> | Promise<AsyncIterable<T>>,
): AsyncGenerator<T, void, undefined> {
  const ended = new AbortController();
  const end = () => ended.abort();
  if (signal?.aborted) end();
  else signal?.addEventListener('abort', end, { once: true });
  try {
    yield* await open(ended.signal);
  } finally {
    signal?.removeEventListener('abort', end);
    end();
  }
}
