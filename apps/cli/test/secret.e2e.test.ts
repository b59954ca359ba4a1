// `restflow secret …` against a real auto-started daemon; the value must never reach the disk in clear.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from '@jest/globals';
import { resolvePaths } from '@restflow/paths';
import { dataDirPool, runCli, runCliJson, stopDaemonFor } from '@restflow/testkit';

const dirs = dataDirPool();
afterAll(() => dirs.cleanup());

const newDataDir = () => dirs.create();

const VALUE = 'pl41ntext-Z9q-never-on-disk-7f3a';
const STDIN_VALUE = 'from-stdin-K2v-also-never-on-disk';

/** Everything the daemon wrote that could hold a value: database, WAL and log. */
function diskBytes(dataDir: string): Buffer {
  const paths = resolvePaths(dataDir);
  const files = [paths.database, `${paths.database}-wal`, paths.daemonLog];
  return Buffer.concat(files.filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));
}

interface SecretInfo {
  key: string;
  description: string | null;
  updated_at: number;
}

describe('restflow secret', () => {
  it('sets, lists, gets, checks and deletes secrets, and never stores or logs the plaintext', async () => {
    const dataDir = newDataDir();
    // Debug logging: the most the daemon would ever log about a request.
    const opts = { dataDir, env: { RESTFLOW_LOG_LEVEL: 'debug', RESTFLOW_MASTER_KEY: '' } };

    const set = await runCli(['secret', 'set', 'DISTINCT_SECRET', VALUE, '-d', 'for the e2e test'], opts);
    expect(set.stderr).toContain('Starting the RestFlow daemon');
    expect([set.code, set.stdout]).toEqual([0, 'Secret set: DISTINCT_SECRET\n']);

    // Without a value argument the value comes from stdin (one trailing newline trimmed) and is not echoed.
    const fromStdin = await runCli(['secret', 'set', 'PIPED_SECRET'], { ...opts, input: `${STDIN_VALUE}\n` });
    expect([fromStdin.code, fromStdin.stdout]).toEqual([0, 'Secret set: PIPED_SECRET\n']);
    expect(fromStdin.stderr).not.toContain(STDIN_VALUE);
    const noValue = await runCli(['secret', 'set', 'EMPTY_SECRET'], opts);
    expect(noValue.code).toBe(2);
    expect(noValue.stderr).toMatch(/no value for empty_secret given/i);

    const text = await runCli(['secret', 'list'], opts);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Key\s+│\s+Description\s+│\s+Updated/);
    expect(text.stdout).toContain('for the e2e test');
    const listed = await runCli(['secret', 'list', '--format', 'json'], opts);
    expect(listed.stdout).not.toContain(VALUE);
    expect(listed.stdout).not.toContain(STDIN_VALUE);
    const secrets = JSON.parse(listed.stdout) as SecretInfo[];
    expect(secrets.map((s) => [s.key, s.description])).toEqual([
      ['DISTINCT_SECRET', 'for the e2e test'],
      ['PIPED_SECRET', null],
    ]);

    expect((await runCli(['secret', 'get', 'DISTINCT_SECRET'], opts)).stdout).toBe(`${VALUE}\n`);
    expect(await runCliJson(['secret', 'get', 'PIPED_SECRET'], opts)).toEqual({
      key: 'PIPED_SECRET',
      value: STDIN_VALUE,
    });
    const has = await runCli(['secret', 'has', 'DISTINCT_SECRET'], opts);
    expect([has.code, has.stdout]).toEqual([0, 'DISTINCT_SECRET: set\n']);
    const hasNot = await runCli(['secret', 'has', 'NOT_THERE'], opts);
    expect([hasNot.code, hasNot.stdout]).toEqual([1, 'NOT_THERE: not set\n']);

    const badKey = await runCli(['secret', 'set', 'lower-case', 'x'], opts);
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toMatch(/key: key must contain only A-Z, 0-9 and _/);

    // The plaintext is nowhere on disk, although the row itself is (its key name is in the database).
    const bytes = diskBytes(dataDir);
    expect(bytes.includes('DISTINCT_SECRET')).toBe(true);
    expect(bytes.includes(VALUE)).toBe(false);
    expect(bytes.includes(STDIN_VALUE)).toBe(false);
    const keyFile = resolvePaths(dataDir).masterKey;
    expect(fs.readFileSync(keyFile, 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
    if (process.platform !== 'win32') expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);

    const deleted = await runCli(['secret', 'delete', 'PIPED_SECRET'], opts);
    expect([deleted.code, deleted.stdout]).toEqual([0, 'Secret deleted: PIPED_SECRET\n']);
    const gone = await runCli(['secret', 'get', 'PIPED_SECRET'], opts);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('Secret PIPED_SECRET not found');
    expect(diskBytes(dataDir).includes(VALUE)).toBe(false);
  });

  it('refuses an unsafe master.key file and a mismatched master key with clear messages', async () => {
    const dataDir = newDataDir();
    const opts = { dataDir, env: { RESTFLOW_MASTER_KEY: '' } };
    expect((await runCli(['secret', 'set', 'KEEP_ME', VALUE], opts)).code).toBe(0);
    const keyFile = resolvePaths(dataDir).masterKey;

    if (process.platform !== 'win32') {
      await stopDaemonFor(dataDir);
      fs.chmodSync(keyFile, 0o644);
      const unsafe = await runCli(['secret', 'get', 'KEEP_ME'], opts);
      expect(unsafe.code).toBe(1);
      expect(unsafe.stderr).toContain(`Fix with: chmod 600 ${keyFile}`);
      expect(unsafe.stderr).not.toContain(VALUE);
      // Fixed while the daemon runs: the key is loaded lazily, so the next request succeeds.
      fs.chmodSync(keyFile, 0o600);
      expect((await runCli(['secret', 'get', 'KEEP_ME'], opts)).stdout).toBe(`${VALUE}\n`);
    }

    await stopDaemonFor(dataDir);
    const otherKey = { dataDir, env: { RESTFLOW_MASTER_KEY: 'cd'.repeat(32) } };
    const mismatch = await runCli(['secret', 'get', 'KEEP_ME'], otherKey);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toContain('cannot decrypt secret KEEP_ME: master key does not match');
    expect(mismatch.stderr).not.toContain(VALUE);
    // Listing still works: it never decrypts.
    expect((await runCliJson<SecretInfo[]>(['secret', 'list'], otherKey)).map((s) => s.key)).toEqual(['KEEP_ME']);
  });
});
