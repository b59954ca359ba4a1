// The REST handler in process, over real services on an in-memory database: how a request becomes a procedure's
// input (path, query text, JSON body) and how the router's errors become REST errors. The same routes over real
// HTTP against a daemon: apps/daemon/test/rest-api.test.ts.
import { describe, expect, it } from '@jest/globals';
import { createTestServices, fakeDaemonControl } from '@restflow/testkit';
import { type ApiContext, type Caller, LOCAL_CALLER } from '../src/context.ts';
import { loadAllRouters } from '../src/lazy-routers.ts';
import { appRouter } from '../src/root.ts';
import { compileRoute, createRestApi, type RestReply } from '../src/server/rest-handler.ts';
import { REST_ROUTES } from '../src/server/rest-routes.ts';

function setup() {
  const services = createTestServices();
  const errors: string[] = [];
  const api = createRestApi({ router: appRouter, onError: (_error, procedure) => errors.push(procedure) });
  const context = (caller: Caller = LOCAL_CALLER): ApiContext => ({
    services,
    daemon: fakeDaemonControl(),
    transport: 'http',
    caller,
  });
  const send = async (method: string, url: string, body?: unknown, caller?: Caller): Promise<RestReply> => {
    const parsed = new URL(url, 'http://localhost');
    const reply = await api.handle(
      { method, path: parsed.pathname, query: parsed.searchParams, body },
      context(caller),
    );
    if (!reply) throw new Error(`no route for ${method} ${url}`);
    return reply;
  };
  return { services, api, send, errors, context };
}

