// Client side of the named-pipe transport: a tRPC link speaking the JSON-RPC messages of tRPC's WebSocket
// protocol as NDJSON over one socket. Sends immediately (no batching timer), resumes subscriptions with their
// last tracked id after a reconnect, and fails queries fast when the daemon is unreachable.
import net from 'node:net';
import { type Operation, TRPCClientError, type TRPCLink } from '@trpc/client';
import type { AnyRouter } from '@trpc/server';
import { type Observer, observable } from '@trpc/server/observable';
import superjson from 'superjson';
import { MAX_FRAME_BYTES, NdjsonSplitter } from '../ndjson.ts';

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
  /** The input as it goes on the wire, encoded once when the call starts (and checked then). */
  input: string;
  /** The link's observer, or a promise's (`request`), which has no use for `complete` or `started`. */
  // biome-ignore lint/suspicious/noExplicitAny: the observer type is the link's, parameterised by the router
  observer: Pick<Observer<any, TRPCClientError<AnyRouter>>, 'next' | 'error'> & { complete?: () => void };
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
  /** Told when the connection comes up and when an established one is lost (a client showing the daemon's state). */
  onStateChange?: (state: 'connected' | 'disconnected') => void;
}

export class DaemonUnavailableError extends Error {
  override name = 'DaemonUnavailableError';
}

/** Deeper inputs are refused by the SDK before it walks them (the daemon refuses them too: docs/limits.md). */
export const MAX_INPUT_DEPTH = 1000;
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Why an input cannot go on the wire, or undefined. Iterative, so a deep input cannot overflow the stack. */
function inputProblem(input: unknown): string | undefined {
  const stack: [unknown, number][] = [[input, 0]];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_INPUT_DEPTH) return `input is nested deeper than ${MAX_INPUT_DEPTH} levels`;
    if (seen.has(value)) return 'input contains a cycle';
    seen.add(value);
    for (const key of Object.keys(value)) {
      if (PROTOTYPE_KEYS.has(key)) return `input has a "${key}" key (a prototype pollution risk)`;
      stack.push([(value as Record<string, unknown>)[key], depth + 1]);
    }
  }
  return undefined;
}

/**
 * A typed error of the client itself, shaped like the daemon's (`error.data.code`), so callers handle a refused
 * input the same way whichever side refused it.
 */
export function clientError(code: 'BAD_REQUEST' | 'PAYLOAD_TOO_LARGE', message: string, path: string) {
  const wire = { BAD_REQUEST: [-32600, 400], PAYLOAD_TOO_LARGE: [-32413, 413] } as const;
  const [jsonRpcCode, httpStatus] = wire[code];
  return TRPCClientError.from<AnyRouter>({
    error: {
      message,
      code: jsonRpcCode,
      data: { code, httpStatus, path, fieldErrors: null, reason: null, details: null },
    },
  } as never);
}

