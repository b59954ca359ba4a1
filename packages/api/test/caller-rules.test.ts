// Who may call what, through the router itself (the rules run for every procedure, whatever the transport).
import { describe, expect, it } from '@jest/globals';
import { createCallerFactory } from '@restflow/api';
import { createTestServices, errorOf, fakeDaemonControl } from '@restflow/testkit';
import type { Caller } from '../src/context.ts';
import { appRouter } from '../src/root.ts';

function callerAs(caller: Caller) {
  const services = createTestServices();
  return {
    services,
    api: createCallerFactory(appRouter)({ services, daemon: fakeDaemonControl(), transport: 'http', caller }),
  };
}

describe('caller rules', () => {
  it('lets a read-only token query and subscribe, never mutate', async () => {
    const { api } = callerAs({ kind: 'token', token_id: 't1', token_name: 'dash', read_only: true });
    expect(await api.system.ping()).toBe('pong');
    expect(Array.isArray(await api.agents.list())).toBe(true);
    const refused = await errorOf(api.agents.create({ name: 'x' }));
    expect(refused.code).toBe('FORBIDDEN');
    expect(refused.message).toContain('agents.create');
    // Nor read a credential value; whether one exists is fine.
    expect((await errorOf(api.secrets.get({ key: 'OPENAI_API_KEY' }))).code).toBe('FORBIDDEN');
    expect((await errorOf(api.auth.apiKey({ provider: 'openai' }))).code).toBe('FORBIDDEN');
    expect((await api.secrets.has({ key: 'OPENAI_API_KEY' })).exists).toBe(false);
    const changes = await api.system.onChanges();
    expect(typeof changes[Symbol.asyncIterator]).toBe('function');
  });

  it('lets a full token mutate, but not manage API tokens; the local user and the console may', async () => {
    const { api, services } = callerAs({ kind: 'token', token_id: 't1', token_name: 'ci', read_only: false });
    expect((await api.agents.create({ name: 'ok' })).name).toBe('ok');
    expect((await errorOf(api.tokens.create({ name: 'next' }))).code).toBe('FORBIDDEN');
    expect((await errorOf(api.tokens.delete({ id: 'ci' }))).code).toBe('FORBIDDEN');
    expect(await api.tokens.list()).toEqual([]);
    const local = callerAs({ kind: 'local' }).api;
    expect((await local.tokens.create({ name: 'made-locally' })).token).toMatch(/^rf_/);
    const consoleApi = createCallerFactory(appRouter)({
      services,
      daemon: fakeDaemonControl(),
      transport: 'ws',
      caller: { kind: 'console' },
    });
    const made = await consoleApi.tokens.create({ name: 'from-console', read_only: true });
    expect(await consoleApi.tokens.delete({ id: made.id })).toEqual({ deleted: true, id: made.id });
  });

  it('validates token input with field errors', async () => {
    const { api } = callerAs({ kind: 'local' });
    const bad = await errorOf(api.tokens.create({ name: 'has space' }));
    expect(bad.code).toBe('BAD_REQUEST');
  });
});
