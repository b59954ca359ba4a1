// The named-pipe transport on its own: a small router served by servePipe, a tRPC client over pipeLink, and the
// SDK's own client (PipeClient).
import { EventEmitter, getEventListeners, on } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { waitUntil } from '@restflow/testkit';
import { createTRPCClient, createTRPCClientProxy, TRPCClientError } from '@trpc/client';
import { initTRPC, TRPCError, tracked } from '@trpc/server';
import superjson from 'superjson';
import { z } from 'zod';
import { PipeClient } from '../src/client/pipe-client.ts';
import { DaemonUnavailableError, PipeConnection, pipeLink } from '../src/client/pipe-link.ts';
import type { AppRouter } from '../src/root.ts';
import { type PipeServer, servePipe } from '../src/server/pipe-server.ts';

const t = initTRPC.create({ transformer: superjson });
const feed = new EventEmitter();
let generatorsRunning = 0;
/** How often `bump` ran on the server. */
let bumps = 0;
const testRouter = t.router({
  echo: t.procedure.input(z.object({ at: z.date(), n: z.number() })).query(({ input }) => input),
  add: t.procedure.input(z.object({ a: z.number(), b: z.number() })).mutation(({ input }) => input.a + input.b),
  bump: t.procedure.mutation(() => ++bumps),
  fail: t.procedure.query(() => {
    throw new TRPCError({ code: 'NOT_FOUND', message: 'Thing x not found' });
  }),
  slow: t.procedure.query(async () => {
    // The subject: a query that outlasts the client's abort signal.
    await new Promise((r) => setTimeout(r, 400));
    return 'late';
  }),
  numbers: t.procedure
    .input(z.object({ count: z.number(), lastEventId: z.string().nullish() }))
    .subscription(async function* ({ input, signal }) {
      generatorsRunning += 1;
      const live = on(feed, 'n', { signal });
      try {
        for (let i = Number(input.lastEventId ?? 0) + 1; i <= input.count; i++) {
          if (i > 5) {
            // After the first five, wait for the test to release each number (so it can cut connections).
            await live.next();
          }
          yield tracked(String(i), { i });
        }
      } finally {
        // Ended by unsubscribe (return()) rather than abort, `on()` would keep its listener.
        await live.return?.();
        generatorsRunning -= 1;
      }
    }),
});
type TestRouter = typeof testRouter;

const dirs: string[] = [];
const servers: PipeServer[] = [];
const connections: PipeConnection[] = [];

function socketPath(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-pipe-'));
  dirs.push(dir);
  return path.join(dir, 's.sock');
}

async function serve(file: string): Promise<PipeServer> {
  const server = await servePipe({
    router: testRouter as unknown as AppRouter,
    path: file,
    createContext: () => ({}) as never,
  });
  servers.push(server);
  return server;
}

function client(file: string, reconnectTimeoutMs = 5_000) {
  const connection = new PipeConnection({ path: file, reconnectTimeoutMs, retryDelayMs: () => 20 });
  connections.push(connection);
  return createTRPCClient<TestRouter>({ links: [pipeLink<TestRouter>(connection)] });
}

