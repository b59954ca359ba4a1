import { MAX_SHARED_VALUE_BYTES, SHARED_VISIBILITIES } from '@restflow/core';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { publicProcedure } from '../trpc.ts';

const keySchema = z.string().trim().min(1, 'key is required').max(512, 'key must be at most 512 characters');
/** Who is asking: an agent id, or absent for the user. Visibility rules are checked against it. */
const accessorSchema = z.string().trim().min(1, 'accessor must not be empty').max(200).optional();
const namespaceSchema = z.string().trim().min(1, 'namespace must not be empty').max(200).optional();

const keyInput = z.object({ key: keySchema, accessor: accessorSchema }).strict();
const listInput = z.object({ namespace: namespaceSchema, accessor: accessorSchema }).strict().optional();

export const sharedRouter = {
  /**
   * Creates or replaces `namespace:name`. Public entries anyone may change; shared and private ones only their
   * owner (UNAUTHORIZED otherwise). Options not given keep their values on update.
   */
  set: publicProcedure
    .input(
      z
        .object({
          key: keySchema,
          value: z.string().max(MAX_SHARED_VALUE_BYTES, `value must be at most ${MAX_SHARED_VALUE_BYTES} characters`),
          visibility: z.enum(SHARED_VISIBILITIES).optional(),
          content_type: z.string().max(200).optional(),
          type_hint: z.string().max(200).optional(),
          tags: z.array(z.string().trim().min(1, 'tags must not be empty').max(100)).max(50).optional(),
          accessor: accessorSchema,
        })
        .strict(),
    )
    .mutation(({ ctx, input }) => {
      const { key, value, accessor, ...options } = input;
      return ctx.services.shared.set(key, value, options, accessor);
    }),

  /** NOT_FOUND also for someone else's private entry. */
  get: publicProcedure.input(keyInput).query(({ ctx, input }) => ctx.services.shared.get(input.key, input.accessor)),

  delete: publicProcedure
    .input(keyInput)
    .mutation(({ ctx, input }) => ctx.services.shared.delete(input.key, input.accessor)),

  /** Entries the accessor may read, by key; `namespace` limits to `namespace:…`. */
  list: publicProcedure
    .input(listInput)
    .query(({ ctx, input }) => ctx.services.shared.list(input?.namespace, input?.accessor)),

  keys: publicProcedure
    .input(listInput)
    .query(({ ctx, input }) => ctx.services.shared.listKeys(input?.namespace, input?.accessor)),
} satisfies TRPCRouterRecord;
