// The one place that knows where RestFlow keeps its files. Daemon, CLI and SDK all resolve paths here so a
// client always looks for the pipe exactly where the daemon put it.
import os from 'node:os';
import path from 'node:path';

export interface RestflowPaths {
  dataDir: string;
  database: string;
  /** Unix domain socket path, or a `\\.\pipe\…` name on Windows. */
  pipe: string;
  pidFile: string;
  lockFile: string;
  logsDir: string;
  daemonLog: string;
  /** A background daemon's stdout/stderr (crash traces, runtime warnings): kept out of the JSON-lines log. */
  daemonOutput: string;
  masterKey: string;
  /** Port and token of the daemon's HTTP/WebSocket listener, for clients that need them. */
  httpInfoFile: string;
  skillsDir: string;
  /** The web console's token (0600); kept across restarts so open consoles stay signed in. */
  consoleToken: string;
  /** The supervisor's record (restarts, crashes, why it gave up), read by `restflow status`. */
  supervisorFile: string;
}

/**
 * The per-user cache (`RESTFLOW_CACHE_DIR`, else the platform's cache dir): facts about this machine that spare a
 * start work, such as a proven tools sandbox. Deleting it is always safe.
 */
export function cacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const fromEnv = env.RESTFLOW_CACHE_DIR?.trim();
  if (fromEnv) return path.resolve(fromEnv);
  if (platform === 'win32')
    return path.join(env.LOCALAPPDATA || path.join(os.homedir(), 'AppData', 'Local'), 'restflow');
  if (platform === 'darwin') return path.join(os.homedir(), 'Library', 'Caches', 'restflow');
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'restflow');
}

/** libuv silently truncates socket paths past ~107 bytes (104 on macOS); stay well below. */
const MAX_SOCKET_PATH = 100;

export function resolveDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.RESTFLOW_DIR?.trim();
  return path.resolve(fromEnv ? fromEnv : path.join(os.homedir(), '.restflow'));
}

/**
 * A short hex name for the data dir. node:crypto is loaded only here, when a pipe path needs it: loading it costs
 * every CLI command ~8 ms, and the usual socket path (inside the data dir) needs no digest.
 */
function digestOf(dataDir: string): string {
  const { createHash } = process.getBuiltinModule('node:crypto');
  return createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
}

export function pipePathFor(dataDir: string, platform: NodeJS.Platform = process.platform): string {
  // Pipe names must not contain ':' (ws-style "<socket>:<path>" parsing splits on it) — a hex digest is safe.
  if (platform === 'win32') return `\\\\.\\pipe\\restflow-${digestOf(dataDir)}`;
  const preferred = path.join(dataDir, 'restflow.sock');
  if (Buffer.byteLength(preferred) <= MAX_SOCKET_PATH) return preferred;
  return path.join(os.tmpdir(), `restflow-${digestOf(dataDir)}.sock`);
}

export function resolvePaths(dataDir: string = resolveDataDir()): RestflowPaths {
  const logsDir = path.join(dataDir, 'logs');
  return {
    dataDir,
    database: path.join(dataDir, 'restflow.db'),
    pipe: pipePathFor(dataDir),
    pidFile: path.join(dataDir, 'daemon.pid'),
    lockFile: path.join(dataDir, 'daemon.lock'),
    logsDir,
    daemonLog: path.join(logsDir, 'daemon.log'),
    daemonOutput: path.join(logsDir, 'daemon.out'),
    masterKey: path.join(dataDir, 'master.key'),
    httpInfoFile: path.join(dataDir, 'daemon.http.json'),
    skillsDir: path.join(dataDir, 'skills'),
    consoleToken: path.join(dataDir, 'console.token'),
    supervisorFile: path.join(dataDir, 'supervisor.json'),
  };
}

/** Version of the wire contract; clients compare it with `system.status.protocol_version`. */
export const PROTOCOL_VERSION = 2;
export const RESTFLOW_VERSION = '0.1.0';
