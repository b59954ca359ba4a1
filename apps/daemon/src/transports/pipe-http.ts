// The router over plain HTTP on the named pipe (`/trpc/<procedure>`, SSE subscriptions included): what a relaying
// process such as `restflow web serve` forwards its HTTP clients' requests to, without the daemon opening a TCP
// port for it. The pipe is the local user's (its socket is 0600), so a request without credentials is the local
// user's, as every pipe client is; a relayed `Authorization: Bearer` is judged like on the listener, read-only
// tokens included, and its failures are counted per the relayed client's address (`x-forwarded-for`).
import http, { type IncomingHttpHeaders } from 'node:http';
import type net from 'node:net';
import { LOCAL_CALLER } from '@restflow/api';
import type { HttpAuthenticator } from './http-auth.ts';
import { bodyRefusal } from './http-limits.ts';
import { MAX_BODY_BYTES } from './http-server.ts';
import { handleTrpcHttp, TRPC_HTTP_PREFIX, type TrpcHttpOptions } from './trpc-http.ts';

/** The relayed client's address: the first of `x-forwarded-for` (a pipe peer is trusted to say it). */
function forwardedFor(headers: IncomingHttpHeaders): string {
  const value = headers['x-forwarded-for'];
  const first = (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim();
  return first ? `relayed:${first}` : 'relayed';
}

/** Only the pipe's own rule and bearer tokens: a relay never forwards the console's cookie. */
function pipeAuthenticator(tokens: HttpAuthenticator): HttpAuthenticator {
  return {
    authenticate(request) {
      if (request.headers.authorization === undefined) return { ok: true, caller: LOCAL_CALLER };
      const { cookie: _dropped, ...headers } = request.headers;
      return tokens.authenticate({ ...request, headers, remoteAddress: forwardedFor(request.headers) });
    },
  };
}

export function createPipeHttp(options: TrpcHttpOptions): (socket: net.Socket) => void {
  const trpc: TrpcHttpOptions = { ...options, auth: pipeAuthenticator(options.auth) };
  const server = http.createServer((req, res) => {
    const reply = (status: number, error: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify({ error }));
    };
    const url = URL.parse(req.url ?? '/', 'http://pipe');
    if (!url?.pathname.startsWith(TRPC_HTTP_PREFIX)) return reply(404, 'not found: the pipe serves /trpc/* over HTTP');
    const refused = bodyRefusal(req, MAX_BODY_BYTES);
    if (refused) return reply(refused.status, refused.body.error, refused.headers);
    void Promise.resolve(handleTrpcHttp(trpc, req, res, url)).catch((error: unknown) => {
      options.onError?.(error, undefined);
      if (!res.headersSent) reply(500, 'internal error');
    });
  });
  return (socket) => server.emit('connection', socket);
}
