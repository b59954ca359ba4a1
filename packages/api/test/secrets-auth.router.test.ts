import { describe, expect, it } from '@jest/globals';
import { createTestCaller, createTestServices, errorOf } from '@restflow/testkit';

describe('secrets router', () => {
  it('sets, lists without values, gets the value, checks presence and deletes', async () => {
    const { caller } = createTestCaller();
    const set = await caller.secrets.set({ key: 'OPENAI_API_KEY', value: 'sk-router-plain', description: 'd' });
    expect(set).toMatchObject({ key: 'OPENAI_API_KEY', description: 'd' });
    expect(JSON.stringify(set)).not.toContain('sk-router-plain');
    const list = await caller.secrets.list();
    expect(list.map((s) => s.key)).toEqual(['OPENAI_API_KEY']);
    expect(JSON.stringify(list)).not.toContain('sk-router-plain');
    expect(await caller.secrets.get({ key: 'OPENAI_API_KEY' })).toEqual({
      key: 'OPENAI_API_KEY',
      value: 'sk-router-plain',
    });
    expect(await caller.secrets.has({ key: 'OPENAI_API_KEY' })).toMatchObject({ exists: true, source: 'stored' });
    expect(await caller.secrets.has({ key: 'OTHER' })).toMatchObject({ exists: false, source: null });
    // set replaces: the description is overwritten too.
    expect(await caller.secrets.set({ key: 'OPENAI_API_KEY', value: 'v2' })).toMatchObject({ description: null });
    expect(await caller.secrets.get({ key: 'OPENAI_API_KEY' })).toMatchObject({ value: 'v2' });
    expect(await caller.secrets.delete({ key: 'OPENAI_API_KEY' })).toEqual({ deleted: true, id: 'OPENAI_API_KEY' });
    expect(await caller.secrets.list({ include_internal: true })).toEqual([]);
  });

  it('maps NOT_FOUND and BAD_REQUEST naming the field, without echoing values', async () => {
    const { caller } = createTestCaller(createTestServices({ env: { FROM_ENV: 'env-value' } }));
    expect((await errorOf(caller.secrets.get({ key: 'MISSING' }))).code).toBe('NOT_FOUND');
    expect((await errorOf(caller.secrets.delete({ key: 'MISSING' }))).code).toBe('NOT_FOUND');
    // The daemon's environment is not readable through secrets.get (`secret get PATH`), only stored secrets.
    expect((await errorOf(caller.secrets.get({ key: 'FROM_ENV' }))).code).toBe('NOT_FOUND');
    expect((await errorOf(caller.secrets.get({ key: 'PATH' }))).code).toBe('NOT_FOUND');

    const badKey = await errorOf(caller.secrets.set({ key: 'lower-case', value: 'v' }));
    expect(badKey.code).toBe('BAD_REQUEST');
    expect(badKey.message).toMatch(/^Invalid input: key: key must contain only A-Z/);
    const emptyValue = await errorOf(caller.secrets.set({ key: 'K', value: '' }));
    expect(emptyValue.message).toMatch(/value: value must not be empty/);
    const tooBig = await errorOf(caller.secrets.set({ key: 'K', value: 'q'.repeat(70_000) }));
    expect(tooBig.code).toBe('BAD_REQUEST');
    expect(tooBig.message).toMatch(/value: must be at most/);
    expect(tooBig.message).not.toContain('qqqq');
    const extra = await errorOf(caller.secrets.set({ key: 'K', value: 'v', colour: 1 } as never));
    expect(extra.code).toBe('BAD_REQUEST');
    const internal = await errorOf(caller.secrets.get({ key: 'auth:x:api_key' }));
    expect(internal.code).toBe('BAD_REQUEST');
  });
});

