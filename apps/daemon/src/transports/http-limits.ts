// The HTTP listener's limits (docs/limits.md#the-http-listener): what is checked before a body byte is read, how
// much of a body is read, how many bodies are read at once, and how long and how many connections a client may
// hold. http-server.ts applies them; routes only choose their own body size and authorization hook.
import type http from 'node:http';
import type { IncomingMessage } from 'node:http';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface ListenerLimits {
  /** Connections beyond this are refused at accept (`server.maxConnections`). */
  maxConnections: number;
  /** Bodies being read at once, over all routes; one more is answered 503 without being read. */
  maxBodiesInFlight: number;
  /** The request's headers must have arrived within this (`server.headersTimeout`). */
  headersTimeoutMs: number;
  /** The whole request, body included, within this (`server.requestTimeout`). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this (`server.keepAliveTimeout`). */
  keepAliveTimeoutMs: number;
}

export const DEFAULT_LISTENER_LIMITS: ListenerLimits = {
  maxConnections: 256,
  maxBodiesInFlight: 32,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
};

/** Options for `http.createServer`: Node only looks for expired requests every `connectionsCheckingInterval`. */
export function serverOptions(limits: ListenerLimits): http.ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
  };
}

export function applyServerLimits(server: http.Server, limits: ListenerLimits): void {
  server.maxConnections = limits.maxConnections;
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
}

export interface Refusal {
  status: number;
  body: { error: string };
  headers?: Record<string, string>;
}

/** A path parameter, percent-decoded; undefined when its encoding is invalid (answered 400, not a 500). */
export function decodePathParam(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Refuses a body from its headers alone. Only JSON is read: the content types a web page may send cross-origin
 * without a CORS preflight (text/plain, forms, multipart) are refused, so no page can make the daemon buffer
 * bodies. A declared length over the route's limit is refused before any byte is read.
 */
export function bodyRefusal(req: IncomingMessage, maxBytes: number): Refusal | undefined {
  if (!hasBody(req)) return undefined;
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    return { status: 415, body: { error: 'content-type must be application/json' }, headers: { connection: 'close' } };
  }
  const length = Number(req.headers['content-length'] ?? 0);
  if (!Number.isFinite(length) || length > maxBytes) return tooLarge(maxBytes);
  return undefined;
}

export const tooLarge = (maxBytes: number): Refusal => ({
  status: 413,
  body: { error: `body too large (at most ${maxBytes} bytes)` },
  headers: { connection: 'close' },
});

export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
}

/** Reads at most `maxBytes` (a body without a declared length is cut off there). */
export async function readLimitedBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new BodyTooLargeError();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Counts the bodies being read; `enter` returns the release, or undefined when the listener is at its limit. */
export class BodyGate {
  private inFlight = 0;

  constructor(private readonly max: number) {}

  enter(): (() => void) | undefined {
    if (this.inFlight >= this.max) return undefined;
    this.inFlight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
    };
  }
}

export const busy: Refusal = {
  status: 503,
  body: { error: 'too many requests in progress; retry shortly' },
  headers: { 'retry-after': '1', connection: 'close' },
};
