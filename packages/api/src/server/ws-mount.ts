// The browser mount: the one router over WebSocket at `/trpc` on the daemon's HTTP listener, for the web console.
// tRPC's own ws adapter does the protocol; this module only decides which upgrades are let through
// (console-auth.ts) and closes clients so they reconnect when the daemon stops.
import { type Server as HttpServer, type IncomingMessage, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { TRPCError } from '@trpc/server';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import { type WebSocket, WebSocketServer } from 'ws';
import type { ApiContext } from '../context.ts';
import type { AppRouter } from '../root.ts';
import { BufferBudget, MAX_OUTBOUND_BUFFERED_BYTES } from './buffer-budget.ts';
import { checkUpgrade, hasConsoleCookie, tokensEqual } from './console-auth.ts';
import { WS_PATH } from './console-edge.ts';
import { MAX_FRAME_BYTES } from './pipe-server.ts';

export { WS_PATH };

export interface WsRefusal {
  status: number;
  reason: string;
  origin: string | undefined;
  host: string | undefined;
}

export interface WsMountOptions {
  /** The listening HTTP server whose `upgrade` requests this mount takes over. */
  server: HttpServer;
  router: AppRouter;
  /** The console token: from the cookie, or from `connectionParams.token` for non-browser clients. */
  token: string;
  createContext: () => ApiContext;
  /** Pings detect half-open browser connections (a laptop that slept); tests shorten them. */
  keepAlive?: { pingMs: number; pongWaitMs: number };
  onError?: (error: unknown, path: string | undefined) => void;
  onRefused?: (refusal: WsRefusal) => void;
  /** Shared with the pipe so both count against one total (buffer-budget.ts). */
  budget?: BufferBudget;
}

/** WebSocket close code 1013, "try again later": the daemon's total of partly received messages is full. */
export const WS_CLOSE_OVER_BUDGET = 1013;

export interface WsMount {
  path: string;
  clients(): number;
  /** Asks clients to reconnect, drops them and stops taking upgrades. */
  close(): Promise<void>;
}

function refuse(socket: Duplex, status: number, reason: string): void {
  const body = `${reason}\n`;
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n` +
      `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

export function mountWebSocket(options: WsMountOptions): WsMount {
  const { server, token } = options;
  const portOf = () => (server.address() as AddressInfo).port;
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const budget = options.budget ?? new BufferBudget();
  const handler = applyWSSHandler<AppRouter>({
    wss,
    router: options.router,
    keepAlive: { enabled: true, pingMs: 30_000, pongWaitMs: 5_000, ...options.keepAlive },
    // Upgrades without a valid cookie got this far only by announcing connectionParams: the token decides here.
    createContext: ({ req, info }) => {
      const byCookie = hasConsoleCookie(req.headers, portOf(), token);
      if (!byCookie && !tokensEqual(info.connectionParams?.token, token)) {
        throw new TRPCError({ code: 'UNAUTHORIZED', message: 'missing or invalid console token' });
      }
      return options.createContext();
    },
    onError: ({ error, path }) => options.onError?.(error, path),
  });

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A peer that resets mid-handshake must not become an uncaught 'error'.
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== WS_PATH) return refuse(socket, 404, 'not found');
    const verdict = checkUpgrade(req.headers, portOf(), token, url.searchParams.get('connectionParams') === '1');
    if (!verdict.ok) {
      options.onRefused?.({
        status: verdict.status,
        reason: verdict.reason,
        origin: req.headers.origin,
        host: req.headers.host,
      });
      return refuse(socket, verdict.status, verdict.reason);
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      watchBuffers(ws, socket, budget);
      wss.emit('connection', ws, req);
    });
  };
  server.on('upgrade', onUpgrade);

  return {
    path: WS_PATH,
    clients: () => wss.clients.size,
    close: async () => {
      server.off('upgrade', onUpgrade);
      handler.broadcastReconnectNotification();
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/**
 * `ws` holds a message's fragments until it is complete (up to `maxPayload` each): the bytes received since the
 * last complete message count against the shared total, and a client that stops reading its replies is dropped.
 */
function watchBuffers(ws: WebSocket, socket: Duplex, budget: BufferBudget): void {
  let pending = 0;
  let drop: NodeJS.Timeout | undefined;
  socket.on('data', (chunk: Buffer) => {
    if (drop) {
      // `ws` resumes the socket on its own; more input after the close frame is not read into memory.
      ws.terminate();
      return;
    }
    pending += chunk.length;
    if (budget.hold(ws, pending)) return;
    socket.pause();
    ws.close(WS_CLOSE_OVER_BUDGET, 'too many partly received messages in the daemon (docs/limits.md)');
    // The close frame is written at once; the partial message `ws` holds is let go without waiting for the
    // peer's side of the handshake.
    drop = setTimeout(() => ws.terminate(), 200);
  });
  ws.on('message', () => {
    pending = 0;
    budget.hold(ws, 0);
  });
  ws.on('close', () => {
    clearTimeout(drop);
    // Closed for the limit: what it held stays counted until collected (buffer-budget.ts).
    if (drop) budget.overflowed(ws);
    else budget.release(ws);
  });
  const send = ws.send.bind(ws) as (...args: unknown[]) => void;
  ws.send = ((...args: unknown[]) => {
    if (ws.bufferedAmount > MAX_OUTBOUND_BUFFERED_BYTES) return ws.terminate();
    send(...args);
  }) as typeof ws.send;
}
