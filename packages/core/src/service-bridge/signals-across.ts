// An AbortSignal given to a service (a stream's `signal`, alone or in its options) crosses a thread as its state
// and a port that carries a later abort: the service on the other side gets a signal of its own that aborts when
// the caller's does.
import { MessageChannel, type MessagePort } from 'node:worker_threads';

export interface SignalAcross {
  aborted: boolean;
  port: MessagePort;
}

export function signalToData(signal: AbortSignal): SignalAcross {
  const { port1, port2 } = new MessageChannel();
  const abort = () => {
    port1.postMessage('abort');
    port1.close();
  };
  if (signal.aborted) port1.close();
  else signal.addEventListener('abort', abort, { once: true });
  return { aborted: signal.aborted, port: port2 };
}

export function signalFromData({ aborted, port }: SignalAcross): AbortSignal {
  if (aborted) {
    port.close();
    return AbortSignal.abort();
  }
  const controller = new AbortController();
  port.once('message', () => {
    controller.abort();
    port.close();
  });
  // A signal that never aborts must not keep its thread alive.
  port.unref();
  return controller.signal;
}

/** Options such as `{ afterSeq, signal }`: a plain object whose `signal` is an AbortSignal. */
export function hasSignalOption(value: unknown): value is { signal: AbortSignal } {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.getPrototypeOf(value) === Object.prototype &&
    (value as { signal?: unknown }).signal instanceof AbortSignal
  );
}
