// Server+daemon mode: the web console served by its own Node process (`restflow web serve`), for people who host
// it apart from the daemon. It serves the static export and the console's sign-in like the daemon's listener does
// (console-routes.ts), relays the router over plain HTTP at `/trpc/*` (http-relay.ts) and the console's WebSocket
// at `/trpc` to the daemon over the named pipe. The pipe speaks tRPC's own WebSocket messages as NDJSON
// (@restflow/api/server pipe-server.ts), so each WebSocket message is one pipe line and back: subscriptions,
// tracked() ids and resume behave exactly as against the daemon, and this process never loads core or opens the
// database.
import { randomBytes } from 'node:crypto';
import { type IncomingMessage, STATUS_CODES } from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { checkUpgrade, MAX_FRAME_BYTES, tokensEqual, WS_PATH } from '@restflow/api/console-edge';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { registerConsoleRoutes } from '../transports/console-routes.ts';
import { HttpRoutes, type RunningHttpServer, serveHttp } from '../transports/http-server.ts';
import { createHttpRelay } from './http-relay.ts';

export interface ConsoleServerOptions {
  /** The daemon's pipe (socket path or Windows pipe name). */
  pipePath: string;
  /** The console's static export; undefined → the "not built" page. */
  webDir: string | undefined;
  host?: string;
  port: number;
  /** The sign-in token; default: a new random one (a restart signs browsers out). */
  token?: string;
  onError?: (error: unknown) => void;
}

export interface RunningConsoleServer {
  url: string;
  port: number;
  /** The sign-in link: sets the cookie and opens the console. */
  signInUrl: string;
  /** Open relays (one pipe connection each). */
  relays(): number;
  close(): Promise<void>;
}

/** WebSocket close code for "the daemon went away": the console's client reconnects, as on a daemon restart. */
const CLOSE_SERVICE_RESTART = 1012;

function refuse(socket: Duplex, status: number, reason: string): void {
  const body = `${reason}\n`;
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n` +
      `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** Joins one browser WebSocket to one new pipe connection, message for line, until either side closes. */
function relay(ws: WebSocket, pipePath: string, expectsConnectionParams: boolean, token: string): void {
  const pipe = net.connect(pipePath);
  pipe.setNoDelay?.(true);
  let awaitingParams = expectsConnectionParams;
  let rest = '';
  const queued: string[] = [];
  let connected = false;
  pipe.setEncoding('utf8');
  pipe.on('connect', () => {
    connected = true;
    for (const line of queued.splice(0)) pipe.write(line);
  });
  pipe.on('data', (chunk: string) => {
    const text = rest + chunk;
    let start = 0;
    let newline = text.indexOf('\n');
    while (newline !== -1) {
      if (newline > start && ws.readyState === ws.OPEN) ws.send(text.slice(start, newline));
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    rest = text.slice(start);
    if (rest.length > MAX_FRAME_BYTES) pipe.destroy();
  });
  const closeWs = () => {
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING)
      ws.close(CLOSE_SERVICE_RESTART, 'daemon unavailable');
  };
  pipe.on('error', closeWs);
  pipe.on('close', closeWs);
  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (isBinary) return ws.close(1003, 'text frames only');
    const text = data.toString();
    // A script's token comes as its first message; the daemon's pipe needs no credential, so it stops here.
    if (awaitingParams) {
      awaitingParams = false;
      let params: { method?: string; data?: { token?: unknown } } | undefined;
      try {
        params = JSON.parse(text) as typeof params;
      } catch {
        params = undefined;
      }
      if (params?.method !== 'connectionParams' || !tokensEqual(params.data?.token, token)) {
        ws.close(1008, 'missing or invalid console token');
      }
      return;
    }
    // JSON.stringify never leaves a raw newline in a document: one message is always one line.
    const line = `${text.replace(/\n/g, ' ')}\n`;
    if (connected) pipe.write(line);
    else queued.push(line);
  });
  ws.on('close', () => pipe.destroy());
  ws.on('error', () => pipe.destroy());
}

export async function serveConsoleServer(options: ConsoleServerOptions): Promise<RunningConsoleServer> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const routes = new HttpRoutes().add('GET', '/health', () => ({
    status: 200,
    body: { status: 'ok', mode: 'console-server', pipe: options.pipePath },
  }));
  registerConsoleRoutes(routes, { token, webDir: options.webDir });
  // The router over plain HTTP and SSE, as the daemon's listener serves it: relayed over the pipe (http-relay.ts).
  routes.mount(/^\/trpc\/./, createHttpRelay({ pipePath: options.pipePath, consoleToken: token }));
  const server: RunningHttpServer = await serveHttp({
    host: options.host ?? '127.0.0.1',
    port: options.port,
    routes,
    onError: options.onError,
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  server.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== WS_PATH) return refuse(socket, 404, 'not found');
    const expectsParams = url.searchParams.get('connectionParams') === '1';
    const verdict = checkUpgrade(req.headers, server.port, token, expectsParams);
    if (!verdict.ok) return refuse(socket, verdict.status, verdict.reason);
    wss.handleUpgrade(req, socket, head, (ws) =>
      relay(ws, options.pipePath, verdict.by === 'connection-params', token),
    );
  });
  return {
    url: server.url,
    port: server.port,
    signInUrl: `http://127.0.0.1:${server.port}/auth?token=${token}`,
    relays: () => wss.clients.size,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await server.close();
    },
  };
}
export { resolveWebDir } from '../transports/console-static.ts';
