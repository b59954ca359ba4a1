'use client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createTRPCClient, TRPCClientError } from '@trpc/client';
import { createContext, type ReactNode, useContext, useState, useSyncExternalStore } from 'react';
import { type ConnectionStatus, ConnectionTracker } from '../lib/connection';
import { type AppRouter, type ConsoleClient, TRPCProvider } from '../lib/trpc';
import type { ConsoleTransport } from '../transport';
import { LiveChanges } from './live-changes';

interface ConsoleState {
  queryClient: QueryClient;
  client: ConsoleClient;
  tracker: ConnectionTracker;
}

/** A call the server rejected (NOT_FOUND, BAD_REQUEST, …) fails the same way again: do not retry it. */
function retryable(failureCount: number, error: unknown): boolean {
  if (error instanceof TRPCClientError && error.data?.code) return false;
  return failureCount < 2;
}

function createConsoleState(transport: ConsoleTransport): ConsoleState {
  const queryClient = new QueryClient({
    defaultOptions: {
      // Fresh on every mount: a page shows what changed elsewhere (CLI, scripts) when it is opened.
      queries: { staleTime: 0, retry: retryable },
      mutations: { retry: false },
    },
  });
  const tracker = new ConnectionTracker({
    probe: () => transport.probe(),
    // Subscriptions resume by themselves (tracked ids); queries may have missed changes while away.
    onReconnected: () => void queryClient.invalidateQueries(),
  });
  // During `next build` (prerendering) there is no daemon, and Next polyfills WebSocket on Node < 22: a socket
  // created here would keep retrying and hold the build open. The prerendered HTML needs no data.
  const links =
    typeof window === 'undefined' ? [] : transport.links({ onOpen: tracker.handleOpen, onClose: tracker.handleClose });
  const client = createTRPCClient<AppRouter>({ links });
  return { queryClient, client, tracker };
}

// One connection per page for its whole life (React may mount the provider twice in development).
let browserState: ConsoleState | undefined;
function consoleState(transport: ConsoleTransport): ConsoleState {
  if (typeof window === 'undefined') return createConsoleState(transport);
  browserState ??= createConsoleState(transport);
  return browserState;
}

const TrackerContext = createContext<ConnectionTracker | null>(null);

/** The console's data layer: query cache, the tRPC client over the host's transport, live changes. */
export function Providers({ transport, children }: { transport: ConsoleTransport; children: ReactNode }) {
  const [state] = useState(() => consoleState(transport));
  return (
    <QueryClientProvider client={state.queryClient}>
      <TRPCProvider trpcClient={state.client} queryClient={state.queryClient}>
        <LiveChanges />
        <TrackerContext.Provider value={state.tracker}>{children}</TrackerContext.Provider>
      </TRPCProvider>
    </QueryClientProvider>
  );
}

export function useConnectionStatus(): ConnectionStatus {
  const tracker = useContext(TrackerContext);
  return useSyncExternalStore(
    tracker?.subscribe ?? noopSubscribe,
    () => tracker?.current ?? 'connecting',
    () => 'connecting',
  );
}

const noopSubscribe = () => () => {};
