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

const endpointSchema = z.object({ base_url: z.string().max(2000).optional() }).strict();

/** Per-provider endpoints (base_url wins over OPENAI_BASE_URL / ANTHROPIC_BASE_URL / DEEPSEEK_BASE_URL). */
export const providerSettingsSchema = z
  .object({
    openai: endpointSchema.optional(),
    anthropic: endpointSchema.optional(),
    deepseek: endpointSchema.optional(),
    openai_compatible: endpointSchema
      .extend({ models: z.array(z.string().trim().min(1).max(200)).max(200).optional() })
      .strict()
      .optional(),
  })
  .strict();

export const configRouter = {
  get: publicProcedure.query(({ ctx }) => ctx.services.config.get()),

  /** Replaces the whole config. */
  set: publicProcedure
    .input(z.object({ config: systemConfigSchema }).strict())
    .mutation(({ ctx, input }) => ctx.services.config.set(input.config)),

  /** Sets one key; an unknown key is a BAD_REQUEST naming it. */
  setKey: publicProcedure
    .input(z.object({ key: z.string().min(1), value: z.number().int() }).strict())
    .mutation(({ ctx, input }) => ctx.services.config.setKey(input.key, input.value)),

  reset: publicProcedure.mutation(({ ctx }) => ctx.services.config.reset()),

  keys: publicProcedure.query(() => CONFIG_KEYS),

  providers: {
    get: publicProcedure.query(({ ctx }) => ctx.services.providers.get()),
    /** Replaces the whole provider settings; an invalid base_url is a BAD_REQUEST naming the field. */
    set: publicProcedure
      .input(z.object({ providers: providerSettingsSchema }).strict())
      .mutation(({ ctx, input }) => ctx.services.providers.set(input.providers)),
  },
} satisfies TRPCRouterRecord;
