import { findExecutable, MODEL_CATALOGUE, TOOL_CATALOGUE } from '@restflow/core';
import type { TRPCRouterRecord } from '@trpc/server';
import { publicProcedure } from '../trpc.ts';

export const systemRouter = {
  ping: publicProcedure.query(() => 'pong' as const),

  status: publicProcedure.query(({ ctx }) => ctx.daemon.status()),

  /** Really stops the daemon (after this reply is sent). */
  shutdown: publicProcedure.mutation(({ ctx }) => {
    ctx.daemon.shutdown(`requested over ${ctx.transport}`);
    return { shutting_down: true as const };
  }),

  models: publicProcedure.query(() =>
    MODEL_CATALOGUE.map(({ model, provider, supports_temperature, name }) => ({
      model,
      provider,
      supports_temperature,
      name,
    })),
  ),

  /** GetSystemInfo: `python_ready` = python3 is on the daemon's PATH (what run_python needs). */
  info: publicProcedure.query(({ ctx }) => {
    const status = ctx.daemon.status();
    return {
      pid: status.pid,
      version: status.version,
      node_version: process.version,
      data_dir: status.dataDir,
      python_ready: findExecutable('python3', ctx.services.env) !== undefined,
    };
  }),

  /** The built-in agent tools: name, description and JSON-schema parameters. */
  tools: publicProcedure.query(() => TOOL_CATALOGUE),
} satisfies TRPCRouterRecord;
