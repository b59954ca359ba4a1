import { MAX_SECRET_DESCRIPTION_LENGTH, MAX_SECRET_KEY_LENGTH, USER_SECRET_KEY_PATTERN } from '@restflow/core';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { publicProcedure } from '../trpc.ts';

const secretKeySchema = z
  .string()
  .min(1, 'key is required')
  .max(MAX_SECRET_KEY_LENGTH, `key must be at most ${MAX_SECRET_KEY_LENGTH} characters`)
  .regex(USER_SECRET_KEY_PATTERN, 'key must contain only A-Z, 0-9 and _ (e.g. OPENAI_API_KEY)');

// Messages describe the value and never echo it; the size limit is enforced by the service.
const secretValueSchema = z.string().min(1, 'value must not be empty');
const descriptionSchema = z
  .string()
  .max(MAX_SECRET_DESCRIPTION_LENGTH, `description must be at most ${MAX_SECRET_DESCRIPTION_LENGTH} characters`);

const keyInput = z.object({ key: secretKeySchema }).strict();
const writeInput = z
  .object({ key: secretKeySchema, value: secretValueSchema, description: descriptionSchema.nullish() })
  .strict();

export const secretsRouter = {
  /** Keys and descriptions only, never values; `include_internal` adds auth-profile credential rows. */
  list: publicProcedure
    .input(z.object({ include_internal: z.boolean().optional() }).strict().optional())
    .query(({ ctx, input }) => ctx.services.secrets.list({ includeInternal: input?.include_internal })),

  /** The one procedure that returns a secret value (stored, else the environment variable of that name). */
  get: publicProcedure.input(keyInput).query(({ ctx, input }) => ctx.services.secrets.get(input.key)),

  has: publicProcedure.input(keyInput).query(({ ctx, input }) => ctx.services.secrets.has(input.key)),

  /** Upsert; the description is overwritten (absent → cleared). */
  set: publicProcedure
    .input(writeInput)
    .mutation(({ ctx, input }) => ctx.services.secrets.set(input.key, input.value, input.description)),

  /** CONFLICT if the key exists. */
  create: publicProcedure
    .input(writeInput)
    .mutation(({ ctx, input }) => ctx.services.secrets.create(input.key, input.value, input.description)),

  /** NOT_FOUND if the key is missing; the description changes only when given. */
  update: publicProcedure
    .input(writeInput)
    .mutation(({ ctx, input }) => ctx.services.secrets.update(input.key, input.value, input.description)),

  delete: publicProcedure.input(keyInput).mutation(({ ctx, input }) => ctx.services.secrets.delete(input.key)),
} satisfies TRPCRouterRecord;
