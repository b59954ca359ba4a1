// The named-pipe mount: NDJSON frames over a Unix socket (or Windows pipe), handled by tRPC's own WebSocket
// connection handler through a small ws-like shim — so subscriptions, tracked() ids, lastEventId resume and
// errors all come from tRPC itself. Only this module and client/pipe-link.ts know the framing.
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import net from 'node:net';
import { TRPCError } from '@trpc/server';
import { getWSConnectionHandler } from '@trpc/server/adapters/ws';
import { getErrorShape, transformTRPCResponse } from '@trpc/server/unstable-core-do-not-import';
import type { ApiContext } from '../context.ts';
import { MAX_FRAME_BYTES, NdjsonSplitter } from '../ndjson.ts';
import type { AppRouter } from '../root.ts';
import { BufferBudget, MAX_OUTBOUND_BUFFERED_BYTES, overBudgetMessage } from './buffer-budget.ts';

const OPEN = 1;
/** How long a connection closed for the total limit stays half-open so its peer can read the error. */
const CLOSE_GRACE_MS = 2_000;
const CLOSED = 3;

/** The frame limit (ws-mount's `maxPayload` uses it too). */
export { MAX_FRAME_BYTES };

/** The request id at the start of a frame (`{"id":12,…`), as the SDK and tRPC clients write it. */
export function frameId(head: string): number | string | null {
  const match = /^\s*\{\s*"id"\s*:\s*(-?\d{1,15}|"(?:[^"\\]|\\.){0,200}")/.exec(head);
  if (!match) return null;
  const id = match[1] as string;
  return id.startsWith('"') ? (JSON.parse(id) as string) : Number(id);
}

/**
 * tRPC's JSON encoder, but taking a frame's bytes too (its default refuses binary frames), so a frame is decoded
 * from the Buffer it was read into, once.
 */
const frameEncoder = {
  encode: (data: unknown) => JSON.stringify(data),
  decode: (data: string | ArrayBuffer | Uint8Array): unknown =>
    JSON.parse(
      typeof data === 'string'
        ? data
        : (Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer)).toString('utf8'),
    ),
};

/** The subset of a `ws` WebSocket that tRPC's connection handler uses. */
class NdjsonConnection extends EventEmitter {
  readyState = OPEN;
  private readonly frames = new NdjsonSplitter();
  /** Set while the rest of an oversized frame is skipped: the id it is answered for once its end arrives. */
  private skipping: { id: number | string | null } | undefined;

