// Server+daemon mode over plain HTTP: `restflow web serve`'s server relays `/trpc/*` (queries, mutations, SSE
// subscriptions) to the daemon's HTTP-on-the-pipe, with no TCP listener on the daemon at all. Real daemon on a
// temp dir, the fake provider, the official tRPC HTTP links against the relay.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRestflowClient, type RestflowClient } from '@restflow/api/client';
import { type FakeProvider, startFakeProvider } from '@restflow/fake-provider';
import { removeDataDir, tempDataDir } from '@restflow/testkit';
import { createLogger, type RunningDaemon, startDaemon } from '../src/index.ts';
import { type RunningConsoleServer, serveConsoleServer } from '../src/server-mode/console-server.ts';
import { httpTrpcClient } from './http-trpc-client.ts';

const dataDir = tempDataDir('rf-relay');
let fake: FakeProvider;
let daemon: RunningDaemon;
let pipe: RestflowClient;
let relay: RunningConsoleServer;
let token: string;
let readOnlyToken: string;
let agentId: string;

beforeAll(async () => {
  fake = await startFakeProvider();
  daemon = await startDaemon({
    dataDir,
    logger: createLogger(undefined, 'silent'),
    env: { ...process.env, ...fake.env(), ANTHROPIC_API_KEY: 'sk-ant-e2e', OPENAI_API_KEY: '' },
    http: false,
  });
  pipe = createRestflowClient({ pipePath: daemon.paths.pipe });
  token = (await pipe.tokens.create.mutate({ name: 'relayed' })).token;
  readOnlyToken = (await pipe.tokens.create.mutate({ name: 'relayed-watcher', read_only: true })).token;
  agentId = (await pipe.agents.create.mutate({ name: 'relayed-agent', agent: { model: 'sonnet' } })).id;
  relay = await serveConsoleServer({ pipePath: daemon.paths.pipe, webDir: undefined, port: 0 });
});

afterAll(async () => {
  pipe?.close();
  await relay?.close();
  await daemon?.stop('test over');
  await fake?.close();
  removeDataDir(dataDir);
});

const client = (headers: Record<string, string>) => httpTrpcClient(relay.url, headers);

describe('restflow web serve relays the router over plain HTTP', () => {
  it('queries, mutates and streams a run over SSE with a bearer token, the daemon having no TCP listener', async () => {
    expect(daemon.status().transports.map((t) => t.kind)).toEqual(['pipe']);
    const api = client({ authorization: `Bearer ${token}` });
    expect((await api.agents.list.query()).map((a) => a.name)).toContain('relayed-agent');
    fake.script({ text: 'relayed all the way', tokenDelayMs: 5 });
    const started = await api.agents.run.mutate({ id: agentId, input: 'through the relay' });
    const seen = await new Promise<{ id: string; type: string }[]>((resolve, reject) => {
      const events: { id: string; type: string }[] = [];
      const sub = api.runs.onEvents.subscribe(
        { run_id: started.run_id },
        {
          onData: (event) => {
            const type = (event.data as { kind: { type: string } }).kind.type;
            events.push({ id: event.id, type });
            if (type === 'completed' || type === 'failed') {
              sub.unsubscribe();
              resolve(events);
            }
          },
          onError: reject,
        },
      );
    });
    expect(seen.at(-1)?.type).toBe('completed');
    expect(seen.map((e) => e.id)).toEqual(seen.map((_e, i) => String(i + 1)));
  });

  it("keeps the daemon's rules: read-only tokens read only, a bad token is 401, nothing without credentials", async () => {
    const watcher = client({ authorization: `Bearer ${readOnlyToken}` });
    expect(Array.isArray(await watcher.agents.list.query())).toBe(true);
    const refused = await watcher.agents.create.mutate({ name: 'nope' }).catch((e: unknown) => e);
    expect((refused as { data?: { httpStatus?: number } }).data?.httpStatus).toBe(403);
    const wrong = await fetch(`${relay.url}/trpc/agents.list`, { headers: { authorization: 'Bearer rf_wrong' } });
    expect(wrong.status).toBe(401);
    expect((await fetch(`${relay.url}/trpc/agents.list`)).status).toBe(401);
    expect((await pipe.agents.list.query()).map((a) => a.name)).not.toContain('nope');
  });

  it("lets the signed-in console's cookie through from its own origin only", async () => {
    const signIn = await fetch(relay.signInUrl, { redirect: 'manual' });
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] as string;
    expect(cookie).toContain('=');
    const host = `127.0.0.1:${relay.port}`;
    const own = await fetch(`${relay.url}/trpc/agents.list`, { headers: { cookie } });
    expect(own.status).toBe(200);
    const foreign = await fetch(`${relay.url}/trpc/agents.create`, {
      method: 'POST',
      headers: { cookie, origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ json: { name: 'csrf' } }),
    });
    expect(foreign.status).toBe(403);
    const sameOrigin = await fetch(`${relay.url}/trpc/agents.create`, {
      method: 'POST',
      headers: { cookie, origin: `http://${host}`, 'content-type': 'application/json' },
      body: JSON.stringify({ json: { name: 'from-the-console' } }),
    });
    expect(sameOrigin.status).toBe(200);
    expect((await pipe.agents.list.query()).map((a) => a.name)).toEqual(expect.arrayContaining(['from-the-console']));
  });

  it('the pipe still speaks NDJSON to its clients, and HTTP on it serves /trpc only', async () => {
    expect(await pipe.system.ping.query()).toBe('pong');
    const status = await new Promise<number>((resolve, reject) => {
      http
        .get({ socketPath: daemon.paths.pipe, path: '/api/agents' }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on('error', reject);
    });
    expect(status).toBe(404);
  });
});
