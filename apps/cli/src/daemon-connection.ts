// Every data command reaches the daemon through here. There is no direct-database fallback: the daemon is the
// single writer, so the CLI starts it when it is not running (set RESTFLOW_NO_AUTOSTART=1 to refuse instead).
import { createRestflowClient, type RestflowClient } from '@restflow/api/client';
import { getDaemonState, startDaemonInBackground } from '@restflow/launcher';
import { PROTOCOL_VERSION, type RestflowPaths, resolveDataDir, resolvePaths } from '@restflow/paths';
import type { Output } from './output.ts';

export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
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
  const state = await getDaemonState(paths);
  if (state.state === 'running') return 'running';
  if (state.state === 'unresponsive') {
    throw new CliError(
      `the RestFlow daemon (pid ${state.pid}) is not answering on ${paths.pipe}; try 'restflow daemon restart'`,
    );
  }
  if (process.env.RESTFLOW_NO_AUTOSTART === '1') {
    throw new CliError("the RestFlow daemon is not running; start it with 'restflow daemon start'");
  }
  out.notice('Starting the RestFlow daemon…');
  await startDaemonInBackground(paths);
  return 'started';
}

/**
 * A daemon left running across an upgrade may speak another protocol than this CLI. Say so plainly instead of
 * failing later on a shape mismatch; restarting is the user's call, since it interrupts running tasks.
 */
export function protocolMismatch(status: {
  /** Absent from daemons of protocol 1, which named it `protocolVersion`. */
  protocol_version?: number;
  version: string;
  pid: number;
}): string | undefined {
  if (status.protocol_version === PROTOCOL_VERSION) return undefined;
  const theirs = status.protocol_version === undefined ? 'an older protocol' : `protocol ${status.protocol_version}`;
  return (
    `the running daemon (pid ${status.pid}, version ${status.version}) speaks ${theirs}, ` +
    `this CLI speaks ${PROTOCOL_VERSION}; restart it with 'restflow daemon restart'`
  );
}

/** Runs `fn` with a connected client, starting the daemon first if needed; always closes the client. */
export async function withClient<T>(out: Output, fn: (client: RestflowClient) => Promise<T>): Promise<T> {
  const paths = cliPaths();
  const readiness = await ensureDaemon(paths, out);
  const client = createRestflowClient({ pipePath: paths.pipe });
  try {
    if (readiness === 'running') {
      const mismatch = protocolMismatch(await client.system.status.query());
      if (mismatch) throw new CliError(mismatch);
    }
    return await fn(client);
  } finally {
    client.close();
  }
}