/** The input encoded for the wire, or the typed error that refuses it. */
function encodeInput(op: Operation): { input: string } | { error: TRPCClientError<AnyRouter> } {
  const problem = inputProblem(op.input);
  if (problem) return { error: clientError('BAD_REQUEST', problem, op.path) };
  let input: string;
  try {
    input = JSON.stringify(superjson.serialize(op.input));
  } catch (error) {
    return { error: clientError('BAD_REQUEST', `input cannot be serialized: ${(error as Error).message}`, op.path) };
  }
  // The frame adds the id, method and path to the input.
  if (Buffer.byteLength(input) + op.path.length + 100 > MAX_FRAME_BYTES) {
    const message = `The request is over the pipe's frame limit of ${MAX_FRAME_BYTES} bytes (docs/limits.md)`;
    return { error: clientError('PAYLOAD_TOO_LARGE', message, op.path) };
  }
  return { input };
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

  start(entry: Omit<PendingOperation, 'id' | 'input'>): () => void {
    // Failures are reported after `start` returns: tRPC's observable must be subscribed before it ends.
    if (this.closed) {
      queueMicrotask(() => entry.observer.error(TRPCClientError.from(new DaemonUnavailableError('client is closed'))));
      return () => {};
    }
    const encoded = encodeInput(entry.op);
    if ('error' in encoded) {
      // Never held: a refused input is not kept in `pending`, so it is not retained either.
      queueMicrotask(() => entry.observer.error(encoded.error));
      return () => {};
    }
    const operation: PendingOperation = { ...entry, input: encoded.input, id: this.nextId++ };
    this.pending.set(operation.id, operation);
    if (this.connected) this.send(operation);
    else this.connect();
    this.updateRef();
    return () => this.cancel(operation.id);
  }

  /**
   * A query's or mutation's answer as a promise, straight from the connection: what tRPC's client makes of a
   * link's observable (a chain of observables, a `share()`, and an AbortController it aborts after every answer —
   * a DOMException with its stack each time), without that machinery (pipe-client.ts).
   */
  request(op: Operation): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.startAbortable({ op, observer: { next: (envelope) => resolve(envelope.result.data), error: reject } });
    });
  }

  /**
   * `start`, bound to the operation's abort signal: an operation aborted before it starts is never sent (a mutation
   * must not run for a caller told it was aborted); aborted later, it stops and fails. Its end stops listening.
   */
  startAbortable(entry: Omit<PendingOperation, 'id' | 'input'>): () => void {
    const signal = entry.op.signal;
    if (!signal) return this.start(entry);
    if (signal.aborted) {
      queueMicrotask(() => entry.observer.error(abortedError()));
      return () => {};
    }
    const { observer } = entry;
    const onAbort = () => {
      stop();
      observer.error(abortedError());
    };
    const stopListening = () => signal.removeEventListener('abort', onAbort);
    const stop = this.start({
      ...entry,
      observer: {
        next: (envelope) => observer.next(envelope),
        error: (error) => {
          stopListening();
          observer.error(error);
        },
        complete: () => {
          stopListening();
          observer.complete?.();
        },
      },
    });
    signal.addEventListener('abort', onAbort, { once: true });
    return () => {
      stopListening();
      stop();
    };
  }

  /** Drops the connection and fails everything in flight. Never throws, however often it is called. */
  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const inFlight = [...this.pending.values()];
    this.pending.clear();
    for (const operation of inFlight) {
      try {
        if (operation.op.type === 'subscription') this.complete(operation);
        else this.fail(operation, new DaemonUnavailableError('client is closed'));
      } catch {
        // An observer that throws must not stop the others from ending, nor the socket from closing.
      }
    }
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
    socket.setNoDelay(true);
    socket.on('connect', () => {
      this.connected = true;
      this.attempt = 0;
      this.disconnectedSince = undefined;
      for (const operation of this.pending.values()) this.send(operation);
      this.updateRef();
      this.options.onStateChange?.('connected');
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
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
    if (wasConnected && !this.closed) this.options.onStateChange?.('disconnected');
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

  private onData(chunk: Buffer): void {
    for (const line of this.frames.push(chunk)) {
      let message: ServerMessage;
      try {
        message = JSON.parse(line.toString('utf8')) as ServerMessage;
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
    // The input is spliced in already encoded: it was serialized (and size-checked) once, in `start`.
    const params = JSON.stringify({
      path: op.path,
      ...(operation.lastEventId !== undefined ? { lastEventId: operation.lastEventId } : {}),
    });
    this.socket.write(
      `{"id":${operation.id},"method":${JSON.stringify(op.type)},"params":{"input":${operation.input},${params.slice(1)}}\n`,
    );
  }

  private write(message: unknown): void {
    this.socket?.write(`${JSON.stringify(message)}\n`);
  }

  private fail(operation: PendingOperation, error: Error): void {
    operation.observer.error(TRPCClientError.from(error));
  }

  private complete(operation: PendingOperation): void {
    operation.observer.complete?.();
  }

  /** An idle client must not keep its process alive (CLI commands exit as soon as they are done). */
  private updateRef(): void {
    const busy = this.pending.size > 0 || this.retryTimer !== undefined;
    if (busy) this.socket?.ref();
    else this.socket?.unref();
  }
}

const abortedError = () => TRPCClientError.from<AnyRouter>(new Error('The operation was aborted'));

export function pipeLink<TRouter extends AnyRouter>(connection: PipeConnection): TRPCLink<TRouter> {
  return () =>
    ({ op }) =>
      observable((observer) => connection.startAbortable({ op, observer }));
}