describe('REST handler', () => {
  it('maps every route onto a procedure of the router, each procedure at most once', async () => {
    await loadAllRouters(appRouter);
    const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>;
    for (const route of REST_ROUTES) {
      expect(procedures[route.procedure]?._def.type).toBe(route.method === 'GET' ? 'query' : 'mutation');
    }
    const named = REST_ROUTES.map((r) => r.procedure);
    expect(new Set(named).size).toBe(named.length);
    // Secret values and credentials have no REST route.
    expect(named).not.toContain('secrets.get');
    expect(named).not.toContain('auth.apiKey');
  });

  it('creates (201), reads, updates and deletes through the procedures', async () => {
    const { send, services } = setup();
    const created = await send('POST', '/api/agents', { name: 'Writer', agent: { prompt: 'be brief' } });
    expect(created.status).toBe(201);
    const id = (created.body as { id: string }).id;
    expect(services.agents.get(id).name).toBe('Writer');

    const byPrefix = await send('GET', `/api/agents/${id.slice(0, 8)}`);
    expect(byPrefix).toMatchObject({ status: 200, body: { id, name: 'Writer' } });
    // The URL names the resource: an `id` in the body does not redirect the update.
    const patched = await send('PATCH', `/api/agents/${id}`, { id: 'someone-else', name: 'Editor' });
    expect(patched).toMatchObject({ status: 200, body: { id, name: 'Editor' } });
    expect(await send('DELETE', `/api/agents/${id}`)).toEqual({ status: 200, body: { deleted: true, id } });
    expect((await send('GET', `/api/agents/${id}`)).status).toBe(404);
  });

  it('converts query text to the numbers, booleans and arrays the input schema declares', async () => {
    const { send, services } = setup();
    const agent = services.agents.create('Keeper');
    for (const content of ['alpha note', 'beta note', 'gamma note']) {
      await send('POST', '/api/memory', { agent_id: agent.id, content, tags: ['n'] });
    }
    const limited = await send('GET', `/api/memory?agent_id=${agent.id}&limit=2`);
    expect(limited.status).toBe(200);
    expect(limited.body).toHaveLength(2);
    const search = await send('GET', `/api/memory/search?agent_id=${agent.id}&query=beta&tags=n&limit=10`);
    expect(search).toMatchObject({ status: 200, body: { total_count: 1, has_more: false } });
    expect((await send('GET', `/api/memory/search?agent_id=${agent.id}&tags=other`)).body).toMatchObject({
      total_count: 0,
    });
    const session = await send('POST', '/api/memory/sessions', { agent_id: agent.id, name: 'notes' });
    const sessionId = (session.body as { id: string }).id;
    expect(await send('DELETE', `/api/memory/sessions/${sessionId}?delete_chunks=true`)).toEqual({
      status: 200,
      body: { deleted: true, id: sessionId },
    });
    // Text that is not a number stays text, and the router's validation names the field.
    const bad = await send('GET', '/api/runs?limit=ten');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'BAD_REQUEST', field_errors: [{ path: 'limit' }] });
  });

  it('answers with the router’s error code, message and field errors', async () => {
    const { send, errors } = setup();
    const invalid = await send('POST', '/api/tasks', { name: '', agent_id: 'x', surprise: 1 });
    expect(invalid.status).toBe(400);
    const error = invalid.body as { error: string; field_errors: { path: string }[] };
    expect(error).toMatchObject({ code: 'BAD_REQUEST', error: expect.stringContaining('Invalid input: ') });
    expect(error).not.toHaveProperty('reason');
    expect(error.field_errors.map((f) => f.path).sort()).toEqual(['(input)', 'name']);

    expect(await send('GET', '/api/skills/nope')).toMatchObject({
      status: 404,
      body: { code: 'NOT_FOUND', error: 'Skill nope not found' },
    });
    await send('POST', '/api/skills', { id: 'dup', name: 'Dup' });
    expect(await send('POST', '/api/skills', { id: 'dup', name: 'Dup' })).toMatchObject({
      status: 409,
      body: { code: 'CONFLICT' },
    });
    expect(await send('POST', '/api/agents', ['not', 'an', 'object'])).toMatchObject({
      status: 400,
      body: { code: 'BAD_REQUEST', error: 'the request body must be a JSON object' },
    });
    expect(await send('PUT', '/api/agents')).toMatchObject({
      status: 405,
      body: { code: 'METHOD_NOT_SUPPORTED' },
    });
    const other = setup();
    const nothing = { method: 'GET', path: '/api/nothing', query: new URLSearchParams(), body: undefined };
    expect(await other.api.handle(nothing, other.context())).toBeUndefined();
    expect(errors).toEqual([]);
  });

  it('holds a read-only token to reads: its mutations are FORBIDDEN (403) by the router’s caller rules', async () => {
    const { send, services } = setup();
    const reader: Caller = { kind: 'token', token_id: 't1', token_name: 'ci', read_only: true };
    expect((await send('GET', '/api/agents', undefined, reader)).status).toBe(200);
    const refused = await send('POST', '/api/agents', { name: 'Nope' }, reader);
    expect(refused).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    expect(services.agents.list().map((a) => a.name)).not.toContain('Nope');
  });

  it('never answers with a secret value', async () => {
    const { send } = setup();
    const set = await send('PUT', '/api/secrets/SERVICE_TOKEN', { value: 'sk-very-secret', description: 'ci' });
    expect(set.status).toBe(200);
    expect(await send('GET', '/api/secrets/SERVICE_TOKEN')).toEqual({
      status: 200,
      body: { key: 'SERVICE_TOKEN', exists: true, source: 'stored' },
    });
    const all = [set, await send('GET', '/api/secrets'), await send('GET', '/api/secrets?include_internal=true')];
    for (const reply of all) expect(JSON.stringify(reply.body)).not.toContain('sk-very-secret');
    const invalid = await send('PUT', '/api/secrets/lower', { value: 'sk-very-secret' });
    expect(invalid.status).toBe(400);
    expect(JSON.stringify(invalid.body)).not.toContain('sk-very-secret');
  });

  it('matches literal segments before parameters, in table order', () => {
    const compiled = REST_ROUTES.map(compileRoute);
    const first = (method: string, path: string) =>
      compiled.find((c) => c.route.method === method && c.pattern.test(path))?.route.procedure;
    expect(first('GET', '/api/tasks/active')).toBe('tasks.active');
    expect(first('GET', '/api/tasks/abc')).toBe('tasks.get');
    expect(first('GET', '/api/memory/sessions')).toBe('memory.sessions.list');
    expect(first('GET', '/api/memory/abc')).toBe('memory.get');
    expect(first('PUT', '/api/config/providers')).toBe('config.providers.set');
    expect(first('PUT', '/api/config/worker_count')).toBe('config.update');
    expect(first('GET', '/api/agents/a/b')).toBeUndefined();
  });
});
