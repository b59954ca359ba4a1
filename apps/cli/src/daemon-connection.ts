// Every data command reaches the daemon through here. There is no direct-database fallback: the daemon is the
// single writer, so the CLI starts it when it is not running (set RESTFLOW_NO_AUTOSTART=1 to refuse instead).
import { createRestflowClient, type RestflowClient } from '@restflow/api/client';
import { getDaemonState, startDaemonInBackground } from '@restflow/launcher';
import { type RestflowPaths, resolveDataDir, resolvePaths } from '@restflow/paths';
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

export async function ensureDaemon(paths: RestflowPaths, out: Output): Promise<void> {
  const state = await getDaemonState(paths);
  if (state.state === 'running') return;
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
}

/** Runs `fn` with a connected client, starting the daemon first if needed; always closes the client. */
export async function withClient<T>(out: Output, fn: (client: RestflowClient) => Promise<T>): Promise<T> {
  const paths = cliPaths();
  await ensureDaemon(paths, out);
  const client = createRestflowClient({ pipePath: paths.pipe });
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}
