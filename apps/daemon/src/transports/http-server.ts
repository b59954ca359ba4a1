// The daemon's HTTP listener (loopback by default): health, webhook triggers, the web console's static files and
// sign-in (console-routes.ts); the console's WebSocket mount (@restflow/api/server) takes its `upgrade` requests.
// Routes are registered by the composition root; handlers stay thin over core services.
import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  applyServerLimits,
  BodyGate,
  BodyTooLargeError,
  bodyRefusal,
  busy,
  DEFAULT_LISTENER_LIMITS,
  DEFAULT_MAX_BODY_BYTES,
  decodePathParam,
  hasBody,
  type ListenerLimits,
  readLimitedBody,
  serverOptions,
  tooLarge,
} from './http-limits.ts';

export interface HttpRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The port this listener is bound to (known only once it listens, e.g. with port 0). */
  port: number;
  headers: IncomingMessage['headers'];
  remoteAddress: string | undefined;
  /** Parsed JSON body (undefined when empty). Invalid JSON is answered with 400 before the handler runs. */
  body: unknown;
}

export interface HttpReply {
  status: number;
  /** Sent as JSON, except a Buffer: sent as-is (give its content-type in `headers`). */
  body: unknown;
  headers?: Record<string, string>;
}

export type HttpHandler = (request: HttpRequest) => Promise<HttpReply> | HttpReply;

/** Per-route limits and checks, applied before the body is read (http-limits.ts, docs/limits.md). */
export interface RouteOptions {
  /** Largest body this route reads (default DEFAULT_MAX_BODY_BYTES). */
  maxBodyBytes?: number;
  /** Runs before the body is read (`body` is undefined): a reply refuses the request, undefined lets it through. */
  authorize?: (request: HttpRequest) => Promise<HttpReply | undefined> | HttpReply | undefined;
}

/**
 * A handler that owns the raw exchange (reads the body itself, streams its answer: tRPC over HTTP, SSE, MCP). It
 * runs instead of the routes, after the same checks a route's body gets: Host, content type, declared length
 * against its limit, and a place among the bodies being read.
 */
export type RawHttpHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

interface Route extends RouteOptions {
  method: string;
  pattern: RegExp;
  keys: string[];
  handler: HttpHandler;
}

/**
 * The body limit of the raw mounts that read their own bodies (tRPC over HTTP, run streams): the pipe's frame
 * limit, as their inputs are the pipe's (docs/limits.md). Routes default to DEFAULT_MAX_BODY_BYTES.
 */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface MountMatch {
  handler: RawHttpHandler;
  maxBodyBytes: number;
}

export type RouteMatch = { handler: HttpHandler; params: Record<string, string> } & RouteOptions;

export class HttpRoutes {
  private readonly routes: Route[] = [];
  private fallbackHandler: HttpHandler | undefined;
  private readonly mounts: (MountMatch & { matches: (path: string) => boolean })[] = [];

  /**
   * Gives a raw handler `path` and everything under it (`/trpc` → `/trpc/agents.list`), or the paths a RegExp
   * matches. Its bodies are limited to `maxBodyBytes` (default MAX_BODY_BYTES) by their declared length here; the
   * handler must also cut off a body sent without one at that size.
   */
  mount(path: string | RegExp, handler: RawHttpHandler, options: { maxBodyBytes?: number } = {}): this {
    const matches =
      typeof path === 'string' ? (p: string) => p === path || p.startsWith(`${path}/`) : (p: string) => path.test(p);
    this.mounts.push({ matches, handler, maxBodyBytes: options.maxBodyBytes ?? MAX_BODY_BYTES });
    return this;
  }

  mounted(path: string): MountMatch | undefined {
    return this.mounts.find((m) => m.matches(path));
  }

  /** `path` may contain `:name` segments, e.g. `/hooks/trigger/:taskId`. */
  add(method: string, path: string, handler: HttpHandler, options: RouteOptions = {}): this {
    const keys: string[] = [];
    const pattern = new RegExp(
      `^${path.replace(/:([A-Za-z_]+)/g, (_m, key: string) => {
        keys.push(key);
        return '([^/]+)';
      })}$`,
    );
    this.routes.push({ ...options, method: method.toUpperCase(), pattern, keys, handler });
    return this;
  }

  /** Answers GET and HEAD requests no route matches (the web console's static files). */
  fallback(handler: HttpHandler): this {
    this.fallbackHandler = handler;
    return this;
  }

