// The one router over plain HTTP at `/trpc/<procedure>` (tRPC's node HTTP handler: GET queries, POST mutations,
// batching; subscriptions as Server-Sent Events whose `id:` lines are the procedures' tracked() ids, so a client
// resumes with `Last-Event-ID`). It shares the listener with the console's WebSocket upgrade at `/trpc`; every
// request passes the HTTP API's gate (http-auth.ts) first.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiContext, AppRouter, Caller } from '@restflow/api';
import { TRPCError } from '@trpc/server';
import { nodeHTTPRequestHandler } from '@trpc/server/adapters/node-http';
import type { HttpAuthenticator } from './http-auth.ts';
import { type HttpRoutes, MAX_BODY_BYTES } from './http-server.ts';

export const TRPC_HTTP_PREFIX = '/trpc/';

export interface TrpcHttpOptions {
  router: AppRouter;
  auth: HttpAuthenticator;
  createContext: (caller: Caller) => ApiContext;
  onError?: (error: unknown, path: string | undefined) => void;
}

const REFUSAL_CODES = { 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 429: 'TOO_MANY_REQUESTS' } as const;

export function handleTrpcHttp(options: TrpcHttpOptions, req: IncomingMessage, res: ServerResponse, url: URL) {
  const verdict = options.auth.authenticate({
    method: (req.method ?? 'GET').toUpperCase(),
    headers: req.headers,
    remoteAddress: req.socket.remoteAddress,
    port: req.socket.localPort ?? 0,
  });
  // A refusal still answers in tRPC's error shape (clients get a typed error); its headers go on first.
  if (!verdict.ok) for (const [name, value] of Object.entries(verdict.headers)) res.setHeader(name, value);
  return nodeHTTPRequestHandler({
    req,
    res,
    router: options.router,
    path: url.pathname.slice(TRPC_HTTP_PREFIX.length),
    maxBodySize: MAX_BODY_BYTES,
    createContext: () => {
      if (!verdict.ok) throw new TRPCError({ code: REFUSAL_CODES[verdict.status], message: verdict.error });
      return options.createContext(verdict.caller);
    },
    onError: ({ error, path }) => options.onError?.(error, path),
  });
}

export function mountTrpcHttp(routes: HttpRoutes, options: TrpcHttpOptions): void {
  routes.mount(/^\/trpc\/./, (req, res, url) => handleTrpcHttp(options, req, res, url));
}
