// `restflow token …` against a real auto-started daemon, and the token it prints used over real HTTP: shown once,
// never listed, never stored or logged in clear; revoked → 401 at once.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from '@jest/globals';
import { resolvePaths } from '@restflow/paths';
import { dataDirPool, runCli, runCliJson, stopDaemonFor } from '@restflow/testkit';

const dirs = dataDirPool();
afterAll(() => dirs.cleanup());

interface TokenInfo {
  id: string;
  name: string;
  prefix: string;
  read_only: boolean;
  last_used_at: number | null;
}

function httpUrl(dataDir: string): string {
  return (JSON.parse(fs.readFileSync(resolvePaths(dataDir).httpInfoFile, 'utf8')) as { url: string }).url;
}

describe('restflow token', () => {
  it('creates (shown once), lists without the secret, and revokes API tokens', async () => {
    const dataDir = dirs.create();
    const opts = { dataDir, env: { RESTFLOW_LOG_LEVEL: 'debug' }, timeoutMs: 60_000 };
    try {
      const created = await runCli(['token', 'create', '--name', 'ci'], opts);
      expect(created.code).toBe(0);
      const token = created.stdout.split('\n')[0] as string;
      expect(token).toMatch(/^rf_[A-Za-z0-9_-]{43}$/);
      expect(created.stdout).toContain('only time it is shown');

      const readOnly = await runCliJson<TokenInfo & { token: string }>(
        ['token', 'create', '--name', 'dashboard', '--read-only'],
        opts,
      );
      expect(readOnly).toMatchObject({ name: 'dashboard', read_only: true, last_used_at: null });

      // The printed token works over HTTP.
      const base = httpUrl(dataDir);
      const ping = await fetch(`${base}/trpc/system.ping`, { headers: { authorization: `Bearer ${token}` } });
      expect(ping.status).toBe(200);

      const text = await runCli(['token', 'list'], opts);
      expect(text.code).toBe(0);
      expect(text.stdout).toMatch(/Name\s+│\s+Token\s+│\s+Access/);
      expect(text.stdout).toContain('read-only');
      expect(text.stdout).toContain(`${token.slice(0, 9)}…`);
      const json = await runCliJson<TokenInfo[]>(['token', 'list'], opts);
      expect(json.map((t) => [t.name, t.read_only])).toEqual([
        ['ci', false],
        ['dashboard', true],
      ]);
      expect(json[0]?.last_used_at).toEqual(expect.any(Number));
      for (const secret of [token, readOnly.token]) {
        expect(text.stdout).not.toContain(secret);
        expect(JSON.stringify(json)).not.toContain(secret);
      }

      const revoked = await runCli(['token', 'revoke', 'ci'], opts);
      expect([revoked.code, revoked.stdout]).toEqual([0, `API token revoked: ${json[0]?.id}\n`]);
      const after = await fetch(`${base}/trpc/system.ping`, { headers: { authorization: `Bearer ${token}` } });
      expect(after.status).toBe(401);
      const byPrefix = await runCli(['token', 'revoke', String(json[1]?.id).slice(0, 8)], opts);
      expect(byPrefix.code).toBe(0);
      expect(await runCliJson<TokenInfo[]>(['token', 'list'], opts)).toEqual([]);
      const missing = await runCli(['token', 'revoke', 'nope'], opts);
      expect(missing.code).not.toBe(0);
      expect(missing.stderr).toMatch(/not found/i);
      const badName = await runCli(['token', 'create', '--name', 'has space'], opts);
      expect(badName.code).not.toBe(0);
      expect(badName.stderr).toContain('name');

      // Neither token is anywhere on disk in clear (database, WAL, debug log).
      const paths = resolvePaths(dataDir);
      const files = [paths.database, `${paths.database}-wal`, paths.daemonLog].filter((f) => fs.existsSync(f));
      const disk = Buffer.concat(files.map((f) => fs.readFileSync(f)));
      expect(disk.includes(token)).toBe(false);
      expect(disk.includes(readOnly.token)).toBe(false);
    } finally {
      await stopDaemonFor(dataDir);
    }
  }, 180_000);
});
