// Client side of the named-pipe transport: a tRPC link speaking the JSON-RPC messages of tRPC's WebSocket
// protocol as NDJSON over one socket. Sends immediately (no batching timer), resumes subscriptions with their
// last tracked id after a reconnect, and fails queries fast when the daemon is unreachable.
import net from 'node:net';
import { type Operation, TRPCClientError, type TRPCLink } from '@trpc/client';
import type { AnyRouter } from '@trpc/server';
import { type Observer, observable } from '@trpc/server/observable';
import superjson from 'superjson';
import { NdjsonSplitter } from '../ndjson.ts';

type ResultMessage = { type: 'started' } | { type: 'stopped' } | { type: 'data'; id?: string; data: unknown };

interface ServerMessage {
  id: number | string | null;
  method?: 'reconnect';
  result?: ResultMessage;
  error?: unknown;
}

interface PendingOperation {
  id: number;
  op: Operation;
  // biome-ignore lint/suspicious/noExplicitAny: the observer type is the link's, parameterised by the router
  observer: Observer<any, TRPCClientError<AnyRouter>>;
  lastEventId?: string;
  /** The socket this operation was last written to; a new socket means it must be (re)sent. */
  sentOn?: net.Socket;
}

export interface PipeConnectionOptions {
  path: string;
  /** Delay before reconnect attempt `n` (subscriptions only). */
  retryDelayMs?: (attempt: number) => number;
  /** Give up re-subscribing after this long without a connection. */
  reconnectTimeoutMs?: number;
}

export class DaemonUnavailableError extends Error {
  override name = 'DaemonUnavailableError';
}

export class PipeConnection {
  private socket: net.Socket | undefined;
  private connected = false;
  private readonly frames = new NdjsonSplitter();
  private readonly pending = new Map<number, PendingOperation>();
  private nextId = 1;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private disconnectedSince: number | undefined;
  private closed = false;

  constructor(private readonly options: PipeConnectionOptions) {}

  get path(): string {
    return this.options.path;
  }

  start(entry: Omit<PendingOperation, 'id'>): () => void {
    const operation: PendingOperation = { ...entry, id: this.nextId++ };
    this.pending.set(operation.id, operation);
    if (this.closed) {
      this.fail(operation, new DaemonUnavailableError('client is closed'));
      return () => {};
    }
    if (this.connected) this.send(operation);
    else this.connect();
    this.updateRef();
    return () => this.cancel(operation.id);
  }