describe('auth router', () => {
  it('adds, lists, gets by prefix, updates, tests, uses and removes profiles without exposing values', async () => {
    const { caller } = createTestCaller();
    const key = 'sk-ant-api03-router-0000000000ab12';
    const p = await caller.auth.create({ name: 'work', provider: 'anthropic', credential: { type: 'api_key', key } });
    expect(p).toMatchObject({ source: 'manual', credential: { type: 'api_key', hint: 'sk-…ab12' }, available: true });
    const second = await caller.auth.create({
      name: 'oauth',
      provider: 'claude_code',
      credential: { type: 'o_auth', access_token: 'tok-access-000000', expires_at: '2030-01-01T00:00:00Z' },
    });
    const everything = JSON.stringify([
      await caller.auth.list(),
      await caller.auth.get({ id: p.id.slice(0, 8) }),
      await caller.auth.list({ provider: 'anthropic' }),
      await caller.auth.summary(),
    ]);
    expect(everything).not.toContain(key);
    expect(everything).not.toContain('tok-access-000000');
    expect((await caller.auth.list({ provider: 'claude_code' })).map((x) => x.id)).toEqual([second.id]);
    expect(await caller.auth.update({ id: p.id, name: 'renamed', priority: 4 })).toMatchObject({
      name: 'renamed',
      priority: 4,
    });
    expect(await caller.auth.test({ id: p.id })).toMatchObject({ ok: true });
    expect((await caller.auth.use({ id: p.id })).priority).toBe(0);
    expect((await caller.auth.get({ id: second.id })).priority).toBe(1);
    expect(await caller.auth.disable({ id: p.id, reason: 'rotating' })).toMatchObject({
      enabled: false,
      reason: 'rotating',
    });
    expect((await caller.auth.enable({ id: p.id })).enabled).toBe(true);
    expect(await caller.auth.summary()).toMatchObject({ total: 2, available: 2 });
    expect(await caller.auth.discover()).toMatchObject({ total: 0, errors: [] });
    expect(await caller.auth.delete({ id: p.id })).toEqual({ deleted: true, id: p.id });
    expect((await errorOf(caller.auth.get({ id: p.id }))).code).toBe('NOT_FOUND');
  });

  it('validates input with BAD_REQUEST naming the field and maps NOT_FOUND / CONFLICT', async () => {
    const { caller } = createTestCaller();
    const badProvider = await errorOf(
      caller.auth.create({ name: 'x', provider: 'acme' as never, credential: { type: 'api_key', key: 'k' } }),
    );
    expect(badProvider.code).toBe('BAD_REQUEST');
    expect(badProvider.message).toMatch(/provider: provider must be one of anthropic/);
    const badType = await errorOf(
      caller.auth.create({ name: 'x', provider: 'openai', credential: { type: 'password', key: 'k' } as never }),
    );
    expect(badType.code).toBe('BAD_REQUEST');
    expect(badType.message).toMatch(/credential\.type/);
    const emptyKey = await errorOf(
      caller.auth.create({ name: 'x', provider: 'openai', credential: { type: 'api_key', key: '' } }),
    );
    expect(emptyKey.message).toMatch(/credential\.key: key must not be empty/);
    const badExpiry = await errorOf(
      caller.auth.create({
        name: 'x',
        provider: 'other',
        credential: { type: 'token', token: 't', expires_at: 'soon' },
      }),
    );
    expect(badExpiry.message).toMatch(/credential\.expires_at: expires_at must be an RFC 3339 timestamp/);
    const badPriority = await errorOf(caller.auth.update({ id: 'x', priority: 1.5 }));
    expect(badPriority.message).toMatch(/priority: priority must be an integer/);
    expect((await errorOf(caller.auth.list({ provider: 'nope' as never }))).code).toBe('BAD_REQUEST');
    expect((await errorOf(caller.auth.test({ id: 'missing' }))).code).toBe('NOT_FOUND');

    await caller.auth.create({
      name: 'a',
      provider: 'openai',
      credential: { type: 'api_key', key: 'sk-same-value-00001' },
    });
    const dup = await errorOf(
      caller.auth.create({
        name: 'b',
        provider: 'openai',
        credential: { type: 'api_key', key: 'sk-same-value-00001' },
      }),
    );
    expect(dup.code).toBe('CONFLICT');
    expect(dup.message).not.toContain('sk-same-value');
  });

  it('rejects an ambiguous id prefix with BAD_REQUEST naming id', async () => {
    let n = 0;
    const ids = { uuid: () => `aaaa${String(n++).padStart(4, '0')}-0000-4000-8000-000000000000` };
    const { caller } = createTestCaller(createTestServices({ ids }));
    await caller.auth.create({
      name: 'a',
      provider: 'openai',
      credential: { type: 'api_key', key: 'sk-aaaaaaaaaaa1' },
    });
    await caller.auth.create({
      name: 'b',
      provider: 'openai',
      credential: { type: 'api_key', key: 'sk-aaaaaaaaaaa2' },
    });
    const ambiguous = await errorOf(caller.auth.get({ id: 'aaaa' }));
    expect(ambiguous.code).toBe('BAD_REQUEST');
    expect(ambiguous.message).toMatch(/^id: prefix "aaaa" is ambiguous/);
    expect((await caller.auth.get({ id: 'aaaa0001' })).name).toBe('b');
  });
});
