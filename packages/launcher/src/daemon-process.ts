// Starting, finding and stopping the daemon from a client process (CLI, desktop, scripts). The daemon itself
// decides who wins a start race (its instance lock); clients only spawn, wait for readiness and report.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createRestflowClient, pingDaemon } from '@restflow/api/client';
import type { RestflowPaths } from '@restflow/paths';
import { readPidFile } from './pid-file.ts';
import { isProcessAlive } from './process-identity.ts';

/** Exit code of a daemon that found another instance holding the lock. */
export const EXIT_ALREADY_RUNNING = 75;

export type DaemonState =
  | { state: 'running'; pid: number | undefined; pipe: string }
  /** A live daemon process whose pipe does not answer (wedged or still starting). */
  | { state: 'unresponsive'; pid: number; pipe: string }
  | { state: 'stopped'; stale: string[] };

/** How long a live daemon may take to answer before it counts as wedged (a busy machine can stall a second). */
export const UNRESPONSIVE_AFTER_MS = 5000;

export async function getDaemonState(
  paths: RestflowPaths,
  pingTimeoutMs = 1000,
  graceMs = UNRESPONSIVE_AFTER_MS,
): Promise<DaemonState> {
  const pidState = readPidFile(paths.pidFile);
  if (await pingDaemon(paths.pipe, pingTimeoutMs)) {
    const pid = pidState.kind === 'alive' ? pidState.record.pid : await statusPid(paths.pipe);
    return { state: 'running', pid, pipe: paths.pipe };
  }
  if (pidState.kind === 'alive') {
    // Alive but silent: give it a grace period before calling it wedged (it may be starting or busy).
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline) {
      if (await pingDaemon(paths.pipe, 500)) return { state: 'running', pid: pidState.record.pid, pipe: paths.pipe };
      if (!isProcessAlive(pidState.record.pid)) return getDaemonState(paths, pingTimeoutMs, 0);
      await sleep(100);
    }
    return { state: 'unresponsive', pid: pidState.record.pid, pipe: paths.pipe };
  }
  const stale: string[] = [];
  if (pidState.kind === 'dead' || pidState.kind === 'reused') stale.push(`pid file (pid ${pidState.record.pid})`);
  if (pidState.kind === 'garbage') stale.push('unreadable pid file');
  if (!paths.pipe.startsWith('\\\\') && fs.existsSync(paths.pipe)) stale.push('socket file');
  return { state: 'stopped', stale };
}

async function statusPid(pipe: string): Promise<number | undefined> {
  const client = createRestflowClient({ pipePath: pipe, reconnectTimeoutMs: 0 });
  try {
    return (await client.system.status.query(undefined, { signal: AbortSignal.timeout(1000) })).pid;
  } catch {
    return undefined;
  } finally {
    client.close();
  }
}

/** The daemon entry script; `RESTFLOW_DAEMON_ENTRY` overrides it (packaged builds). */
export function daemonEntry(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RESTFLOW_DAEMON_ENTRY) return env.RESTFLOW_DAEMON_ENTRY;
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@restflow/daemon/package.json')), 'bin', 'restflow-daemon.js');
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  readyTimeoutMs?: number;
}

export interface StartResult {
  pid: number | undefined;
  /** False when a daemon was already running (or another starter won the race). */
  started: boolean;
}

export class DaemonStartError extends Error {
  override name = 'DaemonStartError';
}

