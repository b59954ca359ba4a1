// A client that looks at the data dir just as a supervised daemon is killed sees the dead daemon's pid file naming
// a process still there (not yet reaped), waits on it, and sees it die. The supervisor is then restarting it: the
// client must wait for the new daemon (packages/launcher/src/daemon-process.ts), not report a stopped daemon.
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from '@jest/globals';
import { getDaemonState, processIdentity, writePidFile } from '@restflow/launcher';
import { type RestflowPaths, resolvePaths } from '@restflow/paths';
import { removeDataDir, startTestDaemon, type TestDaemon, tempDataDir } from '@restflow/testkit';

const dirs: string[] = [];
const daemons: TestDaemon[] = [];
afterEach(async () => {
  for (const daemon of daemons.splice(0)) await daemon.stop();
  for (const dir of dirs.splice(0)) removeDataDir(dir);
});

/** The pid file of a supervised daemon `pid`, whose supervisor is this (live) test process. */
function namesSupervisedDaemon(paths: RestflowPaths, pid: number): void {
  const identity = processIdentity(process.pid);
  writePidFile(paths.pidFile, {
    pid,
    startedAt: Date.now(),
    version: 'test',
    pipe: paths.pipe,
    mode: 'supervised',
    supervisor: { pid: process.pid, ...(identity ? { identity } : {}) },
  });
}

describe('the daemon state seen in the gap of a supervised restart', () => {
  it('waits for the restarted daemon when the one it waited on dies', async () => {
    const dir = tempDataDir('rfgap');
    dirs.push(dir);
    const paths = resolvePaths(dir);
    // The daemon about to be killed: a live process the pid file names, supervised by this (live) test process.
    const doomed = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => doomed.once('exit', resolve));
    namesSupervisedDaemon(paths, doomed.pid as number);
    const seen = getDaemonState(paths, 300);
    doomed.kill('SIGKILL');
    await exited;
    // The supervisor's restart: a new daemon on the same data dir.
    daemons.push(await startTestDaemon(dir));
    const state = await seen;
    expect(state).toMatchObject({ state: 'running', pid: daemons[0]?.pid });
  }, 60_000);

  it('waits one deadline in all, not a grace period and then a restart wait on top of it', async () => {
    const dir = tempDataDir('rfgap');
    dirs.push(dir);
    const paths = resolvePaths(dir);
    // A daemon that never answers and dies 3 s in; its supervisor (this process) lives on and never restarts it.
    const doomed = spawn(process.execPath, ['-e', 'setTimeout(() => process.exit(1), 3000)'], { stdio: 'ignore' });
    namesSupervisedDaemon(paths, doomed.pid as number);
    const started = Date.now();
    // A 4 s grace and a 3 s restart wait: one deadline 4 s from the call. Waiting the restart's 3 s again after the
    // crash at 3 s would take 6 s.
    const state = await getDaemonState(paths, 300, 4000, 3000);
    const waited = Date.now() - started;
    expect(state).toEqual({ state: 'stopped', stale: [], supervisor: process.pid });
    expect(waited).toBeGreaterThanOrEqual(3000);
    expect(waited).toBeLessThan(5000);
  }, 30_000);
});
