// The typed SDK over the daemon's HTTP API (docs/remote-access.md) with an API token, for processes on another
// machine: `restflow worker` (docs/workers.md). Queries and mutations only; streams go over the pipe or SSE.
import { createTRPCClient, httpLink } from '@trpc/client';
import superjson from 'superjson';
import type { AppRouter } from '../root.ts';

export interface HttpClientOptions {
  /** The daemon's HTTP base URL (`http://host:8787`); `/trpc` is added. */
  url: string;
  /** An API token (`restflow token create`). */
  token: string;
  /** Per-call time budget (default 30 s). */
  timeoutMs?: number;
}

export type RestflowHttpClient = ReturnType<typeof createTRPCClient<AppRouter>>;

export function createHttpRestflowClient(options: HttpClientOptions): RestflowHttpClient {
  const base = options.url.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 30_000;
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${base}/trpc`,
        transformer: superjson,
        headers: () => ({ authorization: `Bearer ${options.token}` }),
        fetch: (url, init) =>
          fetch(url, { ...(init as RequestInit), signal: init?.signal ?? AbortSignal.timeout(timeoutMs) }),
      }),
    ],
  });
}
