// The router's sub-routers load on their first call (packages/api/src/root.ts): a real daemon process, started
// cold, answers the first call into a sub-router nothing has touched yet on each transport — the pipe (the CLI's,
// and the desktop app's IPC, which forwards over it), the console's WebSocket, tRPC over HTTP and REST — with the
// right result, and a first call that fails fails with the router's typed error.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AppRouter } from '@restflow/api';
import { createRestflowClient, type RestflowClient } from '@restflow/api/client';
import { resolvePaths } from '@restflow/paths';
import { removeDataDir, repoRoot, startTestDaemon, type TestDaemon, tempDataDir } from '@restflow/testkit';
import { createTRPCClient, createWSClient, httpLink, TRPCClientError, wsLink } from '@trpc/client';
import superjson from 'superjson';
import WebSocket from 'ws';

let dataDir: string;
let daemon: TestDaemon;
let pipe: RestflowClient;
let base: string;

beforeAll(async () => {
  dataDir = tempDataDir('rf-lazy');
  daemon = await startTestDaemon(dataDir);
  pipe = createRestflowClient({ pipePath: daemon.pipe });
  const status = await pipe.system.status.query();
  base = status.transports.find((t) => t.kind === 'http')?.address as string;
}, 60_000);

afterAll(async () => {
  pipe?.close();
  await daemon?.stop();
  removeDataDir(dataDir);
});

async function failure(promise: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCClientError) return error as TRPCClientError<AppRouter>;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('a cold daemon answers the first call into each sub-router', () => {
  it('over the pipe: a query, and a typed NOT_FOUND from another sub-router', async () => {
    expect(Array.isArray(await pipe.agents.list.query())).toBe(true);
    const error = await failure(pipe.skills.get.query({ id: 'no-such-skill' }));
    expect(error.data?.code).toBe('NOT_FOUND');
  });

  it('over the console WebSocket', async () => {
    const { host } = new URL(base);
    const token = fs.readFileSync(resolvePaths(dataDir).consoleToken, 'utf8').trim();
    const wsClient = createWSClient({
      url: `ws://${host}/trpc`,
      WebSocket: class extends WebSocket {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols, { headers: { origin: `http://${host}` } });
        }
      } as unknown as typeof globalThis.WebSocket,
      connectionParams: { token },
      retryDelayMs: () => 50,
    });
    try {
      const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient, transformer: superjson })] });
      expect(await client.sessions.count.query()).toBe(0);
      const error = await failure(client.terminals.get.query({ id: 'no-such-terminal' }));
      expect(error.data?.code).toBe('NOT_FOUND');
    } finally {
      wsClient.close();
    }
  });

  it('over tRPC on HTTP and over REST, with an API token', async () => {
    const { token } = await pipe.tokens.create.mutate({ name: 'lazy' });
    const headers = () => ({ authorization: `Bearer ${token}` });
    const client = createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${base}/trpc`, transformer: superjson, headers })],
    });
    expect(await client.secrets.list.query()).toEqual([]);
    const invalid = await failure(client.shared.set.mutate({ key: '', value: 'x' } as never));
    expect(invalid.data?.code).toBe('BAD_REQUEST');

    const tasks = await fetch(`${base}/api/tasks`, { headers: headers() });
    expect(tasks.status).toBe(200);
    expect(await tasks.json()).toEqual([]);
    const missing = await fetch(`${base}/api/memory/sessions/no-such-session`, { headers: headers() });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('serves the whole OpenAPI document, every sub-router loaded for it', async () => {
    const reply = await fetch(`${base}/api/openapi.json`);
    expect(reply.status).toBe(200);
    const document = (await reply.json()) as { paths: Record<string, unknown> };
    const committed = JSON.parse(fs.readFileSync(path.join(repoRoot, 'docs/openapi.json'), 'utf8'));
    expect(document).toEqual(committed);
  });
});
