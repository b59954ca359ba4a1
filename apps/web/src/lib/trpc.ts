// The console's one tRPC client: a WebSocket to the daemon that served this page (same host, path /trpc). The
// token cookie set by /auth travels with the upgrade request; the browser adds the Origin the daemon checks.
import type { AppRouter, RouterInputs, RouterOutputs } from '@restflow/api';
import { createTRPCClient, createWSClient, type TRPCClient, wsLink } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import superjson from 'superjson';

export type { RouterInputs, RouterOutputs };
export type ConsoleClient = TRPCClient<AppRouter>;
export type WsClient = ReturnType<typeof createWSClient>;

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/** ws://host/trpc on http pages, wss:// behind https (a reverse proxy). */
export function consoleSocketUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/trpc`;
}

/** Backoff for reconnects: 200 ms doubling up to 5 s, so a restarted daemon is picked up quickly. */
export const reconnectDelayMs = (attempt: number): number => Math.min(200 * 2 ** attempt, 5000);

export interface SocketCallbacks {
  onOpen(): void;
  onClose(): void;
}

export function createConsoleClient(callbacks: SocketCallbacks): { client: ConsoleClient; socket: WsClient | null } {
  // During `next build` (prerendering) there is no daemon, and Next polyfills WebSocket on Node < 22: a socket
  // created here would keep retrying and hold the build open. The prerendered HTML needs no data.
  if (typeof window === 'undefined') return { client: createTRPCClient<AppRouter>({ links: [] }), socket: null };
  const socket = createWSClient({
    url: consoleSocketUrl(window.location),
    retryDelayMs: reconnectDelayMs,
    keepAlive: { enabled: true, intervalMs: 10_000, pongTimeoutMs: 5_000 },
    onOpen: callbacks.onOpen,
    onClose: callbacks.onClose,
  });
  const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: socket, transformer: superjson })] });
  return { client, socket };
}
