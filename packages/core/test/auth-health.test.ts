import { describe, expect, it } from '@jest/globals';
import { createTestServices } from '@restflow/testkit';
import { cooldownMsAfter } from '../src/auth/auth-health.ts';
import { ConflictError, InvalidInputError, NotFoundError } from '../src/index.ts';

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

const apiKey = (key: string) => ({ type: 'api_key' as const, key });

describe('auth profile health and cooldown', () => {
  it('computes the backoff 60 s × 2^min(failures−1, 5)', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((n) => cooldownMsAfter(n) / 1000)).toEqual([
      60, 120, 240, 480, 960, 1920, 1920, 1920,
    ]);
    expect(cooldownMsAfter(0)).toBe(60_000);
    expect(cooldownMsAfter(2, { cooldownSeconds: 10, maxFailures: 5 })).toBe(20_000);
  });

  it('cools a failing profile down with backoff, recovers on success and disables at 5 failures', () => {
    const s = createTestServices();
    const p = s.auth.add({ name: 'main', provider: 'anthropic', credential: apiKey('sk-ant-api03-aaaaaaaaaaaa1111') });
    expect(p).toMatchObject({ health: 'unknown', enabled: true, priority: 0, failure_count: 0, available: true });

    const f1 = s.auth.markFailure(p.id);
    expect(f1).toMatchObject({ health: 'cooldown', failure_count: 1, available: false });
    expect(f1.cooldown_until).toBe(new Date(s.clock.now() + 60_000).toISOString());
    expect(f1.last_failed_at).toBe(new Date(s.clock.now()).toISOString());
    expect(s.auth.getApiKey('anthropic')).toBeUndefined();
    s.clock.advance(59_999);
    expect(s.auth.get(p.id).available).toBe(false);
    expect(s.auth.summary().in_cooldown).toBe(1);
    s.clock.advance(1);
    expect(s.auth.get(p.id).available).toBe(true);
    expect(s.auth.getApiKey('anthropic')).toEqual({ profile_id: p.id, api_key: 'sk-ant-api03-aaaaaaaaaaaa1111' });

    const f2 = s.auth.markFailure(p.id);
    expect(Date.parse(f2.cooldown_until as string) - s.clock.now()).toBe(120_000);
    const ok = s.auth.markSuccess(p.id);
    expect(ok).toMatchObject({ health: 'healthy', failure_count: 0, cooldown_until: null, available: true });
    expect(ok.last_used_at).toBe(new Date(s.clock.now()).toISOString());

    for (let i = 1; i <= 4; i++) {
      const f = s.auth.markFailure(p.id);
      expect(Date.parse(f.cooldown_until as string) - s.clock.now()).toBe(60_000 * 2 ** (i - 1));
      s.clock.advance(1_000_000);
    }
    const fifth = s.auth.markFailure(p.id);
    expect(fifth).toMatchObject({ health: 'disabled', failure_count: 5, cooldown_until: null, available: false });
    s.clock.advance(10_000_000);
    expect(s.auth.get(p.id).available).toBe(false);
    expect(s.auth.summary()).toMatchObject({ total: 1, enabled: 1, available: 0, disabled: 1, in_cooldown: 0 });

    const enabled = s.auth.enable(p.id);
    expect(enabled).toMatchObject({ health: 'unknown', failure_count: 0, enabled: true, available: true });
    const disabled = s.auth.disable(p.id, 'revoked upstream');
    expect(disabled).toMatchObject({
      enabled: false,
      health: 'disabled',
      available: false,
      reason: 'revoked upstream',
    });
    expect(s.auth.update(p.id, { enabled: true })).toMatchObject({ enabled: true, health: 'unknown', available: true });
    expect(s.auth.update(p.id, { enabled: false }).available).toBe(false);
  });

  it('treats an expired token as unavailable', () => {
    const s = createTestServices();
    const expiresAt = new Date(s.clock.now() + 1000).toISOString();
    const p = s.auth.add({
      name: 'tok',
      provider: 'other',
      credential: { type: 'token', token: 'deepseek-token-abcdef', expires_at: expiresAt },
    });
    expect(p.available).toBe(true);
    expect(s.auth.getApiKey('deepseek')?.api_key).toBe('deepseek-token-abcdef');
    s.clock.advance(1000);
    expect(s.auth.get(p.id).available).toBe(false);
    expect(s.auth.getApiKey('deepseek')).toBeUndefined();
  });
});