  match(method: string, path: string): RouteMatch | 'method' | 'bad-path' | undefined {
    let pathMatched = false;
    for (const route of this.routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const params = route.keys.map((k, i) => [k, decodePathParam(m[i + 1] ?? '')] as const);
      if (params.some(([, value]) => value === undefined)) return 'bad-path';
      const { handler, maxBodyBytes, authorize } = route;
      return { handler, maxBodyBytes, authorize, params: Object.fromEntries(params) as Record<string, string> };
    }
    if (pathMatched) return 'method';
    if (this.fallbackHandler && (method === 'GET' || method === 'HEAD'))
      return { handler: this.fallbackHandler, params: {} };
    return undefined;
  }
}

export interface HttpServerOptions {
  host: string;
  port: number;
  routes: HttpRoutes;
  onError?: (error: unknown) => void;
  /** Connection, timeout and body limits (default DEFAULT_LISTENER_LIMITS). */
  limits?: Partial<ListenerLimits>;
}

export interface RunningHttpServer {
  server: http.Server;
  host: string;
  port: number;
  url: string;
  close(): Promise<void>;
}

function send(res: ServerResponse, reply: HttpReply, head = false): void {
  const payload = Buffer.isBuffer(reply.body) ? reply.body : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...reply.headers,
  });
  res.end(head ? undefined : payload);
}

/** A Host header naming this loopback listener; anything else may be a DNS-rebinding attempt. */
function hostAllowed(hostHeader: string | undefined, host: string, port: number): boolean {
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') return true;
  return hostHeader === `127.0.0.1:${port}` || hostHeader === `localhost:${port}` || hostHeader === `[::1]:${port}`;
}

export async function serveHttp(options: HttpServerOptions): Promise<RunningHttpServer> {
  const limits = { ...DEFAULT_LISTENER_LIMITS, ...options.limits };
  const bodies = new BodyGate(limits.maxBodiesInFlight);
  const server = http.createServer(serverOptions(limits), async (req, res) => {
    let release: (() => void) | undefined;
    try {
      const address = server.address() as AddressInfo;
      if (!hostAllowed(req.headers.host, options.host, address.port)) {
        return send(res, { status: 421, body: { error: 'unexpected Host header' } });
      }
      const url = URL.parse(req.url ?? '/', 'http://localhost');
      const method = (req.method ?? 'GET').toUpperCase();
      if (!url) return send(res, { status: 400, body: { error: 'malformed path' } });
      const mounted = options.routes.mounted(url.pathname);
      if (mounted) {
        const refused = bodyRefusal(req, mounted.maxBodyBytes);
        if (refused) return send(res, refused);
        if (hasBody(req)) {
          const leave = bodies.enter();
          if (!leave) return send(res, busy);
          // The handler reads the body at its own pace: its place is held until the body ends or the exchange does.
          req.once('end', leave).once('close', leave);
          res.once('close', leave);
        }
        return await mounted.handler(req, res, url);
      }
      const found = options.routes.match(method, url.pathname);
      if (found === undefined) return send(res, { status: 404, body: { error: 'not found' } });
      if (found === 'method') return send(res, { status: 405, body: { error: 'method not allowed' } });
      if (found === 'bad-path') return send(res, { status: 400, body: { error: 'malformed path' } });
      const request: HttpRequest = {
        method,
        path: url.pathname,
        params: found.params,
        query: url.searchParams,
        port: address.port,
        headers: req.headers,
        remoteAddress: req.socket.remoteAddress,
        body: undefined,
      };
      // Route, authorization, content type and size are all settled before a body byte is read.
      const denied = await found.authorize?.(request);
      if (denied) return send(res, { ...denied, headers: { ...denied.headers, connection: 'close' } });
      const maxBodyBytes = found.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
      const refused = bodyRefusal(req, maxBodyBytes);
      if (refused) return send(res, refused);
      release = bodies.enter();
      if (!release) return send(res, busy);
      try {
        const text = await readLimitedBody(req, maxBodyBytes);
        request.body = text.length > 0 ? JSON.parse(text) : undefined;
      } catch (error) {
        if (error instanceof BodyTooLargeError) return send(res, tooLarge(maxBodyBytes));
        return send(res, { status: 400, body: { error: 'invalid JSON body' } });
      } finally {
        release();
      }
      const reply = await found.handler(request);
      send(res, reply, method === 'HEAD');
    } catch (error) {
      options.onError?.(error);
      if (!res.headersSent) send(res, { status: 500, body: { error: 'internal error' } });
    }
  });
  applyServerLimits(server, limits);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    server,
    host: options.host,
    port,
    url: `http://${hostForUrl}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Lets clients find a non-default port (the pid file names the pipe; this names the HTTP listener). */
export function writeHttpInfo(file: string, info: { url: string; port: number; host: string; pid: number }): void {
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify(info)}\n`, { mode: 0o600 });
  fs.renameSync(temp, file);
}