/** Spawns a detached daemon unless one answers already, and waits until it serves its pipe. */
export async function startDaemonInBackground(paths: RestflowPaths, options: StartOptions = {}): Promise<StartResult> {
  const before = await getDaemonState(paths);
  if (before.state === 'running') return { pid: before.pid, started: false };
  if (before.state === 'unresponsive') {
    throw new DaemonStartError(
      `a daemon process (pid ${before.pid}) is alive but does not answer on ${paths.pipe}; run 'restflow daemon stop' first`,
    );
  }
  fs.mkdirSync(paths.logsDir, { recursive: true, mode: 0o700 });
  // Its own stdout/stderr (a crash trace, a runtime warning) go to their own file: daemon.log stays JSON lines.
  truncateIfLarge(paths.daemonOutput);
  const log = fs.openSync(paths.daemonOutput, 'a', 0o600);
  const child = spawn(process.execPath, [daemonEntry(options.env)], {
    detached: true,
    stdio: ['ignore', log, log],
    cwd: paths.dataDir,
    env: { ...process.env, ...options.env, RESTFLOW_DIR: paths.dataDir },
    windowsHide: true,
  });
  fs.closeSync(log);
  let exitCode: number | null | undefined;
  child.once('exit', (code) => {
    exitCode = code;
  });
  child.unref();
  const deadline = Date.now() + (options.readyTimeoutMs ?? 20_000);
  while (Date.now() < deadline) {
    if (await pingDaemon(paths.pipe, 500)) {
      const state = readPidFile(paths.pidFile);
      const pid = state.kind === 'alive' ? state.record.pid : await statusPid(paths.pipe);
      // Lost a start race: wait for our own child to give up, so exactly one daemon exists when we return.
      if (pid !== child.pid) await waitForExit(child.pid as number, 10_000);
      return { pid, started: pid === child.pid };
    }
    if (exitCode !== undefined && exitCode !== EXIT_ALREADY_RUNNING) {
      throw new DaemonStartError(
        `the daemon exited during start-up (code ${exitCode}); see ${paths.daemonLog}` +
          `${tailOf(paths.daemonLog)}${tailOf(paths.daemonOutput)}`,
      );
    }
    // EXIT_ALREADY_RUNNING: another starter won; keep waiting for the winner to answer.
    await sleep(50);
  }
  throw new DaemonStartError(
    `the daemon did not answer on ${paths.pipe} within the start-up budget; see ${paths.daemonLog}`,
  );
}

export interface StopOptions {
  /** How long to wait after SIGTERM before SIGKILL. */
  termTimeoutMs?: number;
  killTimeoutMs?: number;
}

export interface StopResult {
  pid: number | undefined;
  wasRunning: boolean;
  /** True when the daemon had to be SIGKILLed. */
  killed: boolean;
  cleaned: string[];
}

/** TERM, bounded wait, KILL, bounded wait; then removes whatever a killed daemon left behind. */
export async function stopDaemon(paths: RestflowPaths, options: StopOptions = {}): Promise<StopResult> {
  // No grace period: a silent daemon is exactly what stop must deal with, within its own bounded time.
  const state = await getDaemonState(paths, 1000, 0);
  if (state.state === 'stopped') {
    return { pid: undefined, wasRunning: false, killed: false, cleaned: cleanStale(paths) };
  }
  const pid = state.pid;
  if (pid === undefined) {
    throw new DaemonStartError(`a daemon answers on ${paths.pipe} but its pid is unknown; stop it by hand`);
  }
  signal(pid, 'SIGTERM');
  if (await waitForExit(pid, options.termTimeoutMs ?? 10_000)) {
    return { pid, wasRunning: true, killed: false, cleaned: cleanStale(paths) };
  }
  signal(pid, 'SIGKILL');
  if (await waitForExit(pid, options.killTimeoutMs ?? 5_000)) {
    return { pid, wasRunning: true, killed: true, cleaned: cleanStale(paths) };
  }
  throw new DaemonStartError(`daemon (pid ${pid}) survived SIGKILL; manual intervention required`);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
  return true;
}

/** Only called once no daemon runs: whatever is left is stale. */
function cleanStale(paths: RestflowPaths): string[] {
  const removed: string[] = [];
  if (fs.existsSync(paths.pidFile)) {
    fs.rmSync(paths.pidFile, { force: true });
    removed.push('pid file');
  }
  if (!paths.pipe.startsWith('\\\\') && fs.existsSync(paths.pipe)) {
    fs.rmSync(paths.pipe, { force: true });
    removed.push('socket file');
  }
  return removed;
}

/** The output file only matters for the last crash: past 1 MiB it starts over. */
function truncateIfLarge(file: string, maxBytes = 1024 * 1024): void {
  try {
    if (fs.statSync(file).size > maxBytes) fs.truncateSync(file, 0);
  } catch {
    // Missing: nothing to do.
  }
}

function tailOf(file: string, lines = 5): string {
  try {
    const text = fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    return text ? `\n${text}` : '';
  } catch {
    return '';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