describe('auth profile selection', () => {
  it('selects by priority then most recent use, and walks compatible providers for a model provider', () => {
    const s = createTestServices();
    const a = s.auth.add({ name: 'a', provider: 'openai', credential: apiKey('sk-openai-aaaaaaaa0001') });
    s.clock.advance(1);
    const b = s.auth.add({ name: 'b', provider: 'openai', credential: apiKey('sk-openai-bbbbbbbb0002') });
    s.clock.advance(1);
    const c = s.auth.add({ name: 'c', provider: 'openai', credential: apiKey('sk-openai-cccccccc0003') });
    s.auth.update(c.id, { priority: 5 });

    // Same priority, never used → oldest first.
    expect(s.auth.select('openai')?.profile.id).toBe(a.id);
    s.clock.advance(1000);
    s.auth.markSuccess(b.id);
    const selection = s.auth.select('openai');
    expect(selection?.profile.id).toBe(b.id);
    expect(selection?.reason).toBe('lowest priority (0) of 3 available openai profiles, most recently used');
    expect(selection?.alternatives.map((p) => p.id)).toEqual([a.id, c.id]);

    s.auth.update(c.id, { priority: -1 });
    expect(s.auth.select('openai')?.profile.id).toBe(c.id);
    expect(s.auth.forProvider('openai').map((p) => p.id)).toEqual([c.id, b.id, a.id]);

    const used = s.auth.use(a.id);
    expect(used.priority).toBe(0);
    expect(s.auth.list().map((p) => [p.name, p.priority])).toEqual([
      ['a', 0],
      ['b', 1],
      ['c', 1],
    ]);
    expect(s.auth.getApiKey('openai')).toEqual({ profile_id: a.id, api_key: 'sk-openai-aaaaaaaa0001' });

    // openai → [openai_codex, openai]: a codex profile wins while it is available.
    const codex = s.auth.add({ name: 'codex', provider: 'openai_codex', credential: apiKey('sk-codex-dddddddd0004') });
    expect(s.auth.getApiKey('openai')?.profile_id).toBe(codex.id);
    s.auth.disable(codex.id);
    expect(s.auth.getApiKey('openai')?.profile_id).toBe(a.id);

    expect(s.auth.select('google')).toBeUndefined();
    expect(s.auth.getApiKey('anthropic')).toBeUndefined();
    expect(s.auth.select('openai')?.reason).toMatch(/of 3 available/);
    s.auth.disable(b.id);
    s.auth.disable(c.id);
    expect(s.auth.select('openai')?.reason).toBe('only available openai profile');
  });

  it('stores credentials as secrets, shows only refs and a masked hint, and removes secrets with the profile', () => {
    const s = createTestServices();
    const key = 'sk-ant-api03-0123456789abcdef3f9a';
    const p = s.auth.add({
      name: ' Work ',
      provider: 'anthropic',
      credential: { type: 'api_key', key, email: 'me@x.io' },
    });
    expect(p.name).toBe('Work');
    expect(p.source).toBe('manual');
    expect(p.credential).toEqual({
      type: 'api_key',
      secret_ref: `auth:${p.id}:api_key`,
      email: 'me@x.io',
      hint: 'sk-…3f9a',
    });
    expect(JSON.stringify(s.auth.list())).not.toContain(key);
    expect(JSON.stringify(s.auth.get(p.id.slice(0, 8)))).not.toContain(key);
    expect(s.secrets.getValue(`auth:${p.id}:api_key`)).toBe(key);
    expect(s.auth.test(p.id)).toEqual({ id: p.id, ok: true, message: 'credential resolves (sk-…3f9a)' });

    const oauth = s.auth.add({
      name: 'oauth',
      provider: 'claude_code',
      credential: { type: 'o_auth', access_token: 'access-token-value-1', refresh_token: 'refresh-token-value' },
    });
    expect(oauth.credential).toMatchObject({
      access_token_ref: `auth:${oauth.id}:access_token`,
      refresh_token_ref: `auth:${oauth.id}:refresh_token`,
    });
    expect(s.secrets.list({ includeInternal: true })).toHaveLength(3);
    expect(s.auth.delete(oauth.id)).toEqual({ deleted: true, id: oauth.id });
    expect(s.secrets.list({ includeInternal: true }).map((x) => x.key)).toEqual([`auth:${p.id}:api_key`]);
    expect(errorOf(() => s.auth.get(oauth.id))).toBeInstanceOf(NotFoundError);

    // A missing credential secret makes `test` fail without throwing.
    s.secrets.deleteInternal([`auth:${p.id}:api_key`]);
    expect(s.auth.test(p.id)).toMatchObject({ ok: false, message: expect.stringMatching(/is missing/) });
    expect(s.auth.get(p.id).credential.hint).toBeNull();
    expect(s.auth.getApiKey('anthropic')).toBeUndefined();
  });

  it('stores sk-ant-oat keys as Claude OAuth tokens and rejects duplicates and bad input', () => {
    const s = createTestServices();
    const p = s.auth.add({ name: 'cc', provider: 'claude_code', credential: apiKey('sk-ant-oat01-abcdefghijklmnop') });
    expect(p.credential.type).toBe('o_auth');
    expect(s.auth.getApiKey('anthropic')).toEqual({ profile_id: p.id, api_key: 'sk-ant-oat01-abcdefghijklmnop' });
    const dup = errorOf(() =>
      s.auth.add({ name: 'again', provider: 'claude_code', credential: apiKey('sk-ant-oat01-abcdefghijklmnop') }),
    );
    expect(dup).toBeInstanceOf(ConflictError);
    expect(dup.message).not.toContain('abcdefghijklmnop');
    // The same value for another provider is allowed.
    s.auth.add({ name: 'other', provider: 'anthropic', credential: apiKey('sk-ant-oat01-abcdefghijklmnop') });
    expect(errorOf(() => s.auth.add({ name: ' ', provider: 'openai', credential: apiKey('k') }))).toBeInstanceOf(
      InvalidInputError,
    );
    expect(errorOf(() => s.auth.add({ name: 'x', provider: 'openai', credential: apiKey(' ') })).message).toMatch(
      /^credential:/,
    );
    expect(errorOf(() => s.auth.update(p.id, { name: '' })).message).toBe('name: must not be empty');
    expect(s.auth.update(p.id, { name: 'renamed', priority: 3 })).toMatchObject({ name: 'renamed', priority: 3 });
    expect(errorOf(() => s.auth.delete('zzzz'))).toBeInstanceOf(NotFoundError);
  });

  it('summarises profiles by provider and source', () => {
    const s = createTestServices();
    s.auth.add({ name: 'a', provider: 'openai', credential: apiKey('sk-openai-aaaaaaaa0001') });
    const b = s.auth.add({
      name: 'b',
      provider: 'anthropic',
      credential: apiKey('sk-ant-api-bbbbbbbb'),
      source: 'keychain',
    });
    s.auth.markFailure(b.id);
    expect(s.auth.summary()).toEqual({
      total: 2,
      enabled: 2,
      available: 1,
      in_cooldown: 1,
      disabled: 0,
      by_provider: { openai: 1, anthropic: 1 },
      by_source: { manual: 1, keychain: 1 },
    });
  });
});
