// A client that looks at the data dir just as a supervised daemon is killed sees the dead daemon's pid file naming
// a process still there (not yet reaped), waits on it, and sees it die. The supervisor is then restarting it: the
// client must wait for the new daemon (packages/launcher/src/daemon-process.ts), not report a stopped daemon.
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { getDaemonState, processIdentity, writePidFile } from '@restflow/launcher';
import { type RestflowPaths, resolvePaths } from '@restflow/paths';
import { removeDataDir, startTestDaemon, type TestDaemon, tempDataDir, waitUntil } from '@restflow/testkit';

const dirs: string[] = [];
const silent: ChildProcess[] = [];
const servers: net.Server[] = [];
const sockets: net.Socket[] = [];
const daemons: TestDaemon[] = [];
afterEach(async () => {
  for (const child of silent.splice(0)) child.kill('SIGKILL');
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  for (const daemon of daemons.splice(0)) await daemon.stop();
  for (const dir of dirs.splice(0)) removeDataDir(dir);
});

/** A data dir removed after the test. */
function dataDir(): { dir: string; paths: RestflowPaths } {
  const dir = tempDataDir('rfgap');
  dirs.push(dir);
  return { dir, paths: resolvePaths(dir) };
}

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
    const { dir, paths } = dataDir();
    // The daemon about to be killed: a live process the pid file names, supervised by this (live) test process.
    const doomed = await silentProcess();
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
    // Its supervisor (this process) never restarts it.
    const { paths, daemon: doomed, pipe } = await silentSupervisedDaemon();
    const started = Date.now();
    // A 3 s grace and a 3 s restart wait: one deadline 3 s from the call (the ping under way when it passes may run
    // half a second more).
    const seen = getDaemonState(paths, 300, 3000, 3000);
    // The crash, at the grace's fifth ping (~2 s in): waiting the restart's 3 s from there would take over 5 s;
    // returning as soon as the crash is seen, under 3 s.
    await waitUntil(() => pipe.pings() >= 5, 10_000, 'the fifth ping of the grace');
    doomed.kill('SIGKILL');
    const state = await seen;
    const waited = Date.now() - started;
    expect(state).toEqual({ state: 'stopped', stale: [], supervisor: process.pid });
    expect(waited).toBeGreaterThanOrEqual(2900);
    expect(waited).toBeLessThan(4500);
  }, 30_000);

  it('calls a restarted daemon still silent at the deadline a restart under way, not a wedged daemon', async () => {
    const { paths, daemon: first, pipe } = await silentSupervisedDaemon();
    const seen = getDaemonState(paths, 300, 3000, 3000);
    // The supervisor's restart, once the client waits out the first daemon's grace: a new daemon, not answering
    // yet, in the pid file before the first one dies.
    await waitUntil(() => pipe.pings() >= 2, 10_000, 'the grace under way');
    const second = await silentProcess();
    namesSupervisedDaemon(paths, second.pid as number);
    first.kill('SIGKILL');
    // The deadline (3 s from the call) cuts the new daemon's grace short: it is starting, not wedged.
    expect(await seen).toEqual({ state: 'stopped', stale: [], supervisor: process.pid });
  }, 30_000);
});

/**
 * A supervised daemon that never answers: a live process the pid file names, and a pipe that takes each ping and
 * never replies (each of getDaemonState's pings then lasts its full timeout; `pipe.pings()` counts them).
 */
async function silentSupervisedDaemon() {
  const { paths } = dataDir();
  const daemon = await silentProcess();
  namesSupervisedDaemon(paths, daemon.pid as number);
  return { paths, daemon, pipe: await silentPipe(paths) };
}

/** A pipe that accepts each connection and never answers (a daemon that is not yet serving), counting them. */
async function silentPipe(paths: RestflowPaths): Promise<{ pings(): number }> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    sockets.push(socket);
  });
  servers.push(server);
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(paths.pipe, resolve));
  return { pings: () => connections };
}

/** A live process that never answers on the pipe, killed after the test. */
async function silentProcess(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  silent.push(child);
  await new Promise((resolve, reject) => child.once('spawn', resolve).once('error', reject));
  return child;
}
