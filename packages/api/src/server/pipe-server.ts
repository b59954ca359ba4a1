// The named-pipe mount: NDJSON frames over a Unix socket (or Windows pipe), handled by tRPC's own WebSocket
// connection handler through a small ws-like shim — so subscriptions, tracked() ids, lastEventId resume and
// errors all come from tRPC itself. Only this module and client/pipe-link.ts know the framing.
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import { getWSConnectionHandler } from '@trpc/server/adapters/ws';
import type { ApiContext } from '../context.ts';
import { NdjsonSplitter } from '../ndjson.ts';
import type { AppRouter } from '../root.ts';

const OPEN = 1;
const CLOSED = 3;
/** A single frame above this is a protocol violation: the connection is closed rather than left desynced. */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;

/** The subset of a `ws` WebSocket that tRPC's connection handler uses. */
class NdjsonConnection extends EventEmitter {
  readyState = OPEN;
  private readonly frames = new NdjsonSplitter();

  constructor(private readonly socket: net.Socket) {
    super();
    socket.setEncoding('utf8');
    socket.setNoDelay(true);
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', (error) => this.emit('error', error));
    socket.on('close', () => {
      this.readyState = CLOSED;
      this.emit('close');
    });
  }

  private onData(chunk: string): void {
    // tRPC's handler accepts only Buffers (a string is rejected as UNPROCESSABLE_CONTENT).
    for (const line of this.frames.push(chunk)) this.emit('message', Buffer.from(line, 'utf8'), false);
    if (this.frames.pending > MAX_FRAME_BYTES) this.terminate();
  }

  send(data: string | Uint8Array): void {
    if (this.readyState !== OPEN) return;
    // JSON.stringify escapes newlines, so one JSON document is always exactly one line.
    this.socket.write(typeof data === 'string' ? `${data}\n` : `${Buffer.from(data).toString('utf8')}\n`);
  }

  close(): void {
    this.readyState = CLOSED;
    this.socket.end();
  }

  terminate(): void {
    this.readyState = CLOSED;
    this.socket.destroy();
  }
}

export interface PipeServerOptions {
  router: AppRouter;
  path: string;
  createContext: () => ApiContext;
  onError?: (error: unknown, path: string | undefined) => void;
}

export interface PipeServer {
  path: string;
  connections(): number;
  close(): Promise<void>;
}

/**
 * Listens on `path`. The caller must own the daemon lock: any existing socket file is a leftover and is removed.
 */
export async function servePipe(options: PipeServerOptions): Promise<PipeServer> {
  const handler = getWSConnectionHandler<AppRouter>({
    // Typed as required but unused by the per-connection handler: there is no WebSocketServer here.
    wss: undefined as never,
    router: options.router,
    createContext: () => options.createContext(),
    onError: ({ error, path }) => options.onError?.(error, path),
  });
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const fakeRequest = { url: '/', headers: { host: 'localhost' }, socket } as unknown as IncomingMessage;
    handler(new NdjsonConnection(socket) as never, fakeRequest);
  });
  const isWindowsPipe = options.path.startsWith('\\\\');
  if (!isWindowsPipe) fs.rmSync(options.path, { force: true });
  // Create the socket as 0600 from the first instant instead of chmod-ing a world-connectable file afterwards.
  const previousUmask = isWindowsPipe ? undefined : process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.path, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } finally {
    if (previousUmask !== undefined) process.umask(previousUmask);
  }
  if (!isWindowsPipe) fs.chmodSync(options.path, 0o600);
  return {
    path: options.path,
    connections: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