  /** Drops the connection and fails everything in flight. */
  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    for (const operation of this.pending.values()) this.complete(operation);
    this.pending.clear();
    this.socket?.destroy();
    this.socket = undefined;
  }

  private cancel(id: number): void {
    const operation = this.pending.get(id);
    if (!operation) return;
    this.pending.delete(id);
    if (operation.op.type === 'subscription' && this.connected && operation.sentOn === this.socket) {
      this.write({ id, method: 'subscription.stop' });
    }
    this.updateRef();
  }

  private connect(): void {
    if (this.socket || this.closed) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const socket = net.connect(this.options.path);
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.setNoDelay(true);
    socket.on('connect', () => {
      this.connected = true;
      this.attempt = 0;
      this.disconnectedSince = undefined;
      for (const operation of this.pending.values()) this.send(operation);
      this.updateRef();
    });
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('error', () => {
      // 'close' follows and decides what to do.
    });
    socket.on('close', () => this.onClose(socket));
  }

  private onClose(socket: net.Socket): void {
    if (this.socket !== socket) return;
    const wasConnected = this.connected;
    this.socket = undefined;
    this.connected = false;
    this.frames.reset();
    this.disconnectedSince ??= Date.now();
    const reason = wasConnected
      ? 'connection to the RestFlow daemon was lost'
      : `RestFlow daemon is not running (nothing is listening on ${this.options.path})`;
    // Queries and mutations in flight cannot be retried safely (a mutation may have run): fail them.
    for (const operation of [...this.pending.values()]) {
      if (operation.op.type !== 'subscription') {
        this.pending.delete(operation.id);
        this.fail(operation, new DaemonUnavailableError(reason));
      } else {
        operation.sentOn = undefined;
      }
    }
    const subscriptions = [...this.pending.values()];
    if (subscriptions.length === 0 || this.closed) return;
    const budget = this.options.reconnectTimeoutMs ?? 30_000;
    if (Date.now() - this.disconnectedSince > budget) {
      for (const operation of subscriptions) {
        this.pending.delete(operation.id);
        this.fail(operation, new DaemonUnavailableError(`${reason}; gave up reconnecting after ${budget} ms`));
      }
      return;
    }
    const delay = (this.options.retryDelayMs ?? ((n) => Math.min(50 * 2 ** n, 1000)))(this.attempt++);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private onData(chunk: string): void {
    for (const line of this.frames.push(chunk)) {
      let message: ServerMessage;
      try {
        message = JSON.parse(line) as ServerMessage;
      } catch {
        // Not our protocol (or a corrupted stream): drop the connection rather than guess.
        this.socket?.destroy();
        return;
      }
      this.onMessage(message);
    }
  }

  private onMessage(message: ServerMessage): void {
    if (message.method === 'reconnect') {
      // The daemon is going away on purpose: drop the socket so subscriptions re-subscribe to its successor.
      this.socket?.destroy();
      return;
    }
    const operation = typeof message.id === 'number' ? this.pending.get(message.id) : undefined;
    if (!operation) return;
    if (message.error !== undefined) {
      this.pending.delete(operation.id);
      const shape = superjson.deserialize(message.error as never);
      operation.observer.error(TRPCClientError.from({ error: shape } as never));
      this.updateRef();
      return;
    }
    const result = message.result;
    if (!result) return;
    if (result.type === 'started') {
      operation.observer.next({ result: { type: 'started' } });
      return;
    }
    if (result.type === 'stopped') {
      this.pending.delete(operation.id);
      this.complete(operation);
      this.updateRef();
      return;
    }
    const data = superjson.deserialize(result.data as never);
    if (result.id !== undefined) operation.lastEventId = result.id;
    operation.observer.next({ result: { type: 'data', data } });
    if (operation.op.type !== 'subscription') {
      this.pending.delete(operation.id);
      this.complete(operation);
      this.updateRef();
    }
  }

  private send(operation: PendingOperation): void {
    if (!this.socket || operation.sentOn === this.socket) return;
    operation.sentOn = this.socket;
    const { op } = operation;
    this.write({
      id: operation.id,
      method: op.type,
      params: {
        path: op.path,
        input: superjson.serialize(op.input),
        ...(operation.lastEventId !== undefined ? { lastEventId: operation.lastEventId } : {}),
      },
    });
  }

  private write(message: unknown): void {
    this.socket?.write(`${JSON.stringify(message)}\n`);
  }

  private fail(operation: PendingOperation, error: Error): void {
    operation.observer.error(TRPCClientError.from(error));
  }

  private complete(operation: PendingOperation): void {
    operation.observer.complete();
  }

  /** An idle client must not keep its process alive (CLI commands exit as soon as they are done). */
  private updateRef(): void {
    const busy = this.pending.size > 0 || this.retryTimer !== undefined;
    if (busy) this.socket?.ref();
    else this.socket?.unref();
  }
}

export function pipeLink<TRouter extends AnyRouter>(connection: PipeConnection): TRPCLink<TRouter> {
  return () =>
    ({ op }) =>
      observable((observer) => {
        const stop = connection.start({ op, observer });
        const onAbort = () => {
          stop();
          observer.error(TRPCClientError.from(new Error('The operation was aborted')));
        };
        if (op.signal?.aborted) onAbort();
        else op.signal?.addEventListener('abort', onAbort, { once: true });
        return () => {
          op.signal?.removeEventListener('abort', onAbort);
          stop();
        };
      });
}
