// Making sure a daemon serves the data dir before the window opens: the same launcher and single-instance
// rules as the CLI (the daemon's lock decides a start race), a readiness budget, and a protocol check.
import path from 'node:path';
import { compareProtocol, type DaemonIdentity } from '@restflow/api/client';
import { getDaemonState, startDaemonInBackground } from '@restflow/launcher';
import { PROTOCOL_VERSION, type RestflowPaths } from '@restflow/paths';

/**
 * The daemon a packaged app starts: the CommonJS bundle itself (`npm run build -w @restflow/daemon`), run with
 * Electron's binary as Node. Not its bin: the bin compares the bundle with TypeScript sources a package does not ship.
 */
export function packagedDaemonEntry(appPath: string): string {
  return path.join(appPath, 'node_modules', '@restflow', 'daemon', 'dist', 'restflow-daemon.cjs');
}

export class StartupError extends Error {
  override name = 'StartupError';
  constructor(
    readonly reason: 'unavailable' | 'unresponsive' | 'autostart_off' | 'protocol_mismatch',
    message: string,
  ) {
    super(message);
  }
}

export interface EnsureDaemonOptions {
  readyTimeoutMs: number;
  /** RESTFLOW_NO_AUTOSTART=1: refuse to start one, as the CLI does. */
  autoStart: boolean;
  /** Environment for a spawned daemon (under Electron: ELECTRON_RUN_AS_NODE so the binary runs as Node). */
  env?: NodeJS.ProcessEnv;
}

export async function ensureDaemon(
  paths: RestflowPaths,
  options: EnsureDaemonOptions,
): Promise<{ started: boolean; pid: number | undefined }> {
  const state = await getDaemonState(paths);
  if (state.state === 'running') return { started: false, pid: state.pid };
  if (state.state === 'unresponsive') {
    throw new StartupError(
      'unresponsive',
      `The RestFlow daemon (pid ${state.pid}) is not answering on ${paths.pipe}. Run 'restflow daemon restart'.`,
    );
  }
  if (!options.autoStart) {
    throw new StartupError(
      'autostart_off',
      "The RestFlow daemon is not running. Start it with 'restflow daemon start'.",
    );
  }
  try {
    const result = await startDaemonInBackground(paths, { env: options.env, readyTimeoutMs: options.readyTimeoutMs });
    return { started: result.started, pid: result.pid };
  } catch (error) {
    throw new StartupError('unavailable', `The RestFlow daemon could not be started: ${(error as Error).message}`);
  }
}

/** A daemon left running across an upgrade may speak another protocol: say so instead of failing later. */
export function protocolMismatch(status: DaemonIdentity): string | undefined {
  const check = compareProtocol(status);
  if (check.kind === 'same') return undefined;
  const theirs = check.daemon === undefined ? 'an older protocol' : `protocol ${check.daemon}`;
  const daemon = `The running daemon (pid ${check.pid}, version ${check.version}) speaks ${theirs}; this app speaks ${PROTOCOL_VERSION}.`;
  return check.kind === 'older'
    ? `${daemon} Restart it with 'restflow daemon restart' (running tasks are interrupted), then Retry.`
    : `${daemon} The daemon is newer than this app: update RestFlow Desktop to version ${check.version}.`;
}
