// The REST API over real HTTP against a real daemon process (temp data dir, free port) with the fake LLM provider:
// every route of the table answers, every success body matches the schema the OpenAPI document gives it, invalid
// input fails with the same field errors as the router over the pipe, and the served document validates as
// OpenAPI 3.1 and covers the table.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { appRouter } from '@restflow/api';
import { createRestflowClient, type RestflowClient } from '@restflow/api/client';
import {
  compileRoute,
  createOpenApiDocument,
  REST_ROUTES,
  responseSchemaOf,
  restErrorSchema,
} from '@restflow/api/server';
import { type FakeProvider, startFakeProvider } from '@restflow/fake-provider';
import { resolvePaths } from '@restflow/paths';
import { removeDataDir, startTestDaemon, type TestDaemon, tempDataDir, waitUntil } from '@restflow/testkit';
import { Validator } from '@seriousme/openapi-schema-validator';

const MODEL = 'claude-sonnet-5-5';
const compiled = REST_ROUTES.map(compileRoute);

let fake: FakeProvider;
let daemon: TestDaemon;
let dataDir: string;
let base: string;
let pipe: RestflowClient;
/** A full API token and a read-only one, created over the pipe as `restflow token create` does. */
let token: string;
let readOnlyToken: string;
/** `METHOD /template` of every route that answered 2xx, and every 2xx body that broke its documented schema. */
const answered = new Set<string>();
const mismatches: string[] = [];

interface Reply {
  status: number;
  body: unknown;
}

async function api(method: string, path: string, body?: unknown, bearer: string | null = token): Promise<Reply> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const parsed = text ? JSON.parse(text) : undefined;
  const pathname = new URL(path, base).pathname;
  const route = compiled.find((c) => c.route.method === method && c.pattern.test(pathname))?.route;
  if (route && res.status >= 200 && res.status < 300) {
    answered.add(`${route.method} ${route.path}`);
    const checked = (await responseSchemaOf(appRouter, route)).safeParse(parsed);
    if (!checked.success) mismatches.push(`${method} ${path}: ${JSON.stringify(checked.error.issues).slice(0, 400)}`);
  } else if (route) {
    // Errors too: every one is the document's Error.
    const checked = restErrorSchema.safeParse(parsed);
    if (!checked.success) mismatches.push(`${method} ${path} ${res.status}: ${JSON.stringify(parsed).slice(0, 400)}`);
  }
  return { status: res.status, body: parsed };
}

/** The body of a 2xx reply (fails the test, showing the reply, otherwise). */
async function ok<T = Record<string, unknown>>(method: string, path: string, body?: unknown, status = 200) {
  const reply = await api(method, path, body);
  expect({ method, path, status: reply.status, body: reply.status === status ? 'ok' : reply.body }).toEqual({
    method,
    path,
    status,
    body: 'ok',
  });
  return reply.body as T;
}

interface ErrorBody {
  error: string;
  code: string;
  field_errors?: { path: string; message: string }[];
}

/** The router's field errors for the same input, over the pipe. */
async function pipeFieldErrors(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return (error as { data?: { fieldErrors?: unknown } }).data?.fieldErrors;
  }
  throw new Error('expected the pipe call to fail');
}

async function expectSameInvalid(rest: Promise<Reply>, overPipe: Promise<unknown>): Promise<void> {
  const reply = await rest;
  expect(reply.status).toBe(400);
  const error = reply.body as ErrorBody;
  expect(error.code).toBe('BAD_REQUEST');
  expect(error.field_errors?.length).toBeGreaterThan(0);
  expect(error.field_errors).toEqual(await pipeFieldErrors(overPipe));
}

async function expectError(reply: Promise<Reply>, status: number, code: string): Promise<void> {
  const { status: got, body } = await reply;
  expect({ status: got, code: (body as ErrorBody | undefined)?.code }).toEqual({ status, code });
}

beforeAll(async () => {
  fake = await startFakeProvider();
  dataDir = tempDataDir('rfrest');
  daemon = await startTestDaemon(dataDir, {
    ...fake.env(),
    ANTHROPIC_API_KEY: 'sk-ant-rest-e2e',
    OPENAI_API_KEY: '',
    RESTFLOW_HTTP_HOST: '127.0.0.1',
  });
  base = (JSON.parse(fs.readFileSync(resolvePaths(dataDir).httpInfoFile, 'utf8')) as { url: string }).url;
  pipe = createRestflowClient({ dataDir });
  token = (await pipe.tokens.create.mutate({ name: 'rest-e2e' })).token;
  readOnlyToken = (await pipe.tokens.create.mutate({ name: 'rest-e2e-reader', read_only: true })).token;
}, 60_000);

