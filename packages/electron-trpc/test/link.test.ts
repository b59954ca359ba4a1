// The link end to end under the electron stub (IPC payloads structuredClone'd, as in Electron): renderer
// ipcLink → preload bridge → IPC → main's createIPCHandler → the CLI's pipe link → a tRPC server on a Unix
// socket (the daemon's own pipe mount), and back.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { PipeConnection, pipeLink } from '@restflow/api/client';
import { type PipeServer, servePipe } from '@restflow/api/server';
import { BrowserWindow, ipcMain, stub } from '@restflow/electron-stub';
import { waitUntil } from '@restflow/testkit';
import { createTRPCClient, createTRPCUntypedClient, TRPCClientError } from '@trpc/client';
import { initTRPC, TRPCError, tracked } from '@trpc/server';
import superjson from 'superjson';
import { z } from 'zod';
import { createIPCHandler, exposeElectronTRPC, type IPCHandler } from '../src/main.ts';
import type { ElectronTRPCBridge } from '../src/protocol.ts';
import { ipcLink } from '../src/renderer.ts';

const t = initTRPC.create({ transformer: superjson });
const generators = { started: 0, finished: 0 };

const router = t.router({
  echo: t.procedure.input(z.unknown()).query(({ input }) => input),
  add: t.procedure.input(z.object({ a: z.number(), b: z.number() })).mutation(({ input }) => input.a + input.b),
  missing: t.procedure.query(() => {
    throw new TRPCError({ code: 'NOT_FOUND', message: 'no such thing' });
  }),
  count: t.procedure
    .input(z.object({ to: z.number(), delayMs: z.number().default(0), lastEventId: z.string().nullish() }))
    .subscription(async function* ({ input, signal }) {
      generators.started++;
      try {
        for (let n = Number(input.lastEventId ?? 0) + 1; n <= input.to; n++) {
          if (input.delayMs) await new Promise((r) => setTimeout(r, input.delayMs));
          if (signal?.aborted) return;
          yield tracked(String(n), { n, at: new Date(n) });
        }
      } finally {
        generators.finished++;
      }
    }),
});
type TestRouter = typeof router;

let dir: string;
let socketPath: string;
let server: PipeServer;
let connection: PipeConnection;
let handler: IPCHandler;

const serve = () => servePipe({ router: router as never, path: socketPath, createContext: () => ({}) as never });

/** A window with the preload run, and a typed client over its bridge (what the renderer bundle does). */
function openWindow() {
  const window = new BrowserWindow({ webPreferences: { contextIsolation: true, sandbox: true } });
  handler.attachWindow(window);
  const world = stub.runPreload(window, () => exposeElectronTRPC());
  const bridge = world.electronTRPC as ElectronTRPCBridge;
  const client = createTRPCClient<TestRouter>({ links: [ipcLink<TestRouter>({ transformer: superjson, bridge })] });
  return { window, client };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-etrpc-'));
  socketPath = path.join(dir, 'test.sock');
  server = await serve();
  connection = new PipeConnection({ path: socketPath, retryDelayMs: () => 50 });
  const client = createTRPCUntypedClient({ links: [pipeLink(connection)] });
  handler = createIPCHandler({ client });
});

afterEach(() => {
  for (const window of BrowserWindow.getAllWindows()) window.close();
});

