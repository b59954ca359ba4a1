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
import {
  clearSupervisorRecord,
  EXIT_ALREADY_RUNNING,
  EXIT_SUPERVISOR_GAVE_UP,
  liveSupervisor,
  readSupervisorRecord,
  supervisorEntry,
} from './supervisor-state.ts';

export type DaemonState =
  | { state: 'running'; pid: number | undefined; pipe: string }
  /** A live daemon process whose pipe does not answer (wedged or still starting). */
  | { state: 'unresponsive'; pid: number; pipe: string }
  /** `supervisor`: the daemon crashed and this live supervisor is restarting it. */
  | { state: 'stopped'; stale: string[]; supervisor?: number };

/** How long a live daemon may take to answer before it counts as wedged (a busy machine can stall a second). */
export const UNRESPONSIVE_AFTER_MS = 5000;

/** How long a client waits for a supervisor to bring a crashed daemon back (backoff plus a cold start). */
export const SUPERVISED_RESTART_WAIT_MS = 15_000;

/**
 * What the daemon of `paths` is doing. A live daemon that does not answer gets `graceMs` to start answering; a
 * crashed one whose supervisor lives gets up to `restartWaitMs` to come back. Both waits share one deadline, the
 * longer of the two from the call, however often the daemon dies and comes back meanwhile: a client never waits a
 * grace period and then a restart's wait on top of it.
 */
export async function getDaemonState(
  paths: RestflowPaths,
  pingTimeoutMs = 1000,
  graceMs = UNRESPONSIVE_AFTER_MS,
  restartWaitMs = SUPERVISED_RESTART_WAIT_MS,
): Promise<DaemonState> {
  return stateWithin(paths, pingTimeoutMs, graceMs, Date.now() + Math.max(graceMs, restartWaitMs));
}

async function stateWithin(
  paths: RestflowPaths,
  pingTimeoutMs: number,
  graceMs: number,
  until: number,
): Promise<DaemonState> {
  const pidState = readPidFile(paths.pidFile);
  if (await pingDaemon(paths.pipe, pingTimeoutMs))
    return { state: 'running', pid: await answeringPid(paths), pipe: paths.pipe };
  if (pidState.kind === 'alive') {
    // Alive but silent: give it a grace period before calling it wedged (it may be starting or busy).
    const graceEnd = Date.now() + graceMs;
    const deadline = Math.min(graceEnd, until);
    while (Date.now() < deadline) {
      // The daemon answering may be a new one (a supervisor's restart in the meantime): answeringPid reads again.
      if (await pingDaemon(paths.pipe, 500))
        return { state: 'running', pid: await answeringPid(paths), pipe: paths.pipe };
      // Died while we waited (a crash its supervisor may be restarting): look again within the same deadline, or a
      // client arriving in the gap would see a restart under way as a stopped daemon and give up.
      if (!isProcessAlive(pidState.record.pid)) return stateWithin(paths, pingTimeoutMs, graceMs, until);
      await sleep(100);
    }
    // Out of time before its grace was over: a daemon its live supervisor restarted after a crash we saw is still
    // starting, not wedged (a restart, not `restflow daemon restart`, is what it needs).
    const supervisor = until < graceEnd ? liveSupervisor(paths) : undefined;
    if (supervisor) return { state: 'stopped', stale: [], supervisor: supervisor.pid };
    return { state: 'unresponsive', pid: pidState.record.pid, pipe: paths.pipe };
  }
  const supervisor = liveSupervisor(paths);
  if (supervisor && graceMs > 0) {
    // The daemon crashed and its supervisor is restarting it: a client waits for it rather than starting another.
    while (Date.now() < until && isProcessAlive(supervisor.pid)) {
      if (await pingDaemon(paths.pipe, 500)) return stateWithin(paths, pingTimeoutMs, graceMs, until);
      await sleep(50);
    }
  }
  if (supervisor && isProcessAlive(supervisor.pid)) {
    return { state: 'stopped', stale: [], supervisor: supervisor.pid };
  }
  const stale: string[] = [];
  if (pidState.kind === 'dead' || pidState.kind === 'reused') stale.push(`pid file (pid ${pidState.record.pid})`);
  if (pidState.kind === 'garbage') stale.push('unreadable pid file');
  if (!paths.pipe.startsWith('\\\\') && fs.existsSync(paths.pipe)) stale.push('socket file');
  return { state: 'stopped', stale };
}

