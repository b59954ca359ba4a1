// `/mcp` on the HTTP listener: RestFlow's MCP server over Streamable HTTP (@restflow/api/server's mcp-mount.ts),
// calling the router in-process. The bearer token is the console token (`console.token` in the data dir, the
// token of the URL `restflow console` prints).
import type { ApiContext, TransportKind } from '@restflow/api';
import { bearerToken, createLocalClient, createMcpHandler, MCP_PATH, tokensEqual } from '@restflow/api/server';
import type { Logger } from '../logger.ts';
import type { HttpRoutes } from './http-server.ts';

export interface McpRouteOptions {
  token: string;
  createContext: (transport: TransportKind) => ApiContext;
  logger: Logger;
}

export function registerMcpRoute(routes: HttpRoutes, options: McpRouteOptions): void {
  const { logger } = options;
  const handler = createMcpHandler({
    authorize: (headers) =>
      tokensEqual(bearerToken(headers), options.token)
        ? undefined
        : { status: 401, reason: 'missing or invalid bearer token' },
    createApi: () => createLocalClient(() => options.createContext('local')),
    onRefused: (refusal) => logger[refusal.status === 403 ? 'warn' : 'debug'](refusal, 'refused an MCP request'),
    onError: (err) => logger.error({ err }, 'MCP request failed'),
  });
  routes.raw(MCP_PATH, handler);
}
