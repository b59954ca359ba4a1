// The supervisor under a daemon that crashes at boot (a test hook): it restarts it with backoff, gives up at the
// 6th crash within a minute, records why, and `restflow status` says so; the next start begins afresh.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from '@jest/globals';
import { readSupervisorRecord } from '@restflow/launcher';
import { resolvePaths } from '@restflow/paths';
import { dataDirPool, isProcessAlive, runCli, runCliJson, startTestDaemon } from '@restflow/testkit';
import Database from 'better-sqlite3';

const dirs = dataDirPool();
afterAll(() => dirs.cleanup());

interface StatusJson {
  running: boolean;
  state: string;
  supervision: {
    mode: string | null;
    restarts: number;
    gave_up: { reason: string; at: number } | null;
  };
}

describe('daemon supervisor', () => {
  it('6 crashes in a minute: the supervisor gives up, and status says why', async () => {
    const dataDir = dirs.create();
    const paths = resolvePaths(dataDir);
    const failed = await runCli(['daemon', 'start'], {
      dataDir,
      env: { RESTFLOW_TEST_CRASH_AT_BOOT: '1' },
      timeoutMs: 150_000,
    });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(
      /^Error: the daemon exited during start-up \(code 1\); the daemon crashed 6 times within 60 s/m,
    );
    expect(failed.stderr).toContain('crashing at boot (RESTFLOW_TEST_CRASH_AT_BOOT)');

    const record = readSupervisorRecord(paths);
    expect(record).toMatchObject({ state: 'gave_up', restarts: 5, last_exit: { code: 1, signal: null } });
    expect(record?.crashes).toHaveLength(6);
    const crashes = record?.crashes ?? [];
    // Backoff: each restart waited longer than the one before (100 ms doubling).
    const waits = crashes.slice(1).map((c, i) => c.at - (crashes[i]?.at ?? 0));
    expect(waits.every((wait, i) => wait >= 100 * 2 ** i)).toBe(true);
    expect(isProcessAlive(record?.pid as number)).toBe(false);

    const status = await runCli(['status'], { dataDir });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(
      /^Daemon not running\nSupervisor gave up: the daemon crashed 6 times within 60 s \(last: code 1\); not restarting it/,
    );
    const json = await runCliJson<StatusJson>(['status'], { dataDir });
    expect(json).toMatchObject({ running: false, state: 'stopped' });
    expect(json.supervision.gave_up?.reason).toContain('crashed 6 times within 60 s');

    // Fixed (no hook): a new start begins afresh, the old verdict is gone.
    await runCliJson(['daemon', 'start'], { dataDir });
    const running = await runCliJson<StatusJson>(['status'], { dataDir });
    expect(running.supervision).toMatchObject({ mode: 'supervised', restarts: 0, gave_up: null });
  }, 240_000);

  it('a database this build cannot upgrade: no restarts, and the error says what to do', async () => {
    const dataDir = dirs.create();
    const paths = resolvePaths(dataDir);
    fs.mkdirSync(dataDir, { recursive: true });
    // A database an earlier pre-release build made (a differently made `agents` table, unknown migrations).
    const older = new Database(paths.database);
    older.exec('CREATE TABLE agents (id TEXT PRIMARY KEY, name TEXT)');
    older.close();
    const failed = await runCli(['agent', 'list'], { dataDir, timeoutMs: 60_000 });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('the daemon cannot start, and restarting it would not help');
    expect(failed.stderr).toMatch(/made by an earlier pre-release build of RestFlow, and this build cannot upgrade/);
    expect(failed.stderr).toContain(`mv "${dataDir}" "${dataDir}.old"`);
    expect(readSupervisorRecord(paths)).toMatchObject({ state: 'gave_up', restarts: 0, last_exit: { code: 78 } });
    const json = await runCliJson<StatusJson>(['status'], { dataDir });
    expect(json.supervision.gave_up?.reason).toContain('restarting it would not help');
  }, 120_000);

  it('status names the other modes: a daemon under a service unit, and one started by hand', async () => {
    const dataDir = dirs.create();
    const service = await startTestDaemon(dataDir, { RESTFLOW_RUN_MODE: 'service' });
    try {
      const text = await runCli(['status'], { dataDir });
      expect(text.stdout).toMatch(/^Mode:\s+service unit \(systemd\/launchd restarts it after a crash/m);
    } finally {
      await service.stop();
    }
    const plain = await startTestDaemon(dataDir);
    try {
      const json = await runCliJson<StatusJson>(['status'], { dataDir });
      expect(json.supervision).toMatchObject({ mode: 'background', restarts: 0 });
    } finally {
      await plain.stop();
    }
  }, 120_000);
});
