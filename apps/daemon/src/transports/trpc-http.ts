// The one router over plain HTTP at `/trpc/<procedure>` (tRPC's node HTTP handler: GET queries, POST mutations,
// batching; subscriptions as Server-Sent Events whose `id:` lines are the procedures' tracked() ids, so a client
// resumes with `Last-Event-ID`). It shares the listener with the console's WebSocket upgrade at `/trpc`; every
// request passes the HTTP API's gate (http-auth.ts) first.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiContext, AppRouter, Caller } from '@restflow/api';
import { getErrorShape, TRPCError, transformTRPCResponse } from '@trpc/server';
import { nodeHTTPRequestHandler } from '@trpc/server/adapters/node-http';
import type { AuthVerdict, HttpAuthenticator } from './http-auth.ts';
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
  const path = url.pathname.slice(TRPC_HTTP_PREFIX.length);
  if (!verdict.ok) return refuse(options.router, res, verdict, path, url.searchParams.get('batch') === '1');
  return nodeHTTPRequestHandler({
    req,
    res,
    router: options.router,
    path,
    maxBodySize: MAX_BODY_BYTES,
    createContext: () => options.createContext(verdict.caller),
    onError: ({ error, path }) => options.onError?.(error, path),
  });
}

/**
 * A refusal in tRPC's own error shape (per procedure of a batch), so tRPC clients get a typed error — with the
 * real HTTP status, before anything is streamed: a subscription's SSE would otherwise start with 200.
 */
function refuse(
  router: AppRouter,
  res: ServerResponse,
  verdict: Extract<AuthVerdict, { ok: false }>,
  path: string,
  batch: boolean,
): void {
  const error = new TRPCError({ code: REFUSAL_CODES[verdict.status], message: verdict.error });
  const config = router._def._config;
  const response = (p: string) =>
    transformTRPCResponse(config, {
      error: getErrorShape({ config, error, type: 'unknown', path: p, input: undefined, ctx: undefined }),
    });
  const body = batch ? path.split(',').map(response) : response(path);
  res.writeHead(verdict.status, {
    ...verdict.headers,
    'content-type': 'application/json',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(JSON.stringify(body));
}

export function mountTrpcHttp(routes: HttpRoutes, options: TrpcHttpOptions): void {
  routes.mount(/^\/trpc\/./, (req, res, url) => handleTrpcHttp(options, req, res, url));
}
