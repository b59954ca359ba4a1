// `/mcp` on the HTTP listener: RestFlow's MCP server over Streamable HTTP (@restflow/api/server's mcp-mount.ts),
// calling the router in-process as the authenticated caller. Callers authenticate like every HTTP API client
// (http-auth.ts): `Authorization: Bearer <API token>` from `restflow token create`; a read-only token may use the
// reading tools only.
import type { ApiContext, Caller, TransportKind } from '@restflow/api';
import { createLocalClient, createMcpHandler, MCP_PATH } from '@restflow/api/server';
import type { Logger } from '../logger.ts';
import type { HttpAuthenticator } from './http-auth.ts';
import type { HttpRoutes } from './http-server.ts';

export const MCP_MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface McpRouteOptions {
  auth: HttpAuthenticator;
  createContext: (transport: TransportKind, caller: Caller) => ApiContext;
  logger: Logger;
}

export function registerMcpRoute(routes: HttpRoutes, options: McpRouteOptions): void {
  const { logger } = options;
  const handler = createMcpHandler<Caller>({
    authorize: (req) => {
      const verdict = options.auth.authenticate({
        method: (req.method ?? 'POST').toUpperCase(),
        headers: req.headers,
        remoteAddress: req.socket.remoteAddress,
        port: req.socket.localPort ?? 0,
      });
      return verdict.ok
        ? verdict
        : { ok: false, refusal: { status: verdict.status, reason: verdict.error, headers: verdict.headers } };
    },
    createApi: (caller) => createLocalClient(() => options.createContext('http', caller)),
    onRefused: (refusal) => logger.warn(refusal, 'refused an MCP request'),
    onError: (err) => logger.error({ err }, 'MCP request failed'),
  });
  // The MCP SDK's own message limit: a larger body could never be a valid message.
  routes.mount(MCP_PATH, (req, res) => handler(req, res), { maxBodyBytes: MCP_MAX_BODY_BYTES });
}
