import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { publicProcedure } from '../trpc.ts';
import { idSchema } from './schemas.ts';

const nameSchema = z.string().trim().min(1, 'name must not be empty').max(200, 'name must be at most 200 characters');
const pathSchema = z.string().max(4096, 'working_directory must be at most 4096 characters');
const commandSchema = z.string().max(10_000, 'startup_command must be at most 10000 characters');
const idInput = z.object({ id: idSchema }).strict();

export const terminalsRouter = {
  /** In creation order. */
  list: publicProcedure.query(({ ctx }) => ctx.services.terminals.list()),

  /** `id` may be a unique prefix. */
  get: publicProcedure.input(idInput).query(({ ctx, input }) => ctx.services.terminals.get(input.id)),

  /** Without a name the session gets the next free "Terminal N". */
  create: publicProcedure
    .input(
      z
        .object({
          name: nameSchema.optional(),
          working_directory: pathSchema.optional(),
          startup_command: commandSchema.optional(),
        })
        .strict()
        .optional(),
    )
    .mutation(({ ctx, input }) => ctx.services.terminals.create(input ?? {})),

  rename: publicProcedure
    .input(z.object({ id: idSchema, name: nameSchema }).strict())
    .mutation(({ ctx, input }) => ctx.services.terminals.rename(input.id, input.name)),

  /** Only the given fields change; an empty working_directory / startup_command clears it. */
  update: publicProcedure
    .input(
      z
        .object({
          id: idSchema,
          name: nameSchema.optional(),
          working_directory: pathSchema.optional(),
          startup_command: commandSchema.optional(),
          history: z.string().optional(),
          status: z.enum(['running', 'stopped']).optional(),
        })
        .strict(),
    )
    .mutation(({ ctx, input }) => {
      const { id, ...patch } = input;
      return ctx.services.terminals.update(id, patch);
    }),

  delete: publicProcedure.input(idInput).mutation(({ ctx, input }) => ctx.services.terminals.delete(input.id)),
} satisfies TRPCRouterRecord;
