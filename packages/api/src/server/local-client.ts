// A typed client of the router inside the daemon: the same calls as over the pipe, without a transport (the MCP
// server on `/mcp` uses it, so its tools are written once against a client).
import { createTRPCClient, unstable_localLink } from '@trpc/client';
import type { ApiContext } from '../context.ts';
import type { RestflowApi } from '../mcp/restflow-mcp-server.ts';
import { appRouter } from '../root.ts';
import { wireTransformer } from '../transformer.ts';

export function createLocalClient(createContext: () => ApiContext): RestflowApi {
  return createTRPCClient({
    links: [
      unstable_localLink({
        router: appRouter,
        createContext: async () => createContext(),
        transformer: wireTransformer,
      }),
    ],
  });
}
