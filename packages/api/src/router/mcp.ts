import { z } from 'zod';
import {
  createMcpServerInput,
  deleteResultSchema,
  mcpServerRefInput,
  mcpServerSchema,
  mcpTestResultSchema,
} from '../schemas/index.ts';
import { publicProcedure, router } from '../trpc.ts';

/** External MCP servers whose tools agents may use (`mcp:<server>:<tool>` in an agent's tools). */
export const mcpRouter = router({
  /** Header names only, never their values. */
  list: publicProcedure.output(z.array(mcpServerSchema)).query(({ ctx }) => ctx.services.mcp.list()),

  get: publicProcedure
    .input(mcpServerRefInput)
    .output(mcpServerSchema)
    .query(({ ctx, input }) => ctx.services.mcp.get(input.id)),

  create: publicProcedure
    .input(createMcpServerInput)
    .output(mcpServerSchema)
    .mutation(({ ctx, input }) => ctx.services.mcp.create(input)),

  /** Stops the server if it is running. */
  delete: publicProcedure
    .input(mcpServerRefInput)
    .output(deleteResultSchema)
    .mutation(({ ctx, input }) => ctx.services.mcp.delete(input.id)),

  /** Connects afresh (starting a stdio server) and lists its tools. */
  test: publicProcedure
    .input(mcpServerRefInput)
    .output(mcpTestResultSchema)
    .mutation(async ({ ctx, input }) => {
      const server = ctx.services.mcp.get(input.id);
      return { server, tools: await ctx.services.mcpClients.test(server.id) };
    }),
});
