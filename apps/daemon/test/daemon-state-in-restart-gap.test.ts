// A client that looks at the data dir just as a supervised daemon is killed sees the dead daemon's pid file naming
// a process still there (not yet reaped), waits on it, and sees it die. The supervisor is then restarting it: the
// client must wait for the new daemon (packages/launcher/src/daemon-process.ts), not report a stopped daemon.
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from '@jest/globals';
import { getDaemonState, processIdentity, writePidFile } from '@restflow/launcher';
import { resolvePaths } from '@restflow/paths';
import { removeDataDir, startTestDaemon, type TestDaemon, tempDataDir } from '@restflow/testkit';

const dirs: string[] = [];
const daemons: TestDaemon[] = [];
afterEach(async () => {
  for (const daemon of daemons.splice(0)) await daemon.stop();
  for (const dir of dirs.splice(0)) removeDataDir(dir);
});

describe('the daemon state seen in the gap of a supervised restart', () => {
  it('waits for the restarted daemon when the one it waited on dies', async () => {
    const dir = tempDataDir('rfgap');
    dirs.push(dir);
    const paths = resolvePaths(dir);
    // The daemon about to be killed: a live process the pid file names, supervised by this (live) test process.
    const doomed = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => doomed.once('exit', resolve));
    const identity = processIdentity(process.pid);
    writePidFile(paths.pidFile, {
      pid: doomed.pid as number,
      startedAt: Date.now(),
      version: 'test',
      pipe: paths.pipe,
      mode: 'supervised',
      supervisor: { pid: process.pid, ...(identity ? { identity } : {}) },
    });
    const seen = getDaemonState(paths, 300);
    doomed.kill('SIGKILL');
    await exited;
    // The supervisor's restart: a new daemon on the same data dir.
    daemons.push(await startTestDaemon(dir));
    const state = await seen;
    expect(state).toMatchObject({ state: 'running', pid: daemons[0]?.pid });
  }, 60_000);
});
