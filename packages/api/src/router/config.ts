import { CONFIG_KEYS } from '@restflow/core';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { publicProcedure } from '../trpc.ts';

const count = (min: number) => z.number().int().min(min);

export const systemConfigSchema = z
  .object({
    worker_count: count(1),
    task_timeout_seconds: count(10),
    stall_timeout_seconds: count(10),
    max_retries: count(1),
  })
  .strict();

export const configRouter = {
  get: publicProcedure.query(({ ctx }) => ctx.services.config.get()),

  /** Replaces the whole config (SetConfig of restflow-domain §2). */
  set: publicProcedure
    .input(z.object({ config: systemConfigSchema }))
    .mutation(({ ctx, input }) => ctx.services.config.set(input.config)),

  /** Sets one key; an unknown key is a BAD_REQUEST naming it. */
  setKey: publicProcedure
    .input(z.object({ key: z.string().min(1), value: z.number().int() }))
    .mutation(({ ctx, input }) => ctx.services.config.setKey(input.key, input.value)),

  reset: publicProcedure.mutation(({ ctx }) => ctx.services.config.reset()),

  keys: publicProcedure.query(() => CONFIG_KEYS),
} satisfies TRPCRouterRecord;
