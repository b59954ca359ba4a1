// A service's stream (an async iterable: run events, changes, log lines, task events) crosses a thread on a port
// of its own: the side that has the stream pushes its items as they come, the other side reads them as an async
// iterable. Items are pushed rather than pulled, so a token stream does not wait for a round trip per token; the
// reader grants credit as it consumes, so a reader that stops reading holds at most WINDOW items in flight.
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { type ErrorAcross, errorFromData, errorToData } from './errors-across.ts';

const WINDOW = 256;

type ToReader = { item: unknown } | { done: true } | { error: ErrorAcross };
type ToWriter = { credit: number } | { stop: true };

export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
  );
}

/** Starts pushing `stream` into a new port and gives the other end, to be transferred to the reader. */
export function streamToPort(stream: AsyncIterable<unknown>): MessagePort {
  const { port1, port2 } = new MessageChannel();
  void pump(stream[Symbol.asyncIterator](), port1);
  return port2;
}

async function pump(iterator: AsyncIterator<unknown>, port: MessagePort): Promise<void> {
  let credit = WINDOW;
  let stopped = false;
  let wake: (() => void) | undefined;
  port.on('message', (message: ToWriter) => {
    if ('stop' in message) {
      stopped = true;
      // A stream waiting for its next item ends by its own signal; return() ends one waiting for credit.
      void iterator.return?.();
    } else credit += message.credit;
    wake?.();
  });
  const send = (message: ToReader) => port.postMessage(message);
  try {
    while (!stopped) {
      if (credit <= 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
        continue;
      }
      const next = await iterator.next();
      if (stopped) break;
      if (next.done) {
        send({ done: true });
        break;
      }
      credit -= 1;
      send({ item: next.value });
    }
  } catch (error) {
    if (!stopped) send({ error: errorToData(error) });
  } finally {
    port.close();
  }
}

/** The stream pushed into `port`, as an async iterable; ending it early (return, break) stops the writer. */
export async function* streamFromPort(port: MessagePort): AsyncGenerator<unknown, void, undefined> {
  const queue: ToReader[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  port.on('message', (message: ToReader) => {
    queue.push(message);
    wake?.();
  });
  port.on('close', () => {
    ended = true;
    wake?.();
  });
  let consumed = 0;
  let finished = false;
  try {
    for (;;) {
      const message = queue.shift();
      if (!message) {
        if (ended) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
        continue;
      }
      if ('done' in message) {
        finished = true;
        return;
      }
      if ('error' in message) {
        finished = true;
        throw errorFromData(message.error);
      }
      yield message.item;
      consumed += 1;
      if (consumed >= WINDOW / 2) {
        port.postMessage({ credit: consumed } satisfies ToWriter);
        consumed = 0;
      }
    }
  } finally {
    if (!finished && !ended) port.postMessage({ stop: true } satisfies ToWriter);
    port.close();
  }
}
