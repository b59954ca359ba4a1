// @ts-check
// The daemon's supervisor: a thin parent process that restarts the daemon after an abnormal exit, with backoff,
// and gives up when it keeps crashing (docs/lifecycle.md#supervision). Plain JavaScript with no imports beyond
// Node's own, so it starts in a few milliseconds and holds little memory next to the daemon it watches.
//
// Started by the launcher (daemon-process.ts) with RESTFLOW_DIR and RESTFLOW_SUPERVISED_ENTRY (the daemon's entry
// script) in its environment; its stdout/stderr are the daemon's output file, which the daemon inherits.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Exit code of a daemon that found another instance holding the lock: not a crash, never restarted. */
const EXIT_ALREADY_RUNNING = 75;
/** Our exit code once we stopped restarting a daemon that keeps crashing. */
const EXIT_GAVE_UP = 70;
/** Exit code of a daemon that cannot start for a reason a restart will not change: never restarted. */
const EXIT_CANNOT_START = 78;
/** A 6th crash within this window ends supervision (at most 5 restarts a minute). */
const CRASH_WINDOW_MS = 60_000;
const MAX_RESTARTS_IN_WINDOW = 5;

const entry = process.env.RESTFLOW_SUPERVISED_ENTRY;
const dataDir = process.env.RESTFLOW_DIR;
if (!entry || !dataDir) {
  process.stderr.write('restflow supervisor: RESTFLOW_SUPERVISED_ENTRY and RESTFLOW_DIR are required\n');
  process.exit(2);
}
const stateFile = path.join(dataDir, 'supervisor.json');
const httpInfoFile = path.join(dataDir, 'daemon.http.json');
const startedAt = Date.now();

/** Restart delay after the n-th crash within the window: 100 ms doubling, at most 5 s. */
const backoffMs = (crashesInWindow) => Math.min(100 * 2 ** (crashesInWindow - 1), 5000);

/** @type {{ at: number; code: number | null; signal: string | null }[]} */
const crashes = [];
let restarts = 0;
let stopping = false;
/** @type {import('node:child_process').ChildProcess | undefined} */
let child;
/** @type {NodeJS.Timeout | undefined} */
let pending;

const say = (text) =>
  process.stderr.write(`${new Date().toISOString()} restflow supervisor (pid ${process.pid}): ${text}\n`);

/** Atomic, like the pid file: `restflow status` never reads half a record. */
function record(state, extra = {}) {
  const body = {
    pid: process.pid,
    started_at: startedAt,
    state,
    restarts,
    crashes: crashes.slice(-10),
    updated_at: Date.now(),
    ...extra,
  };
  const temp = `${stateFile}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temp, `${JSON.stringify(body)}\n`, { mode: 0o600 });
    fs.renameSync(temp, stateFile);
  } catch (error) {
    say(`could not write ${stateFile}: ${/** @type {Error} */ (error).message}`);
  }
}

/**
 * A restarted daemon listens where the crashed one did: open console tabs (their per-port cookie) reconnect to
 * the same address, even when the first start asked for any free port.
 */
function listenerEnv() {
  if (process.env.RESTFLOW_HTTP === 'off') return {};
  try {
    const info = JSON.parse(fs.readFileSync(httpInfoFile, 'utf8'));
    if (typeof info.host !== 'string' || !Number.isInteger(info.port)) return {};
    return { RESTFLOW_HTTP_HOST: info.host, RESTFLOW_HTTP_PORT: String(info.port) };
  } catch {
    return {};
  }
}

function startDaemon(env) {
  child = spawn(process.execPath, [entry, ...process.argv.slice(2)], {
    stdio: 'inherit',
    cwd: dataDir,
    env: { ...process.env, ...env, RESTFLOW_RUN_MODE: 'supervised', RESTFLOW_SUPERVISED_ENTRY: undefined },
    windowsHide: true,
  });
  child.once('error', (error) => say(`could not start the daemon: ${error.message}`));
  child.once('exit', onExit);
}

function onExit(code, signal) {
  child = undefined;
  if (stopping) process.exit(code ?? 0);
  if (code === 0 || code === EXIT_ALREADY_RUNNING) process.exit(code);
  const now = Date.now();
  crashes.push({ at: now, code, signal });
  const recent = crashes.filter((c) => now - c.at <= CRASH_WINDOW_MS).length;
  const how = signal ? `signal ${signal}` : `code ${code}`;
  if (code === EXIT_CANNOT_START) {
    const reason = `the daemon cannot start, and restarting it would not help: see ${path.join(dataDir, 'logs', 'daemon.out')}`;
    say(reason);
    record('gave_up', { reason, gave_up_at: now, last_exit: { code, signal } });
    process.exit(EXIT_GAVE_UP);
  }
  if (recent > MAX_RESTARTS_IN_WINDOW) {
    const reason =
      `the daemon crashed ${recent} times within ${CRASH_WINDOW_MS / 1000} s (last: ${how}); ` +
      `not restarting it — see ${path.join(dataDir, 'logs', 'daemon.out')} and logs/daemon.log`;
    say(reason);
    record('gave_up', { reason, gave_up_at: now, last_exit: { code, signal } });
    process.exit(EXIT_GAVE_UP);
  }
  const delay = backoffMs(recent);
  say(`the daemon exited with ${how}; restarting it in ${delay} ms`);
  restarts += 1;
  record('restarting', { last_exit: { code, signal } });
  const env = listenerEnv();
  pending = setTimeout(() => {
    pending = undefined;
    startDaemon(env);
  }, delay);
}

for (const name of /** @type {const} */ (['SIGTERM', 'SIGINT', 'SIGHUP'])) {
  process.on(name, () => {
    stopping = true;
    if (pending) {
      clearTimeout(pending);
      process.exit(0);
    }
    // The daemon stops gracefully; a second signal makes it exit at once, as on a terminal.
    if (child) child.kill(name);
    else process.exit(0);
  });
}

startDaemon({});
