// The browser mount over real sockets: the official createWSClient + wsLink with plain superjson (what the web
// console uses) against mountWebSocket on a real HTTP server, and raw `ws` handshakes for the refusals.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { PendingApproval } from '@restflow/core';
import { createTestServices, errorOf, fakeDaemonControl, type TestServices } from '@restflow/testkit';
import { createTRPCClient, createWSClient, TRPCClientError, wsLink } from '@trpc/client';
import superjson from 'superjson';
import { WebSocket } from 'ws';
import { createContextFactory } from '../src/context.ts';
import { appRouter } from '../src/root.ts';
import {
  checkUpgrade,
  consoleCookie,
  consoleCookieName,
  cookieValues,
  hasConsoleCookie,
  tokensEqual,
} from '../src/server/console-auth.ts';
import { mountWebSocket, type WsMount, type WsRefusal } from '../src/server/ws-mount.ts';
import { createCallerFactory } from '../src/trpc.ts';

const TOKEN = 'k7Q2mZ0xv9bN4sT1yR8wL3eP6uJ5hG2fD0cA9bX1zYq';

interface Mounted {
  port: number;
  services: TestServices;
  mount: WsMount;
  refusals: WsRefusal[];
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startMount(keepAlive?: { pingMs: number; pongWaitMs: number }): Promise<Mounted> {
  const services = createTestServices();
  const server = http.createServer((_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const createContext = createContextFactory(services, fakeDaemonControl());
  const refusals: WsRefusal[] = [];
  const mount = mountWebSocket({
    server,
    router: appRouter,
    token: TOKEN,
    createContext: () => createContext('ws'),
    keepAlive,
    onRefused: (refusal) => refusals.push(refusal),
  });
  cleanups.push(async () => {
    await mount.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    services.security.approvals.dispose();
  });
  return { port: (server.address() as AddressInfo).port, services, mount, refusals };
}

/** A `ws` class that sends the headers a browser would (Origin, Cookie), as the tRPC client instantiates it. */
function webSocketWith(headers: Record<string, string>): typeof globalThis.WebSocket {
  return class extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  } as unknown as typeof globalThis.WebSocket;
}

function browserHeaders(port: number, token = TOKEN): Record<string, string> {
  return { origin: `http://127.0.0.1:${port}`, cookie: `theme=dark; ${consoleCookieName(port)}=${token}` };
}

function consoleClient(port: number, headers: Record<string, string>, connectionParams?: Record<string, string>) {
  const wsClient = createWSClient({
    url: `ws://127.0.0.1:${port}/trpc`,
    WebSocket: webSocketWith(headers),
    connectionParams,
    retryDelayMs: () => 50,
  });
  cleanups.push(() => wsClient.close());
  return createTRPCClient<typeof appRouter>({ links: [wsLink({ client: wsClient, transformer: superjson })] });
}

/** The HTTP status a raw handshake was answered with (101 when the socket opened). */
function handshakeStatus(url: string, headers: Record<string, string | undefined>): Promise<number> {
  const clean = Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined)) as Record<
    string,
    string
  >;
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers: clean });
    socket.on('open', () => {
      socket.terminate();
      resolve(101);
    });
    socket.on('unexpected-response', (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    socket.on('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error);
    });
  });
}

describe('console auth rules', () => {
  it('compares tokens in constant time, parses cookies and names them by port', () => {
    expect(tokensEqual(TOKEN, TOKEN)).toBe(true);
    expect(tokensEqual(`${TOKEN}x`, TOKEN)).toBe(false);
    expect(tokensEqual('', TOKEN)).toBe(false);
    expect(tokensEqual(undefined, TOKEN)).toBe(false);
    expect(tokensEqual(42, TOKEN)).toBe(false);
    expect(tokensEqual('x', '')).toBe(false);
    expect(cookieValues('a=1; b = 2 ;a=3; junk; c=', 'a')).toEqual(['1', '3']);
    expect(cookieValues(' b = 2 ', 'b')).toEqual(['2']);
    expect(cookieValues(undefined, 'a')).toEqual([]);
    expect(consoleCookieName(8787)).toBe('restflow_console_8787');
    expect(consoleCookie(8787, TOKEN)).toBe(
      `restflow_console_8787=${TOKEN}; Path=/; HttpOnly; SameSite=Strict; Max-Age=2592000`,
    );
    // One stale and one current cookie of the same name (different paths): the current one counts.
    expect(hasConsoleCookie({ cookie: `restflow_console_1=old; restflow_console_1=${TOKEN}` }, 1, TOKEN)).toBe(true);
    expect(hasConsoleCookie({ cookie: `restflow_console_2=${TOKEN}` }, 1, TOKEN)).toBe(false);
  });

  it('checks Host, then Origin, then the token', () => {
    const good = { host: '127.0.0.1:9', origin: 'http://127.0.0.1:9', cookie: `restflow_console_9=${TOKEN}` };
    expect(checkUpgrade(good, 9, TOKEN, false)).toEqual({ ok: true, by: 'cookie' });
    expect(checkUpgrade({ ...good, host: 'localhost:9', origin: 'http://localhost:9' }, 9, TOKEN, false).ok).toBe(true);
    expect(checkUpgrade({ ...good, host: undefined }, 9, TOKEN, false)).toMatchObject({ status: 403 });
    expect(checkUpgrade({ ...good, host: '[::1]:9', origin: 'http://[::1]:9' }, 9, TOKEN, false)).toMatchObject({
      status: 403,
    });
    expect(checkUpgrade({ ...good, origin: 'http://localhost:9' }, 9, TOKEN, false)).toMatchObject({ status: 403 });
    expect(checkUpgrade({ ...good, origin: undefined }, 9, TOKEN, false)).toEqual({
      ok: false,
      status: 403,
      reason: 'missing Origin header',
    });
    expect(checkUpgrade({ ...good, cookie: undefined }, 9, TOKEN, false)).toMatchObject({ status: 401 });
    expect(checkUpgrade({ ...good, cookie: undefined }, 9, TOKEN, true)).toEqual({
      ok: true,
      by: 'connection-params',
    });
  });
});

