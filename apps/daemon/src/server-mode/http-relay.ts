// Server+daemon mode's relay of the router over plain HTTP (`/trpc/<procedure>`, SSE subscriptions included) to
// the daemon's HTTP-on-the-pipe (transports/pipe-http.ts). The browser's console cookie is checked here, with the
// daemon listener's own rules (http-auth.ts: loopback Host, same Origin, the cookie), and never forwarded: the
// pipe treats a request without credentials as the local user's. A bearer token is forwarded for the daemon to
// judge (read-only tokens stay read-only), with the client's address for its failed-attempt limit.
import http, { type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { createHttpAuthenticator } from '../transports/http-auth.ts';
import type { RawHttpHandler } from '../transports/http-server.ts';

/** Hop-by-hop headers (RFC 9110 §7.6.1) and the credentials the relay settles itself. */
const NOT_FORWARDED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'cookie',
  'x-forwarded-for',
]);

function forwardedHeaders(req: IncomingMessage): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !NOT_FORWARDED.has(name)) headers[name] = value;
  }
  headers['x-forwarded-for'] = req.socket.remoteAddress ?? 'unknown';
  return headers;
}

function refuse(res: ServerResponse, status: number, error: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify({ error }));
}

export function createHttpRelay(options: { pipePath: string; consoleToken: string }): RawHttpHandler {
  // Bearer tokens are the daemon's to judge: here only the console's cookie rules apply.
  const cookies = createHttpAuthenticator({ tokens: { verify: () => undefined }, consoleToken: options.consoleToken });
  return (req, res) => {
    if (req.headers.authorization === undefined) {
      const verdict = cookies.authenticate({
        method: (req.method ?? 'GET').toUpperCase(),
        headers: req.headers,
        remoteAddress: req.socket.remoteAddress,
        port: req.socket.localPort ?? 0,
      });
      if (!verdict.ok) return refuse(res, verdict.status, verdict.error, verdict.headers);
    }
    const upstream = http.request({
      socketPath: options.pipePath,
      method: req.method,
      path: req.url,
      headers: forwardedHeaders(req),
    });
    upstream.on('response', (answer) => {
      const headers = { ...answer.headers };
      delete headers.connection;
      delete headers['keep-alive'];
      delete headers['transfer-encoding'];
      res.writeHead(answer.statusCode ?? 502, headers);
      answer.pipe(res);
      // Flushed as it comes: a subscription's events must not wait for a buffer to fill.
      answer.on('data', () => (res as ServerResponse & { flush?: () => void }).flush?.());
    });
    upstream.on('error', () => {
      if (!res.headersSent) refuse(res, 502, 'the daemon is not reachable over its pipe; is it running?');
      else res.destroy();
    });
    // A client gone mid-stream (an SSE reader that disconnects) ends the daemon's side too.
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  };
}
