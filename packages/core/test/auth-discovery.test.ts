import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { authProfiles, secrets } from '@restflow/db';
import { createTestServices } from '@restflow/testkit';
import { scanCredentials, stableProfileId } from '../src/auth/auth-discovery.ts';

let home: string;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-home-'));
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

function writeJson(relative: string, data: unknown): void {
  const file = path.join(home, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, typeof data === 'string' ? data : JSON.stringify(data));
}

const idToken = (claims: object) => `h.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

describe('auth discovery', () => {
  it('derives stable, distinct ids from source, provider and email', () => {
    const id = stableProfileId('environment', 'openai', undefined);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(stableProfileId('environment', 'openai', undefined)).toBe(id);
    expect(stableProfileId('environment', 'anthropic', undefined)).not.toBe(id);
    expect(stableProfileId('codex_cli', 'openai_codex', 'A@B.io')).toBe(
      stableProfileId('codex_cli', 'openai_codex', 'a@b.io'),
    );
  });

  it('finds env keys, the Claude Code OAuth file and the Codex auth file', () => {
    writeJson('.claude/.credentials.json', {
      claudeAiOauth: {
        accessToken: 'sk-ant-oat01-claude-access',
        refreshToken: 'sk-ant-ort01-refresh',
        expiresAt: Date.UTC(2030, 0, 1),
      },
    });
    writeJson('.codex/auth.json', {
      OPENAI_API_KEY: null,
      tokens: {
        access_token: 'codex-access',
        refresh_token: 'codex-refresh',
        id_token: idToken({ email: 'dev@example.com' }),
      },
    });
    const scan = scanCredentials({
      HOME: home,
      ANTHROPIC_API_KEY: 'sk-ant-api03-env-key-1',
      GOOGLE_API_KEY: 'google-key',
      GEMINI_API_KEY: 'gemini-key',
      OPENAI_API_KEY: '  ',
    });
    expect(scan.errors).toEqual([]);
    expect(scan.scanned).toEqual(['environment', 'claude_code', 'codex_cli']);
    expect(scan.found.map((f) => [f.source, f.provider, f.name])).toEqual([
      ['environment', 'anthropic', 'ANTHROPIC_API_KEY (environment)'],
      ['environment', 'google', 'GOOGLE_API_KEY (environment)'],
      ['claude_code', 'claude_code', 'Claude Code (OAuth)'],
      ['codex_cli', 'openai_codex', 'Codex CLI (dev@example.com)'],
    ]);
    expect(scan.found[2]?.credential).toEqual({
      type: 'o_auth',
      access_token: 'sk-ant-oat01-claude-access',
      refresh_token: 'sk-ant-ort01-refresh',
      expires_at: '2030-01-01T00:00:00.000Z',
    });
    expect(scan.found[3]?.credential).toMatchObject({ type: 'o_auth', email: 'dev@example.com' });

    writeJson('.codex/auth.json', { OPENAI_API_KEY: 'sk-codex-key' });
    expect(scanCredentials({ HOME: home }).found).toEqual([
      expect.objectContaining({ source: 'claude_code' }),
      expect.objectContaining({ source: 'codex_cli', credential: { type: 'api_key', key: 'sk-codex-key' } }),
    ]);
  });

  it('reports unreadable sources without quoting their content', () => {
    writeJson('.claude/.credentials.json', '{"claudeAiOauth": {"accessToken": "sk-ant-oat-leak');
    writeJson('.codex/auth.json', { tokens: {} });
    const scan = scanCredentials({ HOME: home });
    expect(scan.found).toEqual([]);
    expect(scan.scanned).toEqual(['environment']);
    expect(scan.errors).toHaveLength(2);
    expect(scan.errors[0]).toMatch(/^claude_code: .*\.credentials\.json is not valid JSON$/);
    expect(scan.errors[1]).toMatch(/^codex_cli: .*has neither OPENAI_API_KEY nor tokens.access_token$/);
    expect(scan.errors.join()).not.toContain('leak');
    expect(scanCredentials({}).scanned).toEqual(['environment']);
  });

  it('upserts discovered profiles under stable ids: discovering twice adds no profiles or secret rows', () => {
    writeJson('.claude/.credentials.json', {
      claudeAiOauth: { accessToken: 'sk-ant-oat01-first', refreshToken: 'r1' },
    });
    const env: NodeJS.ProcessEnv = { HOME: home, OPENAI_API_KEY: 'sk-openai-env-1234567' };
    const s = createTestServices({ env });
    const first = s.auth.discover();
    expect(first).toMatchObject({
      total: 2,
      added: 2,
      updated: 0,
      removed: 0,
      available: 2,
      errors: [],
      by_source: { environment: 1, claude_code: 1 },
      by_provider: { openai: 1, claude_code: 1 },
    });
    const profiles = s.db.select().from(authProfiles).all();
    const secretRows = s.db.select().from(secrets).all();
    expect(profiles).toHaveLength(2);
    expect(secretRows).toHaveLength(3);

    s.auth.update(stableProfileId('environment', 'openai', undefined), { priority: 7, name: 'my env key' });
    const second = s.auth.discover();
    expect(second).toMatchObject({ total: 2, added: 0, updated: 2, removed: 0 });
    expect(s.db.select().from(authProfiles).all()).toHaveLength(2);
    expect(s.db.select().from(secrets).all()).toHaveLength(3);
    // User changes to a discovered profile survive re-discovery.
    expect(s.auth.get(stableProfileId('environment', 'openai', undefined))).toMatchObject({
      priority: 7,
      name: 'my env key',
    });
    expect(s.auth.getApiKey('anthropic')?.api_key).toBe('sk-ant-oat01-first');

    // A changed token replaces the value in place; a vanished refresh token drops its secret row.
    writeJson('.claude/.credentials.json', { claudeAiOauth: { accessToken: 'sk-ant-oat01-second' } });
    s.auth.discover();
    expect(s.auth.getApiKey('anthropic')?.api_key).toBe('sk-ant-oat01-second');
    expect(s.db.select().from(secrets).all()).toHaveLength(2);

    // An unset env var removes its discovered profile; manual profiles are never touched.
    s.auth.add({ name: 'manual', provider: 'openai', credential: { type: 'api_key', key: 'sk-manual-0000000' } });
    delete env.OPENAI_API_KEY;
    expect(s.auth.discover()).toMatchObject({ total: 1, removed: 1 });
    expect(
      s.auth
        .list()
        .map((p) => p.source)
        .sort(),
    ).toEqual(['claude_code', 'manual']);
    // A source that cannot be read keeps what it found before.
    writeJson('.claude/.credentials.json', 'garbage');
    expect(s.auth.discover()).toMatchObject({ total: 0, removed: 0, errors: [expect.stringMatching(/^claude_code:/)] });
    expect(s.auth.list()).toHaveLength(2);
  });

  it('re-reads a token file (at most once a minute) when its discovered token has expired', () => {
    const s = createTestServices({ env: { HOME: home } });
    const soon = s.clock.now() + 1000;
    writeJson('.claude/.credentials.json', { claudeAiOauth: { accessToken: 'sk-ant-oat01-old', expiresAt: soon } });
    expect(s.auth.getApiKey('anthropic')?.api_key).toBe('sk-ant-oat01-old');
    // Claude Code refreshed its file; the stored token expires.
    writeJson('.claude/.credentials.json', {
      claudeAiOauth: { accessToken: 'sk-ant-oat01-new', expiresAt: soon + 30_000 },
    });
    s.clock.advance(1000);
    expect(s.auth.getApiKey('anthropic')?.api_key).toBe('sk-ant-oat01-new');
    // Expired again 30 s later, but the file was read less than a minute ago: no re-read yet.
    writeJson('.claude/.credentials.json', { claudeAiOauth: { accessToken: 'sk-ant-oat01-newer' } });
    s.clock.advance(30_000);
    expect(s.auth.getApiKey('anthropic')).toBeUndefined();
    expect(s.auth.select('claude_code')).toBeUndefined();
    s.clock.advance(30_000);
    expect(s.auth.select('claude_code')?.profile.credential.hint).toBe('sk-…ewer');
    expect(s.auth.getApiKey('anthropic')?.api_key).toBe('sk-ant-oat01-newer');
  });

  it('discovers automatically before the first operation', () => {
    const s = createTestServices({ env: { HOME: home, ANTHROPIC_API_KEY: 'sk-ant-api03-auto-discovered' } });
    expect(s.auth.summary()).toMatchObject({ total: 1, by_source: { environment: 1 } });
    expect(s.auth.getApiKey('anthropic')?.api_key).toBe('sk-ant-api03-auto-discovered');
  });
});
