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
export { mountWebSocket, WS_PATH, type WsMount, type WsMountOptions, type WsRefusal } from './ws-mount.ts';