  constructor(
    private readonly socket: net.Socket,
    private readonly refuse: (id: number | string, code?: 'SERVICE_UNAVAILABLE', message?: string) => string,
    private readonly budget: BufferBudget,
    /** Told after every frame written (the server's first-answer signal, which fires once). */
    private readonly sent: () => void,
  ) {
    super();
    // Read as Buffers (no setEncoding): a partial frame is held as what was read and decoded once, when complete.
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.emit('error', error));
    socket.on('close', () => {
      this.budget.release(this);
      this.readyState = CLOSED;
      this.emit('close');
    });
  }

  private onData(chunk: Buffer): void {
    if (this.readyState !== OPEN) return;
    let rest = chunk;
    if (this.skipping) {
      const end = rest.indexOf(0x0a);
      if (end === -1) return;
      this.refuseOversized(this.skipping.id);
      this.skipping = undefined;
      rest = rest.subarray(end + 1);
    }
    for (const line of this.frames.push(rest)) {
      if (line.length > MAX_FRAME_BYTES) this.refuseOversized(frameId(line.subarray(0, 256).toString('utf8')));
      // tRPC's handler takes the frame as a Buffer (a string is rejected as UNPROCESSABLE_CONTENT). Marked binary,
      // it is parsed from the bytes once (frameEncoder); as text, the handler would first decode it to a string to
      // compare with PING/PONG and then again to parse it. Only a 4-byte frame can be PING or PONG: those stay text.
      else this.emit('message', line, line.length !== 4);
    }
    if (this.frames.pending > MAX_FRAME_BYTES) {
      // Not buffered without bound, and not the whole connection's fault: that one call fails.
      this.skipping = { id: frameId(this.frames.head(256)) };
      this.frames.reset();
    }
    if (!this.budget.hold(this, this.frames.pending)) this.closeOverBudget();
  }

  /** The total of partial frames over all connections is full: this one, asking for more, is closed. */
  private closeOverBudget(): void {
    const id = frameId(this.frames.head(256));
    this.frames.reset();
    // What it held stays counted until collected (buffer-budget.ts).
    this.budget.overflowed(this);
    if (id !== null) this.send(this.refuse(id, 'SERVICE_UNAVAILABLE', overBudgetMessage(this.budget)));
    this.readyState = CLOSED;
    // Whatever the peer still sends is not read into memory. Destroying at once would discard the reply along
    // with the unread input (a Unix socket resets its peer), so the peer gets a moment to read it first.
    this.socket.pause();
    this.socket.end();
    setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  private refuseOversized(id: number | string | null): void {
    if (id !== null) this.send(this.refuse(id));
  }

  send(data: string | Uint8Array): void {
    if (this.readyState !== OPEN) return;
    if (this.socket.writableLength > MAX_OUTBOUND_BUFFERED_BYTES) {
      // A peer that stops reading (its subscriptions keep producing) must not grow the daemon.
      this.terminate();
      return;
    }
    // JSON.stringify escapes newlines, so one JSON document is always exactly one line.
    this.socket.write(typeof data === 'string' ? `${data}\n` : `${Buffer.from(data).toString('utf8')}\n`);
    this.sent();
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
  /**
   * Takes the connections that speak HTTP instead of NDJSON (their first byte is a method's capital letter; a
   * frame starts with `{`): the router over plain HTTP on the pipe, for a process relaying browsers' and HTTP
   * clients' requests to the daemon without opening a TCP port (`restflow web serve`). A promise says it takes the
   * connection once it resolves (its code loaded on first use): the bytes wait in the paused socket until then.
   */
  http?: (socket: net.Socket) => void | Promise<void>;
  /** Shared with the WebSocket mount so both count against one total (buffer-budget.ts). */
  budget?: BufferBudget;
  /** Called once, when the first frame has been written to a client (the daemon's start waits on it). */
  onFirstAnswer?: () => void;
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
    experimental_encoder: frameEncoder,
    createContext: () => options.createContext(),
    onError: ({ error, path }) => options.onError?.(error, path),
  });
  const config = options.router._def._config;
  /** The error frame for a request over the frame limit, shaped and encoded as tRPC answers any error. */
  const refuse = (id: number | string, code?: 'SERVICE_UNAVAILABLE', message?: string) => {
    const error = new TRPCError({
      code: code ?? 'PAYLOAD_TOO_LARGE',
      message: message ?? `The request is over the pipe's frame limit of ${MAX_FRAME_BYTES} bytes (docs/limits.md)`,
    });
    const shape = getErrorShape({ config, error, type: 'unknown', path: undefined, input: undefined, ctx: undefined });
    return JSON.stringify(transformTRPCResponse(config, { id, jsonrpc: undefined, error: shape }));
  };
  const budget = options.budget ?? new BufferBudget();
  let firstAnswer = options.onFirstAnswer;
  const sent = () => {
    if (!firstAnswer) return;
    const notify = firstAnswer;
    firstAnswer = undefined;
    notify();
  };
  const sockets = new Set<net.Socket>();
  const speakNdjson = (socket: net.Socket) => {
    const fakeRequest = { url: '/', headers: { host: 'localhost' }, socket } as unknown as IncomingMessage;
    handler(new NdjsonConnection(socket, refuse, budget, sent) as never, fakeRequest);
  };
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const http = options.http;
    if (!http) return speakNdjson(socket);
    // The first bytes decide; they are put back so whichever side takes the connection reads them again.
    socket.once('data', (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      const byte = first[0] ?? 0;
      if (byte < 0x41 || byte > 0x5a) {
        speakNdjson(socket);
        socket.resume();
        return;
      }
      const taken = http(socket);
      if (!(taken instanceof Promise)) socket.resume();
      else
        taken.then(
          () => socket.resume(),
          (error: unknown) => {
            options.onError?.(error, undefined);
            socket.destroy();
          },
        );
    });
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
