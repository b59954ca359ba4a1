// The typed SDK: `import { createRestflowClient } from '@restflow/api/client'`. Imports only types from the
// server side, so scripts and the CLI never load core or the database.
import { resolveDataDir, resolvePaths } from '@restflow/paths';
import { createTRPCClientProxy, type TRPCClient, TRPCClientError } from '@trpc/client';
import type { AppRouter } from '../root.ts';
import { PipeClient } from './pipe-client.ts';
import { DaemonUnavailableError, PipeConnection } from './pipe-link.ts';
import { compareProtocol, ProtocolMismatchError } from './protocol.ts';

/** The run event vocabulary and the one fold of it (what a run shows), for renderers of `runs.onEvents`. */
export * from '@restflow/run-model';
export type { AppRouter, RouterInputs, RouterOutputs } from '../index.ts';
export { createHttpRestflowClient, type HttpClientOptions, type RestflowHttpClient } from './http-client.ts';
/** The pipe link itself, for processes that forward operations (the desktop app's main process). */
export { PipeConnection, type PipeConnectionOptions, pipeLink } from './pipe-link.ts';
export {
  compareProtocol,
  type DaemonIdentity,
  type ProtocolCheck,
  ProtocolMismatchError,
  protocolMismatchMessage,
} from './protocol.ts';
export { DaemonUnavailableError, TRPCClientError };

export interface RestflowClientOptions {
  /** Data directory of the daemon; defaults to `RESTFLOW_DIR` or `~/.restflow`. */
  dataDir?: string;
  /** Explicit socket / pipe path (overrides `dataDir`). */
  pipePath?: string;
  /** How long subscriptions keep trying to reconnect to a restarting daemon. */
  reconnectTimeoutMs?: number;
}

export type RestflowClient = TRPCClient<AppRouter> & {
  /** Closes the connection; in-flight calls fail. Idle clients never keep the process alive anyway. */
  close(): void;
  pipePath: string;
};

export function createRestflowClient(options: RestflowClientOptions = {}): RestflowClient {
  const pipePath = options.pipePath ?? resolvePaths(options.dataDir ?? resolveDataDir()).pipe;
  const connection = new PipeConnection({ path: pipePath, reconnectTimeoutMs: options.reconnectTimeoutMs });
  const client = createTRPCClientProxy<AppRouter>(new PipeClient(connection));
  // The tRPC client is a proxy that turns every property into a procedure path, so extras are layered on top.
  const extras = { close: () => connection.close(), pipePath };
  return new Proxy(client, {
    get: (target, property, receiver) =>
      Object.hasOwn(extras, property)
        ? extras[property as keyof typeof extras]
        : Reflect.get(target, property, receiver),
  }) as RestflowClient;
}

/**
 * A client that has made the protocol handshake: it rejects with a ProtocolMismatchError (which says what to do)
 * when the daemon speaks another protocol than this SDK, instead of failing later on a shape it does not know.
 */
export async function connectRestflow(options: RestflowClientOptions = {}): Promise<RestflowClient> {
  const client = createRestflowClient(options);
  try {
    const check = compareProtocol(await client.system.status.query());
    if (check.kind !== 'same') throw new ProtocolMismatchError(check);
    return client;
  } catch (error) {
    client.close();
    throw error;
  }
}

/** True when something answers `system.ping` on the pipe within `timeoutMs`. */
export async function pingDaemon(pipePath: string, timeoutMs = 1000): Promise<boolean> {
  const client = createRestflowClient({ pipePath, reconnectTimeoutMs: 0 });
  try {
    return (await client.system.ping.query(undefined, { signal: AbortSignal.timeout(timeoutMs) })) === 'pong';
  } catch {
    return false;
  } finally {
    client.close();
  }
}

export function isDaemonUnavailable(error: unknown): boolean {
  return error instanceof TRPCClientError && error.cause instanceof DaemonUnavailableError;
}
