// The HTTP API's gate against an in-process daemon on a real port: API tokens (created over the pipe, as the CLI
// does), the router over plain HTTP at /trpc with the official tRPC client, read-only tokens, revocation, the
// console cookie's browser rules, and the failed-attempt limit.
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import type { AppRouter } from '@restflow/api';
import { createRestflowClient } from '@restflow/api/client';
import { removeDataDir, tempDataDir } from '@restflow/testkit';
import { createTRPCClient, httpBatchLink, httpLink, TRPCClientError } from '@trpc/client';
import superjson from 'superjson';
import { createLogger, type RunningDaemon, startDaemon } from '../src/index.ts';

const dirs: string[] = [];
const running: RunningDaemon[] = [];
afterEach(async () => {
  for (const daemon of running.splice(0)) await daemon.stop('test over');
});
afterAll(() => {
  for (const dir of dirs) removeDataDir(dir);
});

async function start(): Promise<{
  daemon: RunningDaemon;
  base: string;
  pipe: ReturnType<typeof createRestflowClient>;
}> {
  const dataDir = tempDataDir('rf-http');
  dirs.push(dataDir);
  const daemon = await startDaemon({
    dataDir,
    logger: createLogger(undefined, 'silent'),
    http: { host: '127.0.0.1', port: 0 },
  });
  running.push(daemon);
  const base = daemon.status().transports.find((t) => t.kind === 'http')?.address as string;
  const pipe = createRestflowClient({ pipePath: daemon.paths.pipe });
  return { daemon, base, pipe };
}

function httpClient(base: string, token: string, batch = false) {
  const headers = () => ({ authorization: `Bearer ${token}` });
  const link = batch
    ? httpBatchLink({ url: `${base}/trpc`, transformer: superjson, headers })
    : httpLink({ url: `${base}/trpc`, transformer: superjson, headers });
  return createTRPCClient<AppRouter>({ links: [link] });
}

