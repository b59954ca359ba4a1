// The services across a MessagePort (packages/core/src/service-bridge/): what a call carries besides plain data —
// errors as their own classes, streams pushed with credit and ended by their signal, signals alone or in options.
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from '@jest/globals';
import { waitUntil } from '@restflow/testkit';
import { InvalidInputError, NotFoundError, UnavailableError } from '../src/errors.ts';
import { exposeServices, servicesOnPort } from '../src/service-bridge/services-bridge.ts';
import type { DomainServices } from '../src/services.ts';
import type { AnswersLater } from '../src/services-anywhere.ts';

/** Any object exposed as the services are: the bridge knows nothing of their shape. */
function across<T extends object>(target: T) {
  const { port1, port2 } = new MessageChannel();
  exposeServices(target as unknown as DomainServices, port1);
  const remote = servicesOnPort(port2) as unknown as AnswersLater<T>;
  return {
    remote,
    close: () => {
      port1.close();
      port2.close();
    },
  };
}

async function* counting(signal: AbortSignal, state: { live: number; pulled: number }) {
  state.live += 1;
  try {
    for (let n = 1; !signal.aborted; n++) {
      state.pulled = n;
      yield { n, at: new Date(n) };
      // A live stream waits for its next item; only its signal ends the wait.
      if (n >= 3) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    }
  } finally {
    state.live -= 1;
  }
}

describe('services across a port', () => {
  it('answers calls at any depth with plain data, Dates and undefined intact', async () => {
    const { remote, close } = across({
      nested: { deeper: { add: (a: number, b: number) => ({ sum: a + b, when: new Date(5), none: undefined }) } },
      kind: 'bubblewrap',
    });
    expect(await remote.nested.deeper.add(2, 3)).toEqual({ sum: 5, when: new Date(5), none: undefined });
    expect(await remote.kind).toBe('bubblewrap');
    close();
  });

  it('rebuilds domain errors as their own classes, with their reason, details and issues', async () => {
    const { remote, close } = across({
      missing: () => {
        throw new NotFoundError('agent', 'a1');
      },
      noKey: async () => {
        throw new UnavailableError('no key', { reason: 'NO_API_KEY', details: { provider: 'openai' } });
      },
      invalid: () => {
        throw InvalidInputError.field('agent.model', 'unknown model');
      },
      plain: () => {
        throw new TypeError('broken');
      },
      odd: () => {
        throw 'a string';
      },
    });
    const missing = await remote.missing().catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).toMatchObject({ name: 'NotFoundError', message: 'agent a1 not found', entity: 'agent', id: 'a1' });
    const noKey = await remote.noKey().catch((e: unknown) => e);
    expect(noKey).toBeInstanceOf(UnavailableError);
    expect(noKey).toMatchObject({ reason: 'NO_API_KEY', details: { provider: 'openai' } });
    const invalid = await remote.invalid().catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(InvalidInputError);
    expect((invalid as InvalidInputError).issues).toEqual([{ path: 'agent.model', message: 'unknown model' }]);
    const plain = await remote.plain().catch((e: unknown) => e);
    expect(plain).toBeInstanceOf(Error);
    expect(plain).toMatchObject({ name: 'TypeError', message: 'broken' });
    expect(await remote.odd().catch((e: unknown) => e)).toBe('a string');
    close();
  });

  it('streams items as they come; the stream ends by its signal, given alone or in options', async () => {
    const state = { live: 0, pulled: 0 };
    const { remote, close } = across({
      alone: (signal: AbortSignal) => counting(signal, state),
      inOptions: (options: { from: number; signal: AbortSignal }) => counting(options.signal, state),
    });
    for (const open of [
      (signal: AbortSignal) => remote.alone(signal),
      (signal: AbortSignal) => remote.inOptions({ from: 1, signal }),
    ]) {
      const stop = new AbortController();
      const seen: unknown[] = [];
      for await (const item of await open(stop.signal)) {
        seen.push(item);
        if (seen.length === 3) break;
      }
      expect(seen).toEqual([1, 2, 3].map((n) => ({ n, at: new Date(n) })));
      expect(state.live).toBe(1);
      stop.abort();
      await waitUntil(() => state.live === 0, 2000, 'the stream ended by its signal');
    }
    close();
  });

  it('an already aborted signal arrives aborted', async () => {
    const { remote, close } = across({ aborted: (signal: AbortSignal) => signal.aborted });
    expect(await remote.aborted(AbortSignal.abort())).toBe(true);
    expect(await remote.aborted(new AbortController().signal)).toBe(false);
    close();
  });

  it('ends the reader with the error a stream throws, rebuilt', async () => {
    const { remote, close } = across({
      failing: async function* () {
        yield 1;
        throw new NotFoundError('run', 'r1');
      },
    });
    const seen: unknown[] = [];
    const error = await (async () => {
      for await (const item of await remote.failing()) seen.push(item);
    })().catch((e: unknown) => e);
    expect(seen).toEqual([1]);
    expect(error).toBeInstanceOf(NotFoundError);
    close();
  });

  it('a reader that stops reading holds a bounded number of items in flight', async () => {
    const state = { live: 0, pulled: 0 };
    const { remote, close } = across({
      endless: async function* (signal: AbortSignal) {
        state.live += 1;
        try {
          for (let n = 1; !signal.aborted; n++) {
            state.pulled = n;
            yield n;
          }
        } finally {
          state.live -= 1;
        }
      },
    });
    const stop = new AbortController();
    const iterator = (await remote.endless(stop.signal))[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toBe(1);
    // The writer runs until its credit is spent, then waits for the reader.
    await waitUntil(() => state.pulled >= 256, 2000, 'the writer filled its window');
    const pulled = state.pulled;
    await new Promise((resolve) => setImmediate(resolve));
    expect(state.pulled).toBe(pulled);
    expect(pulled).toBeLessThanOrEqual(257);
    // Reading on grants more credit.
    for (let i = 0; i < 200; i++) await iterator.next();
    await waitUntil(() => state.pulled > pulled, 2000, 'the writer resumed');
    stop.abort();
    await iterator.return?.();
    await waitUntil(() => state.live === 0, 2000, 'the stream ended');
    close();
  });
});
