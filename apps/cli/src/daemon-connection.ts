// Every data command reaches the daemon through here. There is no direct-database fallback: the daemon is the
// single writer, so the CLI starts it when it is not running (set RESTFLOW_NO_AUTOSTART=1 to refuse instead).
import {
  compareProtocol,
  createRestflowClient,
  type DaemonIdentity,
  isDaemonUnavailable,
  type ProtocolCheck,
  protocolMismatchMessage,
  type RestflowClient,
} from '@restflow/api/client';
import { PROTOCOL_VERSION, type RestflowPaths, resolveDataDir, resolvePaths } from '@restflow/paths';
import type { Output } from './output.ts';

/**
 * Starting, stopping and finding a daemon's process (and node:child_process with it) are loaded only when no daemon
 * answers or one must be restarted: a command whose daemon is up never needs them.
 */
const launcher = () => import('@restflow/launcher');

export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
    /** The error's code in `--format json` (default USAGE for exit code 2, else ERROR). */
    readonly code?: string,
  ) {
    super(message);
  }
}

export function cliPaths(): RestflowPaths {
  return resolvePaths(resolveDataDir());
}

/** Started now, or found running (then it may be an older daemon than this CLI). */
export type DaemonReadiness = 'running' | 'started';

export async function ensureDaemon(paths: RestflowPaths, out: Output): Promise<DaemonReadiness> {
  const { getDaemonState, startDaemonInBackground } = await launcher();
  const state = await getDaemonState(paths);
  if (state.state === 'running') return 'running';
  if (state.state === 'unresponsive') {
    throw new CliError(
      `the RestFlow daemon (pid ${state.pid}) is not answering on ${paths.pipe}; try 'restflow daemon restart'`,
    );
  }
  if (state.supervisor !== undefined) throw restartingError(paths, state.supervisor);
  if (process.env.RESTFLOW_NO_AUTOSTART === '1') {
    throw new CliError("the RestFlow daemon is not running; start it with 'restflow daemon start'");
  }
  out.notice('Starting the RestFlow daemon…');
  await startDaemonInBackground(paths);
  return 'started';
}

/** The daemon crashed and did not come back in time, but its supervisor is still at it: starting another would race it. */
export function restartingError(paths: RestflowPaths, supervisor: number): CliError {
  return new CliError(
    `the RestFlow daemon crashed and its supervisor (pid ${supervisor}) has not brought it back yet; ` +
      `see 'restflow status' and ${paths.daemonOutput}, or stop it with 'restflow daemon stop'`,
  );
}

/**
 * A daemon left running across an upgrade may speak another protocol than this CLI. Says so plainly instead of
 * failing later on a shape mismatch (the message names the fix).
 */
export function protocolMismatch(status: DaemonIdentity): string | undefined {
  const check = compareProtocol(status);
  return check.kind === 'same' ? undefined : protocolMismatchMessage(check, 'this CLI');
}

export interface ConnectOptions {
  /** Restart an older daemon at once, without waiting for its runs to finish. */
  force?: boolean;
}

/**
 * Ensures a daemon serves the data dir and makes the protocol handshake. A daemon of an older protocol (left
 * running across an upgrade of this install) is restarted once — after its runs finish, or at once with `force` —
 * so the new code serves; a newer daemon is refused with what to do.
 */
export async function connectDaemon(
  paths: RestflowPaths,
  out: Output,
  options: ConnectOptions = {},
): Promise<RestflowClient> {
  // The common case first: a daemon answers at once, and its status is the handshake. The pid file, the liveness
  // ping and the autostart (ensureDaemon) are only for when nothing answers: one connection instead of two.
  let client = createRestflowClient({ pipePath: paths.pipe });
  let status = await statusIfAnswering(client);
  if (status === undefined) {
    client.close();
    const readiness = await ensureDaemon(paths, out);
    client = createRestflowClient({ pipePath: paths.pipe });
    if (readiness === 'started') return client;
  }
  try {
    status ??= await client.system.status.query();
    const check = compareProtocol(status);
    if (check.kind === 'same') return client;
    if (check.kind === 'newer') throw new CliError(protocolMismatchMessage(check, 'this CLI'), 1, 'PROTOCOL_MISMATCH');
    await waitForRuns(client, out, check, options.force === true);
    client.close();
    out.notice(
      `Restarting the RestFlow daemon: it speaks protocol ${check.daemon ?? 'older than 2'}, this CLI ${PROTOCOL_VERSION}…`,
    );
    const { daemonEntry, listenerEnvOf, startDaemonInBackground, stopDaemon } = await launcher();
    const listener = listenerEnvOf(paths);
    await stopDaemon(paths);
    await startDaemonInBackground(paths, { env: listener });
    client = createRestflowClient({ pipePath: paths.pipe });
    const after = compareProtocol(await client.system.status.query());
    // Once only: a daemon entry that is itself older would otherwise be restarted on every command.
    if (after.kind !== 'same') {
      throw new CliError(
        `restarted the daemon, but it still speaks protocol ${after.daemon ?? 'older'} (this CLI ${PROTOCOL_VERSION}): ` +
          `its program (${daemonEntry()}) belongs to another install; reinstall RestFlow or set RESTFLOW_DAEMON_ENTRY`,
        1,
        'PROTOCOL_MISMATCH',
      );
    }
    return client;
  } catch (error) {
    client.close();
    throw error;
  }
}

/** How long a daemon may take to answer before ensureDaemon decides whether it is starting, busy or wedged. */
const FIRST_ANSWER_MS = 1000;

/** The daemon's status, or undefined when nothing answers on the pipe in time (other errors are thrown). */
async function statusIfAnswering(client: RestflowClient): Promise<DaemonIdentity | undefined> {
  const signal = AbortSignal.timeout(FIRST_ANSWER_MS);
  try {
    return await client.system.status.query(undefined, { signal });
  } catch (error) {
    if (isDaemonUnavailable(error) || signal.aborted) return undefined;
    throw error;
  }
}

/** Agent runs the older daemon is still running (none when it cannot tell). */
async function runningRuns(client: RestflowClient): Promise<number> {
  try {
    const runs = await client.runs.list.query({ limit: 500 });
    return runs.filter((run) => run.status === 'running').length;
  } catch {
    return 0;
  }
}

async function waitForRuns(
  client: RestflowClient,
  out: Output,
  check: Exclude<ProtocolCheck, { kind: 'same' }>,
  force: boolean,
): Promise<void> {
  if (force) return;
  let running = await runningRuns(client);
  if (running === 0) return;
  out.notice(
    `The daemon (pid ${check.pid}) speaks an older protocol (${check.daemon ?? '?'}, this CLI ${PROTOCOL_VERSION}) ` +
      `and has ${running} run(s) in progress: restarting it once they finish (Ctrl-C to stop waiting; ` +
      `'restflow start --force' restarts it now, saving them as interrupted)…`,
  );
  while (running > 0) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    running = await runningRuns(client);
  }
}

/** Runs `fn` with a connected client, starting the daemon first if needed; always closes the client. */
export async function withClient<T>(out: Output, fn: (client: RestflowClient) => Promise<T>): Promise<T> {
  const client = await connectDaemon(cliPaths(), out);
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}