afterEach(async () => {
  for (const c of connections.splice(0)) c.close();
  for (const s of servers.splice(0)) await s.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('pipe transport', () => {
  it('creates the socket with mode 0600 and serves queries and mutations with superjson', async () => {
    const file = socketPath();
    await serve(file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const c = client(file);
    const at = new Date('2026-01-02T03:04:05Z');
    const echoed = await c.echo.query({ at, n: 7 });
    expect(echoed.at).toBeInstanceOf(Date);
    expect(echoed.at.getTime()).toBe(at.getTime());
    expect(await c.add.mutate({ a: 2, b: 3 })).toBe(5);
    const many = await Promise.all(Array.from({ length: 200 }, (_, i) => c.add.mutate({ a: i, b: 1 })));
    expect(many[199]).toBe(200);
  });

  it('skips an oversized frame without buffering it and keeps the connection (docs/limits.md)', async () => {
    const file = socketPath();
    await serve(file);
    const { connect } = await import('node:net');
    const socket = connect(file);
    socket.setEncoding('utf8');
    let received = '';
    socket.on('data', (text: string) => {
      received += text;
    });
    const chunk = 'a'.repeat(1024 * 1024);
    for (let i = 0; i < 17; i++) socket.write(chunk);
    socket.write('\n{"id":5,"method":"mutation","params":{"path":"add","input":{"json":{"a":1,"b":2}}}}\n');
    await waitUntil(() => received.includes('"id":5'), 30_000, 'the answer after the oversized frame');
    expect(JSON.parse(received.trim())).toMatchObject({ id: 5, result: { data: { json: 3 } } });
    expect(socket.destroyed).toBe(false);
    socket.destroy();
    // The server is still healthy for everyone else.
    expect(await client(file).add.mutate({ a: 1, b: 2 })).toBe(3);
  });

  it('answers raw frames as before: PING with PONG, text that is no JSON with a PARSE_ERROR, UTF-8 intact', async () => {
    // Frames reach tRPC's handler as bytes (decoded once), except 4-byte ones, which may be PING/PONG text.
    const file = socketPath();
    await serve(file);
    const { connect } = await import('node:net');
    const socket = connect(file);
    socket.setEncoding('utf8');
    let received = '';
    socket.on('data', (text: string) => {
      received += text;
    });
    const lines = () => received.split('\n').filter(Boolean);
    socket.write('PING\n');
    await waitUntil(() => lines().length >= 1, 5_000, 'the PONG');
    expect(lines()[0]).toBe('PONG');
    socket.write('PONG\n{not json}\n');
    await waitUntil(() => lines().length >= 2, 5_000, 'the parse error');
    expect(JSON.parse(lines()[1] as string)).toMatchObject({
      id: null,
      error: { json: { data: { code: 'PARSE_ERROR' } } },
    });
    const at = '2026-01-02T03:04:05.000Z';
    socket.write(
      `{"id":7,"method":"query","params":{"path":"echo","input":{"json":{"at":"${at}","n":1,"s":"é ✓ 🎉"},"meta":{"values":{"at":["Date"]}}}}}\n`,
    );
    await waitUntil(() => lines().length >= 3, 5_000, 'the echo');
    // The schema strips the unknown key; what matters is that the frame with multi-byte text parsed and answered.
    expect(JSON.parse(lines()[2] as string)).toMatchObject({ id: 7, result: { data: { json: { at, n: 1 } } } });
    socket.destroy();
  });

  it('delivers typed errors and input validation errors', async () => {
    const file = socketPath();
    await serve(file);
    const c = client(file);
    const notFound = await c.fail.query().catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(TRPCClientError);
    expect((notFound as TRPCClientError<TestRouter>).data?.code).toBe('NOT_FOUND');
    expect((notFound as Error).message).toBe('Thing x not found');
    const invalid = await c.add.mutate({ a: 'x' } as never).catch((e: unknown) => e);
    expect((invalid as TRPCClientError<TestRouter>).data?.code).toBe('BAD_REQUEST');
  });

  it('fails fast (no hang) when nothing listens, and honours abort signals', async () => {
    const file = socketPath();
    const c = client(file, 0);
    const started = Date.now();
    const error = await c.add.mutate({ a: 1, b: 1 }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/not running/);
    expect(Date.now() - started).toBeLessThan(1_000);
    await serve(file);
    const aborted = await c.slow.query(undefined, { signal: AbortSignal.timeout(100) }).catch((e: unknown) => e);
    expect((aborted as Error).message).toMatch(/aborted/);
    const before = bumps;
    await expect(c.bump.mutate(undefined, { signal: AbortSignal.abort() })).rejects.toThrow(/aborted/);
    expect(await c.add.mutate({ a: 0, b: 0 })).toBe(0);
    expect(bumps).toBe(before);
  });
});

/** The SDK's client: queries, mutations and subscriptions straight from the connection (pipe-client.ts). */
function sdkClient(file: string, reconnectTimeoutMs = 5_000) {
  const connection = new PipeConnection({ path: file, reconnectTimeoutMs, retryDelayMs: () => 20 });
  connections.push(connection);
  return createTRPCClientProxy<TestRouter>(new PipeClient(connection) as never);
}

describe.each([
  ["tRPC's client over pipeLink", client],
  ["the SDK's PipeClient", sdkClient],
])('subscriptions through %s', (_name, client) => {
  it('streams tracked events, resumes from lastEventId and stops the server generator on unsubscribe', async () => {
    const file = socketPath();
    await serve(file);
    const c = client(file);
    const ids: string[] = [];
    await new Promise<void>((resolve, reject) => {
      c.numbers.subscribe(
        { count: 5, lastEventId: '2' },
        { onData: (e) => ids.push(e.id), onComplete: () => resolve(), onError: reject },
      );
    });
    expect(ids).toEqual(['3', '4', '5']);

    const seen: number[] = [];
    const sub = c.numbers.subscribe({ count: 100 }, { onData: (e) => seen.push(e.data.i) });
    await waitUntil(() => seen.length >= 5, 5000, 'the first five numbers');
    expect(generatorsRunning).toBe(1);
    sub.unsubscribe();
    await waitUntil(() => generatorsRunning === 0, 2000, 'the server generator to stop');
  });

  it('re-subscribes after the server restarts and continues from the last event, without repeats', async () => {
    const file = socketPath();
    let server = await serve(file);
    const c = client(file);
    const seen: number[] = [];
    let done!: () => void;
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    c.numbers.subscribe({ count: 8 }, { onData: (e) => seen.push(e.data.i), onComplete: () => done() });
    await waitUntil(() => seen.length >= 5, 5000, 'the first five numbers');
    feed.emit('n');
    await waitUntil(() => seen.length >= 6, 5000, 'the sixth number');
    // Crash-like restart: drop every connection, then serve again on the same path.
    await server.close();
    servers.splice(servers.indexOf(server), 1);
    server = await serve(file);
    // The resumed generator starts at 7 and waits for releases: wait until it listens (and the old one is gone).
    const resumed = () => server.connections() > 0 && generatorsRunning === 1 && feed.listenerCount('n') === 1;
    await waitUntil(resumed, 3000, 'the re-subscribed generator');
    feed.emit('n');
    feed.emit('n');
    await finished;
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('says when it started, and ends with onError when its signal aborts', async () => {
    const file = socketPath();
    await serve(file);
    const c = client(file);
    const controller = new AbortController();
    const seen: number[] = [];
    let started = 0;
    const ended = new Promise<unknown>((resolve) => {
      c.numbers.subscribe(
        { count: 100 },
        {
          signal: controller.signal,
          onStarted: () => started++,
          onData: (e) => seen.push(e.data.i),
          onError: resolve,
          onComplete: () => resolve('completed'),
        },
      );
    });
    await waitUntil(() => seen.length >= 5, 5000, 'the first five numbers');
    controller.abort();
    const error = await ended;
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as Error).message).toMatch(/aborted/);
    expect(started).toBe(1);
    await waitUntil(() => generatorsRunning === 0, 2000, 'the server generator to stop');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});

describe("the SDK's pipe client (calls straight from the connection, not through tRPC's observables)", () => {
  it('answers with superjson values and typed errors, as tRPC’s client does', async () => {
    const file = socketPath();
    await serve(file);
    const c = sdkClient(file);
    const at = new Date('2026-01-02T03:04:05Z');
    expect(await c.echo.query({ at, n: 2 })).toEqual({ at, n: 2 });
    expect(await c.add.mutate({ a: 2, b: 3 })).toBe(5);
    const notFound = await c.fail.query().catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(TRPCClientError);
    expect((notFound as TRPCClientError<TestRouter>).data?.code).toBe('NOT_FOUND');
    const invalid = await c.add.mutate({ a: 'x' } as never).catch((e: unknown) => e);
    expect((invalid as TRPCClientError<TestRouter>).data?.code).toBe('BAD_REQUEST');
    const ids: string[] = [];
    await new Promise<void>((resolve, reject) => {
      c.numbers.subscribe(
        { count: 3 },
        { onData: (e) => ids.push(e.id), onComplete: () => resolve(), onError: reject },
      );
    });
    expect(ids).toEqual(['1', '2', '3']);
  });

  it('honours abort signals and leaves no listener on a signal once the call is answered', async () => {
    const file = socketPath();
    await serve(file);
    const c = sdkClient(file);
    const signal = new AbortController().signal;
    expect(await c.add.mutate({ a: 1, b: 1 }, { signal })).toBe(2);
    await expect(c.fail.query(undefined, { signal })).rejects.toThrow('Thing x not found');
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);

    const aborted = await c.slow.query(undefined, { signal: AbortSignal.timeout(50) }).catch((e: unknown) => e);
    expect(aborted).toBeInstanceOf(TRPCClientError);
    expect((aborted as Error).message).toMatch(/aborted/);
    const already = new AbortController();
    already.abort();
    const before = bumps;
    await expect(c.bump.mutate(undefined, { signal: already.signal })).rejects.toThrow(/aborted/);
    // Never sent: the next call is answered after it would have run.
    expect(await c.add.mutate({ a: 0, b: 0 })).toBe(0);
    expect(bumps).toBe(before);
    // The connection is still good for the next call.
    expect(await c.add.mutate({ a: 1, b: 3 })).toBe(4);
  });

  it('fails a call with DaemonUnavailableError when nothing listens', async () => {
    const c = sdkClient(socketPath(), 0);
    const error = await c.add.mutate({ a: 1, b: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<TestRouter>).cause).toBeInstanceOf(DaemonUnavailableError);
  });
});
