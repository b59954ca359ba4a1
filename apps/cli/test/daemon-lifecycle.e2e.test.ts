// Daemon lifecycle with real processes: start races, stale-file recovery, graceful and forced stops.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { createRestflowClient } from '@restflow/api/client';
import { readPidFile } from '@restflow/launcher';
import { resolvePaths } from '@restflow/paths';
import {
  isProcessAlive,
  removeDataDir,
  runCli,
  runCliJson,
  startTestDaemon,
  stopDaemonFor,
  tempDataDir,
} from '@restflow/testkit';

const dirs: string[] = [];
function freshDir(): string {
  const dir = tempDataDir();
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of dirs) {
    await stopDaemonFor(dir);
    removeDataDir(dir);
  }
});

/** Leaves a socket file with no listener behind, as a SIGKILLed daemon does. */
function leaveStaleSocket(file: string): void {
  try {
    execFileSync(process.execPath, [
      '-e',
      `require('net').createServer().listen(${JSON.stringify(file)}, () => process.kill(process.pid, 'SIGKILL'))`,
    ]);
  } catch {
    // Killed by design.
  }
  expect(fs.existsSync(file)).toBe(true);
}

/** The pid of a process that has exited and been reaped. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await once(child, 'exit');
  return child.pid as number;
}

interface StartJson {
  running: boolean;
  started: boolean;
  pid: number;
}

describe('daemon lifecycle', () => {
  it('two `daemon start` at the same moment give exactly one daemon, and both report it', async () => {
    const dataDir = freshDir();
    const [a, b] = await Promise.all([
      runCli(['daemon', 'start', '--format', 'json'], { dataDir }),
      runCli(['daemon', 'start', '--format', 'json'], { dataDir }),
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const ra = JSON.parse(a.stdout) as StartJson;
    const rb = JSON.parse(b.stdout) as StartJson;
    expect(ra.pid).toBe(rb.pid);
    expect([ra.started, rb.started].filter(Boolean).length).toBeLessThanOrEqual(1);
    const daemons = execFileSync('ps', ['-eo', 'pid,args'])
      .toString()
      .split('\n')
      .filter((line) => line.includes('restflow-daemon.cjs') && !line.includes('ps -eo'));
    const ours = daemons.filter((line) => {
      const pid = Number(line.trim().split(/\s+/)[0]);
      try {
        return fs.readFileSync(`/proc/${pid}/environ`, 'utf8').includes(`RESTFLOW_DIR=${dataDir}`);
      } catch {
        return false;
      }
    });
    expect(ours).toHaveLength(1);
    const status = await runCliJson<{ running: boolean; pid: number }>(['daemon', 'status'], { dataDir });
    expect(status).toMatchObject({ running: true, pid: ra.pid });
  });

  it.each([
    ['a stale pid file', { pid: true, socket: false, garbage: false }],
    ['a stale socket', { pid: false, socket: true, garbage: false }],
    ['both', { pid: true, socket: true, garbage: false }],
    ['a garbage pid file', { pid: false, socket: false, garbage: true }],
  ])('`daemon start` recovers from %s', async (_name, leftovers) => {
    const dataDir = freshDir();
    const paths = resolvePaths(dataDir);
    if (leftovers.pid) {
      fs.writeFileSync(
        paths.pidFile,
        JSON.stringify({ pid: await deadPid(), startedAt: 1, version: '0', pipe: paths.pipe }),
      );
    }
    if (leftovers.garbage) fs.writeFileSync(paths.pidFile, 'not a pid\n');
    if (leftovers.socket) leaveStaleSocket(paths.pipe);
    const before = await runCliJson<{ running: boolean; stale: string[] }>(['status'], { dataDir });
    expect(before.running).toBe(false);
    expect(before.stale.length).toBeGreaterThan(0);

    const started = await runCliJson<StartJson>(['daemon', 'start'], { dataDir });
    expect(started.running).toBe(true);
    expect(readPidFile(paths.pidFile)).toMatchObject({ kind: 'alive', record: { pid: started.pid } });
    expect((await runCliJson<unknown[]>(['agent', 'list'], { dataDir })).length).toBe(1);
    const stopped = await runCliJson<{ stopped: boolean; killed: boolean }>(['daemon', 'stop'], { dataDir });
    expect(stopped).toMatchObject({ stopped: true, killed: false });
    expect(fs.existsSync(paths.pidFile)).toBe(false);
    expect(fs.existsSync(paths.pipe)).toBe(false);
  });

  it('treats a pid file naming a live but unrelated process (pid reuse) as stale, and never signals it', async () => {
    const dataDir = freshDir();
    const paths = resolvePaths(dataDir);
    const bystander = spawn('sleep', ['30']);
    try {
      fs.writeFileSync(
        paths.pidFile,
        JSON.stringify({ pid: bystander.pid, identity: 'linux-start:1', startedAt: 1, version: '0', pipe: paths.pipe }),
      );
      expect(readPidFile(paths.pidFile).kind).toBe('reused');
      const stop = await runCliJson<{ stopped: boolean; cleaned: string[] }>(['daemon', 'stop'], { dataDir });
      expect(stop).toMatchObject({ stopped: false, cleaned: ['pid file'] });
      expect(isProcessAlive(bystander.pid as number)).toBe(true);
      const started = await runCliJson<StartJson>(['daemon', 'start'], { dataDir });
      expect(started.pid).not.toBe(bystander.pid);
    } finally {
      bystander.kill('SIGKILL');
    }
  });

  it('`daemon stop` escalates TERM → KILL on a wedged daemon within a bounded time', async () => {
    const dataDir = freshDir();
    const paths = resolvePaths(dataDir);
    const { pid } = await runCliJson<StartJson>(['daemon', 'start'], { dataDir });
    process.kill(pid, 'SIGSTOP'); // wedged: alive, but handles nothing
    try {
      const began = Date.now();
      const result = await runCliJson<{ stopped: boolean; killed: boolean; pid: number }>(
        ['daemon', 'stop', '--timeout', '1'],
        { dataDir },
      );
      const elapsed = Date.now() - began;
      expect(result).toMatchObject({ stopped: true, killed: true, pid });
      expect(elapsed).toBeLessThan(8_000);
      expect(isProcessAlive(pid)).toBe(false);
      expect(fs.existsSync(paths.pidFile)).toBe(false);
      expect(fs.existsSync(paths.pipe)).toBe(false);
    } finally {
      if (isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    // The kernel released the instance lock with the process: a new daemon starts at once.
    expect((await runCliJson<StartJson>(['daemon', 'start'], { dataDir })).started).toBe(true);
  });

  it('recovers automatically after the daemon is SIGKILLed, on the next data command', async () => {
    const dataDir = freshDir();
    const daemon = await startTestDaemon(dataDir);
    await daemon.kill();
    expect(fs.existsSync(daemon.pipe)).toBe(true);
    const list = await runCli(['agent', 'list', '--format', 'json'], { dataDir });
    expect(list.code).toBe(0);
    expect(list.stderr).toContain('Starting the RestFlow daemon');
    expect(JSON.parse(list.stdout)).toHaveLength(1);
  });

  it('stops gracefully on SIGTERM and on system.shutdown, removing socket and pid file, logging to daemon.log', async () => {
    const dataDir = freshDir();
    const paths = resolvePaths(dataDir);
    const first = await startTestDaemon(dataDir);
    expect(fs.statSync(paths.pipe).mode & 0o777).toBe(0o600);
    await first.stop();
    expect(first.process.exitCode).toBe(0);
    expect(fs.existsSync(paths.pipe)).toBe(false);
    expect(fs.existsSync(paths.pidFile)).toBe(false);

    const second = await startTestDaemon(dataDir);
    const client = createRestflowClient({ dataDir });
    expect(await client.system.shutdown.mutate()).toEqual({ shutting_down: true });
    client.close();
    await new Promise<void>((resolve) => second.process.once('exit', () => resolve()));
    expect(second.process.exitCode).toBe(0);
    expect(fs.existsSync(paths.pipe)).toBe(false);
    const shown = await runCli(['daemon', 'logs', '-n', '3'], { dataDir });
    expect(shown.stdout.trim().split('\n')).toHaveLength(3);
    expect(shown.stdout).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d INFO {2}daemon stopped/m);
    const log = fs.readFileSync(path.join(paths.logsDir, 'daemon.log'), 'utf8');
    expect(log.match(/"msg":"daemon ready"/g)).toHaveLength(2);
    expect(log).toContain('"reason":"requested over pipe"');
    expect(log.match(/"msg":"daemon stopped"/g)).toHaveLength(2);
  });

  it('never hangs: no daemon and no auto-start, or a daemon that cannot start, give one clear line and exit ≠ 0', async () => {
    const dataDir = freshDir();
    const status = await runCli(['status'], { dataDir });
    expect(status).toMatchObject({ code: 0, stdout: 'Daemon not running\n' });
    const refused = await runCli(['agent', 'list'], { dataDir, env: { RESTFLOW_NO_AUTOSTART: '1' } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe("Error: the RestFlow daemon is not running; start it with 'restflow daemon start'\n");

    const broken = path.join(dataDir, 'broken-daemon.mjs');
    fs.writeFileSync(broken, "console.error('boom: cannot open database'); process.exit(1);\n");
    const began = Date.now();
    const failed = await runCli(['agent', 'list'], { dataDir, env: { RESTFLOW_DAEMON_ENTRY: broken } });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^Error: the daemon exited during start-up \(code 1\)/m);
    expect(failed.stderr).toContain('boom: cannot open database');
    expect(Date.now() - began).toBeLessThan(10_000);
  });
});
