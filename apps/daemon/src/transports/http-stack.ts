// The daemon's HTTP side: the listener with its routes (/health, tRPC over HTTP, the REST API and its docs, run
// streams, the console, MCP) and the console's WebSocket. startDaemon imports this module once its pipe serves, so
// none of it (ws, the REST table, the route handlers) is loaded on the way to the first pipe answer.
import fs from 'node:fs';
import { appRouter, type createContextFactory, type DaemonStatus, type TransportInfo } from '@restflow/api';
import { type BufferBudget, mountWebSocket } from '@restflow/api/server';
import type { RestflowServices } from '@restflow/core';
import type { RestflowPaths } from '@restflow/paths';
import { componentLogger, type Logger } from '../logger.ts';
import { registerConsoleRoutes } from './console-routes.ts';
import { resolveWebDir } from './console-static.ts';
import { loadOrCreateConsoleToken } from './console-token.ts';
import { createHttpAuthenticator } from './http-auth.ts';
import { registerHttpRoutes } from './http-routes.ts';
import { HttpRoutes, type RunningHttpServer, serveHttp, writeHttpInfo } from './http-server.ts';
import { registerMcpRoute } from './mcp-route.ts';
import { registerRestRoutes } from './rest-mount.ts';
import { createRunStreamHandlers, RUN_EVENTS_PATH } from './run-stream-routes.ts';
import { mountTrpcHttp } from './trpc-http.ts';

export interface HttpStackOptions {
  listen: { host: string; port: number };
  services: RestflowServices;
  paths: RestflowPaths;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** Shared with the pipe: one total of partly received requests (docs/limits.md). */
  budget: BufferBudget;
  createContext: ReturnType<typeof createContextFactory>;
  status: () => DaemonStatus;
  onTrpcError: (error: unknown, path: string | undefined) => void;
  /** Steps for the daemon's teardown, in the order they are taken (run in reverse). */
  onTeardown: (step: { name: string; run: () => void | Promise<void> }) => void;
}

export interface HttpStack {
  transports: TransportInfo[];
  /** The web console's sign-in URL (carries the console token). */
  consoleUrl: string;
}

/**
 * Starts the listener and mounts everything on it. Undefined when the port cannot be bound: the pipe still serves
 * every client, and the status says there is no HTTP transport. Throws when the bind address is refused.
 */
export async function startHttpStack(options: HttpStackOptions): Promise<HttpStack | undefined> {
  const { services, paths, logger, createContext, onTrpcError } = options;
  const consoleToken = loadOrCreateConsoleToken(paths.consoleToken);
  services.redactor.set('console_token', [consoleToken.token]);
  if (consoleToken.created) logger.info({ file: paths.consoleToken }, 'created the web console token');
  const webDir = resolveWebDir(options.env);
  const routes = new HttpRoutes().add('GET', '/health', () => ({
    status: 200,
    body: { status: 'ok', ...options.status() },
  }));
  registerHttpRoutes(routes, services);
  // The gate of every HTTP API route (/trpc over HTTP, /api/*, /mcp): API tokens or the console's cookie.
  const httpAuth = createHttpAuthenticator({
    tokens: services.apiTokens,
    consoleToken: consoleToken.token,
    onRefused: (refused) => logger[refused.status === 401 ? 'debug' : 'warn'](refused, 'refused an HTTP API request'),
  });
  mountTrpcHttp(routes, {
    router: appRouter,
    auth: httpAuth,
    createContext: (caller) => createContext('http', caller),
    onError: onTrpcError,
  });
  registerRestRoutes(routes, {
    router: appRouter,
    auth: httpAuth,
    createContext: (caller) => createContext('http', caller),
    onError: (err, path) => logger.error({ err, path }, 'REST request failed'),
  });
  const runStreams = createRunStreamHandlers({
    router: appRouter,
    auth: httpAuth,
    createContext: (caller) => createContext('http', caller),
    onError: (err) => logger.error({ err }, 'run stream failed'),
  });
  routes.mount('/api/execute', runStreams.execute).mount(RUN_EVENTS_PATH, runStreams.events);
  registerConsoleRoutes(routes, { token: consoleToken.token, webDir });
  registerMcpRoute(routes, { auth: httpAuth, createContext, logger: componentLogger(logger, 'mcp') });
  const server = await listen(options.listen, routes, logger);
  if (!server) return undefined;
  writeHttpInfo(paths.httpInfoFile, { url: server.url, port: server.port, host: server.host, pid: process.pid });
  options.onTeardown({
    name: 'http',
    run: async () => {
      await server.close();
      fs.rmSync(paths.httpInfoFile, { force: true });
    },
  });
  // Closed before the listener (teardown runs in reverse): clients are told to reconnect, then dropped.
  const ws = mountWebSocket({
    budget: options.budget,
    server: server.server,
    router: appRouter,
    token: consoleToken.token,
    createContext: () => createContext('ws', { kind: 'console' }),
    onError: onTrpcError,
    // A foreign origin is an attack signal; a console without a valid cookie just retries now and then.
    onRefused: (refused) => logger[refused.status === 403 ? 'warn' : 'debug'](refused, 'refused a WebSocket upgrade'),
  });
  options.onTeardown({ name: 'websocket', run: () => ws.close() });
  const origin = `${loopbackName(server.host)}:${server.port}`;
  logger.info({ webDir: webDir ?? null, ws: `ws://${origin}${ws.path}` }, 'web console mounted');
  return {
    transports: [
      { kind: 'http', address: server.url },
      { kind: 'ws', address: `ws://${origin}${ws.path}` },
    ],
    consoleUrl: `http://${origin}/auth?token=${consoleToken.token}`,
  };
}

/** The console only accepts loopback Host names (console-auth.ts), so its URLs use one even for a wildcard bind. */
function loopbackName(host: string): string {
  return host === 'localhost' || host === '::1' ? 'localhost' : '127.0.0.1';
}

/** A busy port must not take the daemon down: the pipe still serves every client; the status says so. */
async function listen(
  options: { host: string; port: number },
  routes: HttpRoutes,
  logger: Logger,
): Promise<RunningHttpServer | undefined> {
  try {
    const server = await serveHttp({
      ...options,
      routes,
      onError: (err) => logger.error({ err }, 'http handler error'),
    });
    logger.info({ url: server.url }, 'http listener ready');
    return server;
  } catch (error) {
    logger.error({ err: error, ...options }, 'http listener could not start; continuing without it');
    return undefined;
  }
}
