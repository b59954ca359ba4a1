import { MODEL_CATALOGUE } from '@restflow/core';
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
} satisfies TRPCRouterRecord;