afterAll(async () => {
  handler.dispose();
  connection.close();
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('ipcLink ↔ createIPCHandler over structured-clone IPC', () => {
  it('answers a query; Date, BigInt, Map, Set and undefined survive both hops', async () => {
    const { client } = openWindow();
    const value = {
      when: new Date(5),
      big: 10n ** 20n,
      map: new Map([['k', 1]]),
      set: new Set([1, 2]),
      none: undefined,
    };
    const echoed = (await client.echo.query(value)) as typeof value;
    expect(echoed.when).toEqual(new Date(5));
    expect(echoed.big).toBe(10n ** 20n);
    expect(echoed.map).toEqual(new Map([['k', 1]]));
    expect(echoed.set).toEqual(new Set([1, 2]));
    expect(Object.hasOwn(echoed, 'none')).toBe(true);
  });

  it('runs a mutation', async () => {
    const { client } = openWindow();
    expect(await client.add.mutate({ a: 2, b: 3 })).toBe(5);
  });

  it('delivers a typed error with its code, status and path; zod failures as BAD_REQUEST', async () => {
    const { client } = openWindow();
    const error = await client.missing.query().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    const trpcError = error as TRPCClientError<TestRouter>;
    expect(trpcError.message).toBe('no such thing');
    expect(trpcError.data).toMatchObject({ code: 'NOT_FOUND', httpStatus: 404, path: 'missing' });
    const invalid = (await client.add
      .mutate({ a: 'x' } as never)
      .catch((e: unknown) => e)) as TRPCClientError<TestRouter>;
    expect(invalid.data?.code).toBe('BAD_REQUEST');
  });

  it('streams a subscription with its tracked() ids in order, started once, then completes', async () => {
    const { client } = openWindow();
    const events: { id: string; n: number; at: Date }[] = [];
    let started = 0;
    await new Promise<void>((resolve, reject) => {
      client.count.subscribe(
        { to: 50 },
        {
          onStarted: () => started++,
          onData: (event) => events.push({ id: event.id, n: event.data.n, at: event.data.at }),
          onError: reject,
          onComplete: resolve,
        },
      );
    });
    expect(started).toBe(1);
    expect(events.map((e) => e.id)).toEqual(Array.from({ length: 50 }, (_, i) => String(i + 1)));
    expect(events[49]?.at).toEqual(new Date(50));
  });

  it('resumes from lastEventId', async () => {
    const { client } = openWindow();
    const ids: string[] = [];
    await new Promise<void>((resolve, reject) => {
      client.count.subscribe(
        { to: 50, lastEventId: '30' },
        { onData: (e) => ids.push(e.id), onError: reject, onComplete: resolve },
      );
    });
    expect(ids).toEqual(Array.from({ length: 20 }, (_, i) => String(i + 31)));
  });

  it('unsubscribing ends the generator in the server and delivers nothing more', async () => {
    const { client } = openWindow();
    const before = { ...generators };
    const ids: string[] = [];
    const subscription = client.count.subscribe({ to: 1000, delayMs: 5 }, { onData: (e) => ids.push(e.id) });
    await waitUntil(() => ids.length >= 10, 10_000, '10 events');
    subscription.unsubscribe();
    const atUnsubscribe = ids.length;
    await waitUntil(() => generators.finished === before.finished + 1, 5000, 'the server generator to finish');
    await waitUntil(() => handler.activeOperations() === 0, 5000, 'main to forget the subscription');
    // A round trip on the same channel after the generator ended: a straggler event would have come before it.
    expect(await client.echo.query('after')).toBe('after');
    expect(ids.length).toBe(atUnsubscribe);
  });

  it('closing the window stops its subscriptions; another window with the same op ids is unaffected', async () => {
    const a = openWindow();
    const b = openWindow();
    const before = generators.finished;
    const seenA: string[] = [];
    const seenB: string[] = [];
    a.client.count.subscribe({ to: 1000, delayMs: 5 }, { onData: (e) => seenA.push(e.id) });
    const done = new Promise<void>((resolve, reject) =>
      b.client.count.subscribe(
        { to: 20, delayMs: 5 },
        { onData: (e) => seenB.push(e.id), onError: reject, onComplete: resolve },
      ),
    );
    await waitUntil(() => seenA.length >= 3, 10_000, 'window A receiving');
    a.window.close();
    await waitUntil(() => generators.finished >= before + 1, 5000, "window A's generator to finish");
    await done;
    expect(seenB).toEqual(Array.from({ length: 20 }, (_, i) => String(i + 1)));
  });

  it('a reload of the window stops what the old page subscribed to', async () => {
    const { window, client } = openWindow();
    const before = generators.finished;
    const ids: string[] = [];
    client.count.subscribe({ to: 1000, delayMs: 5 }, { onData: (e) => ids.push(e.id) });
    await waitUntil(() => ids.length >= 3, 10_000, 'events before the reload');
    window.webContents.reload();
    await waitUntil(() => generators.finished >= before + 1, 5000, 'the generator to finish after the reload');
    expect(handler.activeOperations()).toBe(0);
  });

  it('aborting a query settles it at once', async () => {
    const { client } = openWindow();
    const controller = new AbortController();
    const call = client.echo.query('slow?', { signal: controller.signal });
    controller.abort();
    await expect(call).rejects.toThrow(/aborted/);
  });

  it('ignores messages from windows main did not attach, and refuses paths outside an allow-list', async () => {
    const stranger = new BrowserWindow();
    const world = stub.runPreload(stranger, () => exposeElectronTRPC());
    const bridge = world.electronTRPC as ElectronTRPCBridge;
    const replies: unknown[] = [];
    bridge.onMessage((m) => replies.push(m));
    bridge.sendMessage({ method: 'request', operation: { id: 1, type: 'query', path: 'echo', input: { json: 1 } } });
    // A query to the allowed window on the same turn proves the message was processed (and ignored).
    const { client } = openWindow();
    expect(await client.echo.query(2)).toBe(2);
    expect(replies).toEqual([]);

    const restricted = createIPCHandler({
      client: createTRPCUntypedClient({ links: [pipeLink(connection)] }),
      isAllowed: (p) => p !== 'add',
      ipcMain,
    });
    const window = new BrowserWindow();
    restricted.attachWindow(window);
    const limited = createTRPCClient<TestRouter>({
      links: [
        ipcLink<TestRouter>({
          transformer: superjson,
          bridge: stub.runPreload(window, () => exposeElectronTRPC()).electronTRPC as ElectronTRPCBridge,
        }),
      ],
    });
    const refused = (await limited.add.mutate({ a: 1, b: 1 }).catch((e: unknown) => e)) as TRPCClientError<TestRouter>;
    expect(refused.data?.code).toBe('FORBIDDEN');
    restricted.dispose();
  });

  it('resumes a subscription across a daemon restart: every event exactly once, in order', async () => {
    const { client } = openWindow();
    const ids: string[] = [];
    const done = new Promise<void>((resolve, reject) =>
      client.count.subscribe(
        { to: 50, delayMs: 10 },
        { onData: (e) => ids.push(e.id), onError: reject, onComplete: resolve },
      ),
    );
    await waitUntil(() => ids.length >= 20, 10_000, '20 events before the restart');
    await server.close();
    server = await serve();
    await done;
    expect(ids).toEqual(Array.from({ length: 50 }, (_, i) => String(i + 1)));
  });

  it('a query while the daemon is down fails fast with a clear error', async () => {
    const { client } = openWindow();
    await server.close();
    try {
      const error = (await client.echo.query(1).catch((e: unknown) => e)) as TRPCClientError<TestRouter>;
      expect(error).toBeInstanceOf(TRPCClientError);
      expect(error.data?.code).toBe('SERVICE_UNAVAILABLE');
      expect(error.message).toMatch(/daemon/);
    } finally {
      server = await serve();
    }
    expect(await client.echo.query(3)).toBe(3);
  });
});
