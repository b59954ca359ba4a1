// The web console's transport: a WebSocket to the daemon that served this page (same host, path /trpc). The
// token cookie set by /auth travels with the upgrade request; the browser adds the Origin the daemon checks.
import type { AppRouter, ConsoleTransport } from '@restflow/ui';
import { probeSignIn } from '@restflow/ui';
import { createWSClient, wsLink } from '@trpc/client';
import superjson from 'superjson';

/** ws://host/trpc on http pages, wss:// behind https (a reverse proxy). */
export function consoleSocketUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/trpc`;
}

/** Backoff for reconnects: 200 ms doubling up to 5 s, so a restarted daemon is picked up quickly. */
export const reconnectDelayMs = (attempt: number): number => Math.min(200 * 2 ** attempt, 5000);

export const webSocketTransport: ConsoleTransport = {
  links(callbacks) {
    const socket = createWSClient({
      url: consoleSocketUrl(window.location),
      retryDelayMs: reconnectDelayMs,
      keepAlive: { enabled: true, intervalMs: 10_000, pongTimeoutMs: 5_000 },
      onOpen: callbacks.onOpen,
      onClose: callbacks.onClose,
    });
    return [wsLink<AppRouter>({ client: socket, transformer: superjson })];
  },
  probe: () => probeSignIn(),
};
