export {
  BufferBudget,
  MAX_OUTBOUND_BUFFERED_BYTES,
  MAX_TOTAL_BUFFERED_BYTES,
} from './buffer-budget.ts';
export {
  CONSOLE_COOKIE_MAX_AGE_S,
  checkUpgrade,
  consoleCookie,
  consoleCookieName,
  consoleHosts,
  cookieValues,
  hasConsoleCookie,
  tokensEqual,
  type UpgradeVerdict,
} from './console-auth.ts';
export { createLocalClient } from './local-client.ts';
export {
  checkMcpRequest,
  createMcpHandler,
  MCP_PATH,
  type McpMountOptions,
  type McpRefusal,
} from './mcp-mount.ts';
export { MAX_FRAME_BYTES, type PipeServer, servePipe } from './pipe-server.ts';
export { BEARER_SCHEME, restErrorSchema } from './rest-errors.ts';
export {
  type CompiledRoute,
  compileRoute,
  createRestApi,
  type RestApi,
  type RestApiOptions,
  type RestError,
  type RestReply,
  type RestRequest,
} from './rest-handler.ts';
export { createOpenApiDocument, openApiJson, responseSchemaOf } from './rest-openapi-on-demand.ts';
export { REST_ROUTES, type RestMethod, type RestRoute } from './rest-routes.ts';
export {
  mountWebSocket,
  WS_CLOSE_OVER_BUDGET,
  WS_PATH,
  type WsMount,
  type WsMountOptions,
  type WsRefusal,
} from './ws-mount.ts';
