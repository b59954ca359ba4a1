'use client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';
import { createContext, type ReactNode, useContext, useState, useSyncExternalStore } from 'react';
import { type ConnectionStatus, ConnectionTracker, probeSignIn } from '../lib/connection';
import { type ConsoleClient, createConsoleClient, TRPCProvider } from '../lib/trpc';
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

function createConsoleState(): ConsoleState {
  const queryClient = new QueryClient({
    defaultOptions: {
      // Fresh on every mount: a page shows what changed elsewhere (CLI, scripts) when it is opened.
      queries: { staleTime: 0, retry: retryable },
      mutations: { retry: false },
    },
  });
  const tracker = new ConnectionTracker({
    probe: () => probeSignIn(),
    // Subscriptions resume by themselves (tracked ids); queries may have missed changes while away.
    onReconnected: () => void queryClient.invalidateQueries(),
  });
  const { client } = createConsoleClient({ onOpen: tracker.handleOpen, onClose: tracker.handleClose });
  return { queryClient, client, tracker };
}

// One socket per page for its whole life (React may mount the provider twice in development).
let browserState: ConsoleState | undefined;
function consoleState(): ConsoleState {
  if (typeof window === 'undefined') return createConsoleState();
  browserState ??= createConsoleState();
  return browserState;
}

const TrackerContext = createContext<ConnectionTracker | null>(null);

export function Providers({ children }: { children: ReactNode }) {
  const [state] = useState(consoleState);
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
