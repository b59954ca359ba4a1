// A typed tRPC client over plain HTTP, as an HTTP API user builds one: httpLink for queries and mutations,
// httpSubscriptionLink (EventSource) for subscriptions, with the same headers (a bearer token, a cookie) on both.
import type { AppRouter } from '@restflow/api';
import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { EventSource } from 'eventsource';
import superjson from 'superjson';

export function httpTrpcClient(base: string, headers: Record<string, string>) {
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url: `${base}/trpc`,
          transformer: superjson,
          EventSource,
          eventSourceOptions: () => ({
            fetch: (input: string | URL, init?: RequestInit) =>
              fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...headers } }),
          }),
        }),
        false: httpLink({ url: `${base}/trpc`, transformer: superjson, headers: () => headers }),
      }),
    ],
  });
}