describe('WebSocket mount', () => {
  it('serves queries, subscriptions and errors to a console with its cookie, Origin and Host', async () => {
    const { port, services, mount } = await startMount();
    const client = consoleClient(port, browserHeaders(port));

    expect(await client.system.ping.query()).toBe('pong');
    const agent = await client.agents.create.mutate({ name: 'over-ws', agent: { model: 'gpt-5' } });
    expect((await client.agents.list.query()).map((a) => a.name)).toContain('over-ws');
    expect(agent.created_at).toEqual(expect.any(Number));
    expect(mount.clients()).toBe(1);

    // The token must never reach a page: the console URL is refused over this transport.
    const refused = await errorOf(client.system.consoleUrl.query());
    expect(refused).toBeInstanceOf(TRPCClientError);
    expect((refused as unknown as TRPCClientError<typeof appRouter>).data?.code).toBe('FORBIDDEN');
    expect(refused.message).toMatch(/only given over the pipe, not ws/);

    // A live subscription: the pending approval first, then changes as they happen.
    const waiting = services.security.approvals.create('make waiting');
    const seen: PendingApproval[] = [];
    let started!: () => void;
    const ready = new Promise<void>((resolve) => {
      started = resolve;
    });
    const done = new Promise<void>((resolve, reject) => {
      const sub = client.security.onApprovals.subscribe(
        { include_pending: true },
        {
          onStarted: () => started(),
          onData: (approval) => {
            seen.push(approval);
            if (seen.length === 2) {
              sub.unsubscribe();
              resolve();
            }
          },
          onError: reject,
        },
      );
    });
    await ready;
    await new Promise((r) => setTimeout(r, 20));
    services.security.approvals.approve(waiting.id);
    await done;
    expect(seen.map((a) => [a.command, a.status])).toEqual([
      ['make waiting', 'pending'],
      ['make waiting', 'approved'],
    ]);

    // A subscription that fails ends with the router's error code.
    const missing = await new Promise<TRPCClientError<typeof appRouter>>((resolve) => {
      client.runs.onEvents.subscribe({ run_id: 'no-such-run' }, { onError: (error) => resolve(error) });
    });
    expect(missing.data?.code).toBe('NOT_FOUND');
    expect(missing.message).toMatch(/no-such-run/);
  });

  it('refuses a missing or foreign Origin (403), a wrong Host (403), a missing or bad token (401), other paths', async () => {
    const { port, refusals } = await startMount();
    const url = `ws://127.0.0.1:${port}/trpc`;
    const cookie = `${consoleCookieName(port)}=${TOKEN}`;
    const origin = `http://127.0.0.1:${port}`;

    expect(await handshakeStatus(url, { origin, cookie })).toBe(101);
    expect(await handshakeStatus(`ws://localhost:${port}/trpc`, { origin: `http://localhost:${port}`, cookie })).toBe(
      101,
    );
    expect(await handshakeStatus(url, { cookie })).toBe(403);
    expect(await handshakeStatus(url, { origin: 'http://evil.example', cookie })).toBe(403);
    // Cookies ignore ports: a page on another local port sends the cookie, only its Origin gives it away.
    expect(await handshakeStatus(url, { origin: `http://127.0.0.1:${port + 1}`, cookie })).toBe(403);
    expect(await handshakeStatus(url, { origin: `https://127.0.0.1:${port}`, cookie })).toBe(403);
    expect(await handshakeStatus(url, { origin: 'null', cookie })).toBe(403);
    // DNS rebinding: the page's own origin matches its Host, but the Host is not ours.
    expect(
      await handshakeStatus(url, { host: `rebind.example:${port}`, origin: `http://rebind.example:${port}`, cookie }),
    ).toBe(403);
    expect(await handshakeStatus(url, { origin })).toBe(401);
    expect(await handshakeStatus(url, { origin, cookie: `${consoleCookieName(port)}=${TOKEN.slice(1)}x` })).toBe(401);
    expect(await handshakeStatus(url, { origin, cookie: `${consoleCookieName(port + 1)}=${TOKEN}` })).toBe(401);
    expect(await handshakeStatus(`ws://127.0.0.1:${port}/other`, { origin, cookie })).toBe(404);

    expect(refusals.map((r) => r.status)).toEqual([403, 403, 403, 403, 403, 403, 401, 401, 401]);
    expect(refusals[0]).toMatchObject({ reason: 'missing Origin header', origin: undefined });
    expect(refusals[1]).toMatchObject({ reason: 'origin not allowed', origin: 'http://evil.example' });
    expect(refusals[5]).toMatchObject({ reason: 'unexpected Host header', host: `rebind.example:${port}` });
    expect(JSON.stringify(refusals)).not.toContain(TOKEN);
  });

  it('accepts the token in connectionParams instead of the cookie, and closes on a bad one', async () => {
    const { port } = await startMount();
    const origin = `http://127.0.0.1:${port}`;
    const client = consoleClient(port, { origin }, { token: TOKEN });
    expect(await client.system.ping.query()).toBe('pong');

    // Raw: announce connectionParams, send a wrong token; the server answers UNAUTHORIZED and closes.
    const socket = new WebSocket(`ws://127.0.0.1:${port}/trpc?connectionParams=1`, { headers: { origin } });
    const messages: string[] = [];
    socket.on('message', (data) => messages.push(String(data)));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ method: 'connectionParams', data: { token: 'guessed' } }));
    await new Promise((resolve) => socket.once('close', resolve));
    expect(messages).toHaveLength(1);
    const reply = JSON.parse(messages[0] as string) as { id: null; error: { json: { data: { code: string } } } };
    expect(reply.id).toBeNull();
    expect(reply.error.json.data.code).toBe('UNAUTHORIZED');
    // Announcing connectionParams does not lift the Origin check.
    expect(await handshakeStatus(`ws://127.0.0.1:${port}/trpc?connectionParams=1`, {})).toBe(403);
  });

  it('drops a client that stops answering pings, and tells clients to reconnect on close', async () => {
    const { port, mount } = await startMount({ pingMs: 40, pongWaitMs: 40 });
    const headers = browserHeaders(port);
    // A raw socket that ignores the adapter's PING messages: a half-open browser, as far as the server knows.
    const silent = new WebSocket(`ws://127.0.0.1:${port}/trpc`, { headers });
    const pings: string[] = [];
    silent.on('message', (data) => pings.push(String(data)));
    const silentClosed = new Promise((resolve) => silent.once('close', resolve));
    await silentClosed;
    expect(pings).toContain('PING');

    const live = new WebSocket(`ws://127.0.0.1:${port}/trpc`, { headers });
    const received: string[] = [];
    live.on('message', (data) => {
      const text = String(data);
      if (text === 'PING') live.send('PONG');
      else received.push(text);
    });
    await new Promise((resolve) => live.once('open', resolve));
    // Answering pings keeps it connected past several ping periods.
    await new Promise((r) => setTimeout(r, 200));
    expect(live.readyState).toBe(WebSocket.OPEN);
    const closed = new Promise((resolve) => live.once('close', resolve));
    await mount.close();
    await closed;
    expect(received.map((m) => JSON.parse(m))).toContainEqual({ id: null, method: 'reconnect' });
    expect(mount.clients()).toBe(0);
  });
});

describe('system.consoleUrl', () => {
  const callerOver = (transport: 'pipe' | 'ws' | 'ipc' | 'local', url: string | undefined) =>
    createCallerFactory(appRouter)({
      services: createTestServices(),
      daemon: { ...fakeDaemonControl(), consoleUrl: () => url },
      transport,
    });

  it('answers over the pipe only, and says when there is no HTTP listener', async () => {
    const url = `http://127.0.0.1:8787/auth?token=${TOKEN}`;
    expect(await callerOver('pipe', url).system.consoleUrl()).toEqual({ url });
    for (const transport of ['ws', 'ipc', 'local'] as const) {
      const error = await errorOf(callerOver(transport, url).system.consoleUrl());
      expect([error.code, error.message]).toEqual([
        'FORBIDDEN',
        `the console URL is only given over the pipe, not ${transport}`,
      ]);
    }
    const none = await errorOf(callerOver('pipe', undefined).system.consoleUrl());
    expect(none.code).toBe('PRECONDITION_FAILED');
    expect(none.message).toMatch(/no HTTP listener/);
  });
});
