// Main's one connection to the daemon: the CLI's pipe link, shared by the windows' forwarded calls and main's
// own (status, notifications). Main never opens the database: everything goes through the daemon.
import { type AppRouter, PipeConnection, pipeLink } from '@restflow/api/client';
import { createTRPCClient, createTRPCUntypedClient, type TRPCClient, type TRPCUntypedClient } from '@trpc/client';
import type { AnyRouter } from '@trpc/server';

export interface DaemonConnection {
  /** Typed, for main's own calls. */
  client: TRPCClient<AppRouter>;
  /** Untyped, for forwarding the windows' operations by path. */
  forward: TRPCUntypedClient<AnyRouter>;
  close(): void;
}

export function connectToDaemon(
  pipe: string,
  onStateChange?: (state: 'connected' | 'disconnected') => void,
): DaemonConnection {
  // Subscriptions (windows' and main's) keep re-subscribing through a daemon restart, as long as the app runs.
  const connection = new PipeConnection({
    path: pipe,
    retryDelayMs: (n) => Math.min(100 * 2 ** n, 2000),
    reconnectTimeoutMs: Number.POSITIVE_INFINITY,
    ...(onStateChange ? { onStateChange } : {}),
  });
  const link = pipeLink<AppRouter>(connection);
  return {
    client: createTRPCClient<AppRouter>({ links: [link] }),
    forward: createTRPCUntypedClient<AnyRouter>({ links: [link as never] }),
    close: () => connection.close(),
  };
}
