// RestFlow's MCP server over Streamable HTTP at `/mcp` on the daemon's HTTP listener. Stateless: every POST gets
// its own McpServer and transport (a server instance must never serve two clients). A loopback port is reachable
// from any web page the user opens, so before anything else: the Host must name this listener (DNS rebinding),
// an Origin, when sent, must be this listener's own (a page of another site), and the caller must pass the gate
// (a bearer token).
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { RestflowApi } from '../mcp/restflow-mcp-server.ts';
import { consoleHosts } from './console-auth.ts';

export const MCP_PATH = '/mcp';

export interface McpRefusal {
  status: number;
  reason: string;
  headers?: Record<string, string>;
}

export interface McpMountOptions<C> {
  /**
   * The one authentication call (the daemon's HTTP API gate): who is calling, or the refusal to answer with.
   * Host and Origin are checked before it.
   */
  authorize: (req: IncomingMessage) => { ok: true; caller: C } | { ok: false; refusal: McpRefusal };
  /** The router for one request, as that caller (an in-process client). */
  createApi: (caller: C) => RestflowApi;
  onRefused?: (refusal: McpRefusal & { origin: string | undefined; host: string | undefined }) => void;
  onError?: (error: unknown) => void;
}

/** Host and Origin: the checks the console's WebSocket mount makes, except that non-browser clients send no Origin. */
export function checkMcpRequest(headers: IncomingHttpHeaders, port: number): McpRefusal | undefined {
  const host = headers.host;
  if (host === undefined || ![...consoleHosts(port), `[::1]:${port}`].includes(host)) {
    return { status: 403, reason: 'unexpected Host header' };
  }
  if (headers.origin !== undefined && headers.origin !== `http://${host}`) {
    return { status: 403, reason: 'origin not allowed' };
  }
  return undefined;
}

function refuse(res: ServerResponse, refusal: McpRefusal): void {
  res.writeHead(refusal.status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...refusal.headers,
  });
  // A JSON-RPC error, which MCP clients show as such.
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: refusal.reason }, id: null }));
}

/** The MCP SDK's server side, loaded by the first `/mcp` request rather than at daemon start. */
let serverModules:
  | Promise<
      [
        typeof import('@modelcontextprotocol/sdk/server/streamableHttp.js'),
        typeof import('../mcp/restflow-mcp-server.ts'),
      ]
    >
  | undefined;
const loadServerModules = () =>
  (serverModules ??= Promise.all([
    import('@modelcontextprotocol/sdk/server/streamableHttp.js'),
    import('../mcp/restflow-mcp-server.ts'),
  ]));

/** The request handler for `/mcp`. */
export function createMcpHandler<C>(
  options: McpMountOptions<C>,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const refused = checkMcpRequest(req.headers, req.socket.localPort ?? 0);
    if (refused) {
      options.onRefused?.({ ...refused, origin: req.headers.origin, host: req.headers.host });
      return refuse(res, refused);
    }
    const verdict = options.authorize(req);
    if (!verdict.ok) return refuse(res, verdict.refusal);
    if (req.method !== 'POST') {
      // Stateless: no server-initiated stream (GET) and no session to end (DELETE).
      res.setHeader('allow', 'POST');
      return refuse(res, { status: 405, reason: 'method not allowed (stateless server: POST only)' });
    }
    const [{ StreamableHTTPServerTransport }, { createRestflowMcpServer }] = await loadServerModules();
    const server = createRestflowMcpServer(options.createApi(verdict.caller));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res);
    } catch (error) {
      options.onError?.(error);
      if (!res.headersSent) refuse(res, { status: 500, reason: 'internal error' });
    }
  };
}
