// `@restflow/api/mcp`: RestFlow's MCP server over any tRPC client of the router (loads no core or database).
export { createRestflowMcpServer, type RestflowApi } from './restflow-mcp-server.ts';
