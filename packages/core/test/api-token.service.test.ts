import { describe, expect, it } from '@jest/globals';
import { apiTokens } from '@restflow/db';
import { createTestServices } from '@restflow/testkit';
import { ConflictError, InvalidInputError, NotFoundError } from '../src/index.ts';

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('ApiTokenService', () => {
  it('shows a token once, stores only its hash, and verifies it', () => {
    const s = createTestServices();
    const created = s.apiTokens.create({ name: 'ci' });
    expect(created.token).toMatch(/^rf_[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({ name: 'ci', read_only: false, created_at: s.clock.now(), last_used_at: null });
    expect(created.prefix).toBe(created.token.slice(0, 9));
    const rows = s.db.select().from(apiTokens).all();
    expect(JSON.stringify(rows)).not.toContain(created.token);
    expect(rows[0]?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(s.apiTokens.list())).not.toContain(created.token);

    s.clock.advance(5000);
    expect(s.apiTokens.verify(created.token)).toMatchObject({ id: created.id, last_used_at: s.clock.now() });
    const firstUse = s.clock.now();
    // Within a minute, last use is not rewritten; after it, it is.
    s.clock.advance(1000);
    expect(s.apiTokens.verify(created.token)?.last_used_at).toBe(firstUse);
    s.clock.advance(60_000);
    expect(s.apiTokens.verify(created.token)?.last_used_at).toBe(s.clock.now());
    expect(s.apiTokens.list()[0]?.last_used_at).toBe(s.clock.now());

    expect(s.apiTokens.verify(`${created.token.slice(0, -1)}x`)).toBeUndefined();
    expect(s.apiTokens.verify('not-ours')).toBeUndefined();
    expect(s.apiTokens.verify(`rf_${'a'.repeat(300)}`)).toBeUndefined();
  });

  it('names are validated and unique; read-only is kept; count', () => {
    const s = createTestServices();
    expect(s.apiTokens.count()).toBe(0);
    expect(s.apiTokens.create({ name: 'dash', read_only: true }).read_only).toBe(true);
    expect(errorOf(() => s.apiTokens.create({ name: 'dash' }))).toBeInstanceOf(ConflictError);
    expect(errorOf(() => s.apiTokens.create({ name: '' }))).toBeInstanceOf(InvalidInputError);
    expect(errorOf(() => s.apiTokens.create({ name: 'has space' }))).toBeInstanceOf(InvalidInputError);
    s.clock.advance(1);
    s.apiTokens.create({ name: 'ci' });
    expect(s.apiTokens.list().map((t) => t.name)).toEqual(['dash', 'ci']);
    expect(s.apiTokens.count()).toBe(2);
  });

  it('revokes by name, id or unique prefix; a revoked token no longer verifies', () => {
    const s = createTestServices();
    const a = s.apiTokens.create({ name: 'a' });
    const b = s.apiTokens.create({ name: 'b' });
    const c = s.apiTokens.create({ name: 'c' });
    expect(s.apiTokens.delete('a')).toEqual({ deleted: true, id: a.id });
    expect(s.apiTokens.verify(a.token)).toBeUndefined();
    expect(s.apiTokens.delete(b.id)).toEqual({ deleted: true, id: b.id });
    expect(s.apiTokens.delete(c.id.slice(0, 8))).toEqual({ deleted: true, id: c.id });
    expect(errorOf(() => s.apiTokens.delete('a'))).toBeInstanceOf(NotFoundError);
    expect(s.apiTokens.count()).toBe(0);
  });
});