async function trpcError(promise: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCClientError) return error as TRPCClientError<AppRouter>;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('HTTP API authentication', () => {
  it('requires a bearer API token: 401 without or with a bad one, queries and mutations with a full one', async () => {
    const { base, pipe } = await start();
    const missing = await fetch(`${base}/trpc/system.ping`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toContain('Bearer');
    expect(await missing.text()).toContain('authentication required');
    const malformed = await fetch(`${base}/trpc/system.ping`, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(malformed.status).toBe(401);
    const unknown = await fetch(`${base}/trpc/system.ping`, { headers: { authorization: 'Bearer rf_not-a-token' } });
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('www-authenticate')).toContain('invalid_token');

    const created = await pipe.tokens.create.mutate({ name: 'ci' });
    expect(created.token).toMatch(/^rf_[A-Za-z0-9_-]{43}$/);
    expect(created.read_only).toBe(false);
    expect(created.last_used_at).toBeNull();

    const ok = await fetch(`${base}/trpc/system.ping`, { headers: { authorization: `Bearer ${created.token}` } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ result: { data: { json: 'pong' } } });

    const client = httpClient(base, created.token);
    const agent = await client.agents.create.mutate({ name: 'over-http' });
    expect((await client.agents.list.query()).map((a) => a.id)).toContain(agent.id);
    // Validation errors keep the router's shape over HTTP.
    const invalid = await trpcError(client.agents.create.mutate({ name: '' }));
    expect(invalid.data?.code).toBe('BAD_REQUEST');
    expect(invalid.data?.httpStatus).toBe(400);
    expect(invalid.data?.fieldErrors?.[0]?.path).toBe('name');
    // Batching works too (GET for queries).
    const batched = httpClient(base, created.token, true);
    const [ping, agents] = await Promise.all([batched.system.ping.query(), batched.agents.list.query()]);
    expect([ping, agents.length > 0]).toEqual(['pong', true]);

    // Listings never show the token (nor its hash); last use is recorded.
    const listed = await pipe.tokens.list.query();
    expect(listed).toEqual([
      {
        id: created.id,
        name: 'ci',
        prefix: created.token.slice(0, 9),
        read_only: false,
        created_at: created.created_at,
        last_used_at: expect.any(Number),
      },
    ]);
    expect(JSON.stringify(listed)).not.toContain(created.token.slice(9));

    // A token cannot mint or revoke tokens; reading the list is a query and allowed.
    const mint = await trpcError(client.tokens.create.mutate({ name: 'successor' }));
    expect(mint.data?.code).toBe('FORBIDDEN');
    expect(mint.data?.httpStatus).toBe(403);
    expect((await client.tokens.list.query()).length).toBe(1);

    // Revoked: the next request is refused.
    await pipe.tokens.delete.mutate({ id: 'ci' });
    const revoked = await trpcError(client.system.ping.query());
    expect(revoked.data?.code).toBe('UNAUTHORIZED');
    expect(revoked.data?.httpStatus).toBe(401);
    pipe.close();
  });

  it('lets a read-only token query but not mutate (403)', async () => {
    const { base, pipe } = await start();
    const readOnly = await pipe.tokens.create.mutate({ name: 'dashboard', read_only: true });
    expect(readOnly.read_only).toBe(true);
    const client = httpClient(base, readOnly.token);
    expect(await client.system.ping.query()).toBe('pong');
    expect(Array.isArray(await client.agents.list.query())).toBe(true);
    const refused = await trpcError(client.agents.create.mutate({ name: 'not-allowed' }));
    expect(refused.data?.code).toBe('FORBIDDEN');
    expect(refused.data?.httpStatus).toBe(403);
    expect(refused.message).toContain('read-only');
    // Nothing was created.
    expect((await pipe.agents.list.query()).map((a) => a.name)).not.toContain('not-allowed');
    const raw = await fetch(`${base}/trpc/agents.create`, {
      method: 'POST',
      headers: { authorization: `Bearer ${readOnly.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ json: { name: 'raw' } }),
    });
    expect(raw.status).toBe(403);
    pipe.close();
  });

  it('keeps the browser rules for the console cookie: loopback Host, own Origin', async () => {
    const { daemon, base } = await start();
    const port = new URL(base).port;
    const token = (daemon.consoleUrl() as string).split('token=')[1] as string;
    const cookie = `restflow_console_${port}=${token}`;
    const ping = (headers: Record<string, string>, method = 'GET') =>
      fetch(`${base}/trpc/system.ping`, { method, headers: { cookie, ...headers } });
    expect((await ping({})).status).toBe(200);
    expect((await ping({ origin: `http://127.0.0.1:${port}` })).status).toBe(200);
    expect((await ping({ origin: 'http://localhost:3000' })).status).toBe(403);
    expect((await ping({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    // A mutation from the page must carry its Origin.
    const post = (headers: Record<string, string>) =>
      fetch(`${base}/trpc/agents.create`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ json: { name: 'from-console' } }),
      });
    expect((await post({})).status).toBe(403);
    expect((await post({ origin: `http://127.0.0.1:${port}` })).status).toBe(200);
    const wrongCookie = await fetch(`${base}/trpc/system.ping`, {
      headers: { cookie: `restflow_console_${port}=nope` },
    });
    expect(wrongCookie.status).toBe(401);
  });

  it('answers 429 with Retry-After after repeated failed attempts from one address, even for a valid token', async () => {
    const { base, pipe } = await start();
    const valid = await pipe.tokens.create.mutate({ name: 'valid' });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const reply = await fetch(`${base}/trpc/system.ping`, { headers: { authorization: `Bearer rf_guess${i}` } });
      statuses.push(reply.status);
    }
    expect(statuses).toEqual(Array(10).fill(401));
    const limited = await fetch(`${base}/trpc/system.ping`, { headers: { authorization: 'Bearer rf_guess-more' } });
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const blockedValid = await fetch(`${base}/trpc/system.ping`, {
      headers: { authorization: `Bearer ${valid.token}` },
    });
    expect(blockedValid.status).toBe(429);
    // The pipe (the local user) is not affected.
    expect(await pipe.system.ping.query()).toBe('pong');
    pipe.close();
  });
});