afterAll(async () => {
  pipe?.close();
  await daemon?.stop();
  await fake?.close();
  if (dataDir) removeDataDir(dataDir);
});

describe('REST API over HTTP', () => {
  it('requires an API token: 401 without or with a wrong one, 403 for a read-only token on a mutation', async () => {
    const without = await api('GET', '/api/agents', undefined, null);
    expect(without).toMatchObject({
      status: 401,
      body: { code: 'UNAUTHORIZED', error: expect.stringContaining('Bearer') },
    });
    expect((await api('GET', '/api/agents', undefined, 'rf_not_a_token')).status).toBe(401);
    expect((await api('GET', '/api/agents', undefined, readOnlyToken)).status).toBe(200);
    const refused = await api('POST', '/api/agents', { name: 'Not allowed' }, readOnlyToken);
    expect(refused).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    expect((await pipe.agents.list.query()).map((a) => a.name)).not.toContain('Not allowed');
  });

  it('agents and runs: CRUD, a run with the fake provider, 400 / 404 / 409', async () => {
    expect(Array.isArray(await ok('GET', '/api/agents'))).toBe(true);
    const agent = await ok<{ id: string }>(
      'POST',
      '/api/agents',
      { name: 'REST writer', agent: { model: MODEL } },
      201,
    );
    await expectSameInvalid(
      api('POST', '/api/agents', { name: ' ', agent: { temperature: 9 } }),
      pipe.agents.create.mutate({ name: ' ', agent: { temperature: 9 } }),
    );
    const duplicate = await api('POST', '/api/agents', { name: 'REST writer' });
    expect(duplicate).toMatchObject({
      status: 409,
      body: { code: 'CONFLICT', reason: 'DUPLICATE_NAME', details: { id: agent.id }, error: expect.any(String) },
    });
    await expectError(api('GET', '/api/agents/no-such-agent'), 404, 'NOT_FOUND');
    expect(await ok('GET', `/api/agents/${agent.id.slice(0, 8)}`)).toMatchObject({ id: agent.id, name: 'REST writer' });
    expect(await ok('PATCH', `/api/agents/${agent.id}`, { name: 'REST editor' })).toMatchObject({
      name: 'REST editor',
    });

    fake.script({ text: 'Hello from the fake provider' });
    const run = await ok<{ run_id: string }>('POST', `/api/agents/${agent.id}/run`, { input: 'Say hello' });
    await waitUntil(
      async () => ((await api('GET', `/api/runs/${run.run_id}`)).body as { status: string }).status !== 'running',
      20_000,
      'the run to finish',
      50,
    );
    expect(await ok('GET', `/api/runs/${run.run_id}`)).toMatchObject({ status: 'completed', agent_id: agent.id });
    expect((await ok<{ id: string }[]>('GET', '/api/runs?limit=5')).map((r) => r.id)).toContain(run.run_id);
    const runsPage = await ok<{ items: { id: string }[]; next_cursor: string | null }>('GET', '/api/runs/page?limit=1');
    expect(runsPage.items.map((r) => r.id)).toEqual([run.run_id]);
    await expectError(api('GET', '/api/runs/page?cursor=not-a-cursor'), 400, 'BAD_REQUEST');
    expect(await ok('POST', `/api/runs/${run.run_id}/cancel`)).toMatchObject({ id: run.run_id, status: 'completed' });
    await expectSameInvalid(api('GET', '/api/runs?limit=0'), pipe.runs.list.query({ limit: 0 }));
    await expectError(api('GET', '/api/runs/no-such-run'), 404, 'NOT_FOUND');

    expect(await ok('DELETE', `/api/agents/${agent.id}`)).toEqual({ deleted: true, id: agent.id });
    await expectError(api('DELETE', `/api/agents/${agent.id}`), 404, 'NOT_FOUND');
  }, 60_000);

  it('skills: CRUD, export and import', async () => {
    const skill = await ok<{ id: string }>(
      'POST',
      '/api/skills',
      { id: 'rest-greeter', name: 'Greeter', content: '# Greet' },
      201,
    );
    await expectError(api('POST', '/api/skills', { id: 'rest-greeter', name: 'Again' }), 409, 'CONFLICT');
    await expectSameInvalid(api('POST', '/api/skills', { name: '' }), pipe.skills.create.mutate({ name: '' }));
    expect((await ok<{ id: string }[]>('GET', '/api/skills')).map((s) => s.id)).toContain(skill.id);
    expect(await ok('PATCH', `/api/skills/${skill.id}`, { description: 'says hello' })).toMatchObject({
      description: 'says hello',
    });
    const exported = await ok<{ markdown: string }>('GET', `/api/skills/${skill.id}/export`);
    expect(
      await ok('POST', '/api/skills/import', { id: 'imported-greeter', markdown: exported.markdown }),
    ).toMatchObject({
      id: 'imported-greeter',
      name: 'Greeter',
    });
    expect(await ok('GET', '/api/skills/imported-greeter')).toMatchObject({ description: 'says hello' });
    await ok('DELETE', `/api/skills/${skill.id}`);
    await expectError(api('GET', `/api/skills/${skill.id}`), 404, 'NOT_FOUND');
  });

  it('tasks: CRUD, pause / resume, run now (409 while it runs), cancel, events', async () => {
    const agent = await ok<{ id: string }>(
      'POST',
      '/api/agents',
      { name: 'REST tasker', agent: { model: MODEL } },
      201,
    );
    await expectSameInvalid(
      api('POST', '/api/tasks', { name: 'No agent', schedule: { type: 'interval', interval_ms: 5 } }),
      pipe.tasks.create.mutate({ name: 'No agent', schedule: { type: 'interval', interval_ms: 5 } } as never),
    );
    const task = await ok<{ id: string }>(
      'POST',
      '/api/tasks',
      { name: 'Digest', agent_id: agent.id, input: 'summarise' },
      201,
    );
    expect((await ok<{ id: string }[]>('GET', '/api/tasks?status=active')).map((t) => t.id)).toContain(task.id);
    await expectSameInvalid(
      api('GET', '/api/tasks?status=sleeping'),
      pipe.tasks.list.query({ status: 'sleeping' as never }),
    );
    expect(await ok('PATCH', `/api/tasks/${task.id}`, { description: 'daily' })).toMatchObject({
      description: 'daily',
    });
    expect(await ok('POST', `/api/tasks/${task.id}/pause`)).toMatchObject({ status: 'paused' });

    expect(await ok('POST', `/api/tasks/${task.id}/resume`)).toMatchObject({ status: 'active' });

    // A slow answer keeps the run in progress while the second request arrives.
    fake.script({ text: 'slow digest', tokens: 4, tokenDelayMs: 1500 });
    const accepted = await ok<{ run_id: string }>('POST', `/api/tasks/${task.id}/run`);
    await expectError(api('POST', `/api/tasks/${task.id}/run`), 409, 'CONFLICT');
    expect((await ok<{ task_id: string }[]>('GET', '/api/tasks/active')).map((r) => r.task_id)).toContain(task.id);
    expect(await ok('POST', `/api/tasks/${task.id}/cancel`)).toMatchObject({
      task_id: task.id,
      run_id: accepted.run_id,
      cancelled: true,
    });
    await waitUntil(
      async () =>
        ((await api('GET', `/api/tasks/${task.id}/events?limit=20`)).body as { event_type: string }[]).some(
          (e) => e.event_type === 'cancelled',
        ),
      20_000,
      'the cancelled event',
      50,
    );
    expect(await ok('GET', `/api/tasks/${task.id}`)).toMatchObject({ id: task.id, status: 'paused' });
    expect(await ok('DELETE', `/api/tasks/${task.id}`)).toEqual({ deleted: true, id: task.id });
    await expectError(api('GET', `/api/tasks/${task.id}`), 404, 'NOT_FOUND');
  }, 60_000);

  it('memory: chunks, search, stats, sessions, clear', async () => {
    const agent = await ok<{ id: string }>('POST', '/api/agents', { name: 'REST keeper' }, 201);
    const chunk = await ok<{ id: string }>(
      'POST',
      '/api/memory',
      { agent_id: agent.id, content: 'The deploy key rotates on Mondays', tags: ['ops'] },
      201,
    );
    await expectSameInvalid(
      api('POST', '/api/memory', { agent_id: agent.id, content: '  ' }),
      pipe.memory.create.mutate({ agent_id: agent.id, content: '  ' }),
    );
    expect((await ok<{ id: string }[]>('GET', `/api/memory?agent_id=${agent.id}&limit=10`)).map((c) => c.id)).toEqual([
      chunk.id,
    ]);
    expect(await ok('GET', `/api/memory/search?agent_id=${agent.id}&query=deploy&tags=ops`)).toMatchObject({
      total_count: 1,
    });
    expect(await ok('GET', `/api/memory/page?agent_id=${agent.id}&limit=10`)).toEqual({
      items: [expect.objectContaining({ id: chunk.id })],
      next_cursor: null,
    });
    expect(await ok('GET', `/api/memory/stats?agent_id=${agent.id}`)).toMatchObject({ chunk_count: 1 });
    expect(await ok('GET', `/api/memory/${chunk.id}`)).toMatchObject({ id: chunk.id, tags: ['ops'] });
    const session = await ok<{ id: string }>(
      'POST',
      '/api/memory/sessions',
      { agent_id: agent.id, name: 'ops notes' },
      201,
    );
    expect((await ok<{ id: string }[]>('GET', `/api/memory/sessions?agent_id=${agent.id}`)).map((s) => s.id)).toEqual([
      session.id,
    ]);
    expect(await ok('GET', `/api/memory/sessions/${session.id}`)).toMatchObject({ name: 'ops notes' });
    expect(await ok('PATCH', `/api/memory/sessions/${session.id}`, { tags: ['weekly'] })).toMatchObject({
      tags: ['weekly'],
    });
    expect(await ok('DELETE', `/api/memory/sessions/${session.id}?delete_chunks=false`)).toEqual({
      deleted: true,
      id: session.id,
    });
    expect(await ok('DELETE', `/api/memory/${chunk.id}`)).toEqual({ deleted: true, id: chunk.id });
    await expectError(api('GET', `/api/memory/${chunk.id}`), 404, 'NOT_FOUND');
    await ok('POST', '/api/memory', { agent_id: agent.id, content: 'another note' }, 201);
    expect(await ok('POST', '/api/memory/clear', { agent_id: agent.id })).toEqual({ deleted_count: 1 });
  });

  it('chat sessions and their messages', async () => {
    const agent = await ok<{ id: string }>(
      'POST',
      '/api/agents',
      { name: 'REST chatter', agent: { model: MODEL } },
      201,
    );
    const session = await ok<{ id: string }>('POST', '/api/sessions', { agent_id: agent.id, name: 'Planning' }, 201);
    expect((await ok<{ id: string }[]>('GET', `/api/sessions?agent_id=${agent.id}`)).map((s) => s.id)).toEqual([
      session.id,
    ]);
    expect(await ok('PATCH', `/api/sessions/${session.id}`, { name: 'Roadmap' })).toMatchObject({ name: 'Roadmap' });
    expect(
      await ok('POST', `/api/sessions/${session.id}/messages`, { role: 'user', content: 'ship the REST API' }, 201),
    ).toMatchObject({ id: session.id });
    const sessionsPage = await ok<{ items: { id: string }[] }>('GET', `/api/sessions/page?agent_id=${agent.id}`);
    expect(sessionsPage.items.map((s) => s.id)).toContain(session.id);
    expect(await ok('GET', `/api/sessions/${session.id}/messages/page?limit=10`)).toMatchObject({
      items: [expect.objectContaining({ content: 'ship the REST API' })],
      next_cursor: null,
    });
    expect(await ok('GET', `/api/sessions/${session.id}/messages?limit=10`)).toEqual([
      expect.objectContaining({ role: 'user', content: 'ship the REST API' }),
    ]);
    expect(await ok('GET', '/api/sessions/search?query=REST%20API')).toEqual([
      expect.objectContaining({ id: session.id, match_count: 1 }),
    ]);
    await expectSameInvalid(api('GET', '/api/sessions/search?query='), pipe.sessions.search.query({ query: '' }));
    expect(await ok('GET', `/api/sessions/${session.id}`)).toMatchObject({
      name: 'Roadmap',
      messages: [{ content: 'ship the REST API' }],
    });
    await ok('DELETE', `/api/sessions/${session.id}`);
    await expectError(api('GET', `/api/sessions/${session.id}`), 404, 'NOT_FOUND');
  });

  it('auth profiles and secrets never answer with a credential value', async () => {
    const key = 'sk-ant-rest-profile-value';
    const profile = await ok<{ id: string }>(
      'POST',
      '/api/auth',
      { name: 'Work', provider: 'anthropic', credential: { type: 'api_key', key } },
      201,
    );
    await expectError(
      api('POST', '/api/auth', { name: 'Again', provider: 'anthropic', credential: { type: 'api_key', key } }),
      409,
      'CONFLICT',
    );
    await expectSameInvalid(
      api('POST', '/api/auth', { name: 'Bad', provider: 'nobody', credential: { type: 'api_key', key: '' } }),
      pipe.auth.create.mutate({ name: 'Bad', provider: 'nobody', credential: { type: 'api_key', key: '' } } as never),
    );
    const seen = [
      await ok('GET', '/api/auth?provider=anthropic'),
      await ok('GET', `/api/auth/${profile.id}`),
      await ok('PATCH', `/api/auth/${profile.id}`, { priority: 5 }),
      await ok('POST', `/api/auth/${profile.id}/use`),
      await ok('POST', `/api/auth/${profile.id}/disable`, { reason: 'rotating' }),
      await ok('POST', `/api/auth/${profile.id}/enable`),
      await ok('GET', '/api/auth/summary'),
    ];
    expect(seen[3]).toMatchObject({ priority: 0 });
    await ok('DELETE', `/api/auth/${profile.id}`);
    await expectError(api('GET', `/api/auth/${profile.id}`), 404, 'NOT_FOUND');

    const secret = 'ghp-rest-secret-value';
    seen.push(await ok('PUT', '/api/secrets/REST_TOKEN', { value: secret, description: 'ci' }));
    seen.push(await ok('GET', '/api/secrets'));
    seen.push(await ok('GET', '/api/secrets?include_internal=true'));
    expect(await ok('GET', '/api/secrets/REST_TOKEN')).toEqual({ key: 'REST_TOKEN', exists: true, source: 'stored' });
    await expectSameInvalid(
      api('PUT', '/api/secrets/lower-case', { value: secret }),
      pipe.secrets.set.mutate({ key: 'lower-case', value: secret }),
    );
    expect(await ok('DELETE', '/api/secrets/REST_TOKEN')).toEqual({ deleted: true, id: 'REST_TOKEN' });
    await expectError(api('DELETE', '/api/secrets/REST_TOKEN'), 404, 'NOT_FOUND');
    for (const body of seen) {
      expect(JSON.stringify(body)).not.toContain(key);
      expect(JSON.stringify(body)).not.toContain(secret);
    }
  });

  it('config, provider settings and models', async () => {
    const config = await ok<Record<string, number>>('GET', '/api/config');
    expect(await ok('PUT', '/api/config/worker_count', { value: 2 })).toMatchObject({ worker_count: 2 });
    await expectSameInvalid(
      api('PUT', '/api/config/no_such_key', { value: 1 }),
      pipe.config.update.mutate({ key: 'no_such_key', value: 1 }),
    );
    await expectSameInvalid(
      api('PUT', '/api/config', { config: { ...config, worker_count: 0 } }),
      pipe.config.set.mutate({ config: { ...config, worker_count: 0 } as never }),
    );
    expect(await ok('PUT', '/api/config', { config: { ...config, max_retries: 2 } })).toMatchObject({ max_retries: 2 });
    expect(await ok('POST', '/api/config/reset')).toEqual(config);
    const providers = await ok('GET', '/api/config/providers');
    expect(await ok('PUT', '/api/config/providers', { providers })).toEqual(providers);
    await expectSameInvalid(
      api('PUT', '/api/config/providers', { providers: { openai: { base_url: 'not a url' } } }),
      pipe.config.providers.set.mutate({ providers: { openai: { base_url: 'not a url' } } }),
    );

    const models = await ok<{ provider: string; configured: boolean }[]>('GET', '/api/models?provider=anthropic');
    expect(models).toEqual([expect.objectContaining({ provider: 'anthropic', configured: true })]);
    await expectSameInvalid(
      api('GET', '/api/models?refresh=maybe'),
      pipe.models.list.query({ refresh: 'maybe' as never }),
    );
    expect(await ok('GET', '/api/models/aliases')).toMatchObject({ aliases: expect.any(Array) });
  });

  it('answered every route of the table, each body (errors too) as its documented schema says', () => {
    expect(REST_ROUTES.map((r) => `${r.method} ${r.path}`).filter((r) => !answered.has(r))).toEqual([]);
    expect(mismatches).toEqual([]);
  });

  it('serves /api/openapi.json: valid OpenAPI 3.1, every route of the table with the bearer scheme', async () => {
    const res = await fetch(`${base}/api/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const document = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>;
      components: { securitySchemes: Record<string, { type: string; scheme: string }> };
      security: Record<string, string[]>[];
    };
    const validator = new Validator();
    const result = await validator.validate(document as unknown as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(document.openapi).toBe('3.1.0');
    expect(document).toEqual(JSON.parse(JSON.stringify(await createOpenApiDocument(appRouter))));

    const documented = Object.entries(document.paths).flatMap(([p, item]) =>
      Object.entries(item).map(([method, op]) => `${method.toUpperCase()} ${p} ${op.operationId}`),
    );
    expect(documented.sort()).toEqual(REST_ROUTES.map((r) => `${r.method} ${r.path} ${r.procedure}`).sort());
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.security).toEqual([{ bearer: [] }]);
  });
});