/** The pid of the daemon that answers, read after it answered: its pid file's, or its own word without one. */
async function answeringPid(paths: RestflowPaths): Promise<number | undefined> {
  const now = readPidFile(paths.pidFile);
  return now.kind === 'alive' ? now.record.pid : statusPid(paths.pipe);
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
  return path.join(path.dirname(require.resolve('@restflow/daemon/package.json')), 'bin', 'restflow-daemon.cjs');
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  readyTimeoutMs?: number;
  /**
   * Run the daemon under the supervisor (supervisor.mjs), which restarts it after a crash (default true;
   * `RESTFLOW_SUPERVISE=0` in the environment turns it off).
   */
  supervised?: boolean;
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
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, RESTFLOW_DIR: paths.dataDir };
  const supervisor = (options.supervised ?? env.RESTFLOW_SUPERVISE !== '0') ? findSupervisor(env) : undefined;
  const supervised = supervisor !== undefined;
  // A new start is a fresh slate: a previous supervisor's "gave up" no longer describes what runs.
  if (supervised) clearSupervisorRecord(paths);
  const child = spawn(process.execPath, supervisor ? [supervisor] : [daemonEntry(env)], {
    detached: true,
    stdio: ['ignore', log, log],
    cwd: paths.dataDir,
    env: supervised ? { ...env, RESTFLOW_SUPERVISED_ENTRY: daemonEntry(env) } : env,
    windowsHide: true,
  });
  fs.closeSync(log);
  let exitCode: number | null | undefined;
  child.once('exit', (code) => {
    exitCode = code;
  });
  child.unref();
  const budget = options.readyTimeoutMs ?? 20_000;
  let deadline = Date.now() + budget;
  let lastCrash: number | undefined;
  while (Date.now() < deadline) {
    // Each daemon the supervisor restarts gets the whole budget: it gives up on a crash loop by itself.
    const crash = supervised ? readSupervisorRecord(paths)?.updated_at : undefined;
    if (crash !== lastCrash) {
      lastCrash = crash;
      deadline = Date.now() + budget;
    }
    if (await pingDaemon(paths.pipe, 500)) {
      const state = readPidFile(paths.pidFile);
      const record = state.kind === 'alive' ? state.record : undefined;
      const pid = record ? record.pid : await statusPid(paths.pipe);
      const ours = supervised ? record?.supervisor?.pid === child.pid : pid === child.pid;
      // Lost a start race: wait for our own child to give up, so exactly one daemon exists when we return.
      if (!ours) await waitForExit(child.pid as number, 10_000);
      return { pid, started: ours };
    }
    if (exitCode !== undefined && exitCode !== EXIT_ALREADY_RUNNING) {
      // A supervisor that gave up restarted the daemon several times: report the daemon's own exit and why.
      const gaveUp = exitCode === EXIT_SUPERVISOR_GAVE_UP ? readSupervisorRecord(paths) : undefined;
      const code = gaveUp?.last_exit ? (gaveUp.last_exit.code ?? gaveUp.last_exit.signal) : exitCode;
      throw new DaemonStartError(
        `the daemon exited during start-up (code ${code})${gaveUp?.reason ? `; ${gaveUp.reason}` : ''}; see ${paths.daemonLog}` +
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

/**
 * The HTTP host/port the running (or crashed) daemon listens on, from `daemon.http.json`, as the environment that
 * brings a new daemon up at the same address: open console tabs (and their per-port cookie) keep working.
 */
export function listenerEnvOf(paths: RestflowPaths): NodeJS.ProcessEnv {
  try {
    const info = JSON.parse(fs.readFileSync(paths.httpInfoFile, 'utf8')) as { host?: unknown; port?: unknown };
    if (typeof info.host !== 'string' || !Number.isInteger(info.port)) return {};
    return { RESTFLOW_HTTP: 'on', RESTFLOW_HTTP_HOST: info.host, RESTFLOW_HTTP_PORT: String(info.port) };
  } catch {
    return {};
  }
}

/** The supervisor script, or undefined where it is not shipped (a packaging without it): the daemon then runs unwatched. */
function findSupervisor(env: NodeJS.ProcessEnv): string | undefined {
  try {
    const entry = supervisorEntry(env);
    return fs.existsSync(entry) ? entry : undefined;
  } catch {
    return undefined;
  }
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
  const supervisor = liveSupervisor(paths);
  if (state.state === 'stopped' && !supervisor) {
    return { pid: undefined, wasRunning: false, killed: false, cleaned: cleanStale(paths) };
  }
  const pid = state.state === 'stopped' ? undefined : state.pid;
  if (pid === undefined && !supervisor) {
    throw new DaemonStartError(`a daemon answers on ${paths.pipe} but its pid is unknown; stop it by hand`);
  }
  // The supervisor forwards SIGTERM to the daemon and then exits instead of restarting it.
  if (supervisor) signal(supervisor.pid, 'SIGTERM');
  else if (pid !== undefined) signal(pid, 'SIGTERM');
  const termTimeoutMs = options.termTimeoutMs ?? 10_000;
  const killTimeoutMs = options.killTimeoutMs ?? 5_000;
  let killed = false;
  if (pid !== undefined && !(await waitForExit(pid, termTimeoutMs))) {
    signal(pid, 'SIGKILL');
    killed = true;
    if (!(await waitForExit(pid, killTimeoutMs))) {
      throw new DaemonStartError(`daemon (pid ${pid}) survived SIGKILL; manual intervention required`);
    }
  }
  // Once its daemon is gone a supervisor that was told to stop exits at once; never leave one behind.
  if (supervisor && !(await waitForExit(supervisor.pid, killTimeoutMs))) signal(supervisor.pid, 'SIGKILL');
  if (supervisor) await waitForExit(supervisor.pid, killTimeoutMs);
  return { pid: pid ?? supervisor?.record.pid, wasRunning: true, killed, cleaned: cleanStale(paths) };
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
