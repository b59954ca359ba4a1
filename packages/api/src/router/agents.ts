import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { publicProcedure } from '../trpc.ts';
import { textSchema } from './run-schemas.ts';
import { agentNameSchema, agentNodeSchema, idSchema } from './schemas.ts';

const executeInput = z
  .object({
    id: idSchema,
    input: textSchema('input'),
    session_id: idSchema.optional(),
  })
  .strict();

export const agentsRouter = {
  list: publicProcedure.query(({ ctx }) => ctx.services.agents.list()),

  /** `id` may be a unique prefix of an agent id. */
  get: publicProcedure
    .input(z.object({ id: idSchema }).strict())
    .query(({ ctx, input }) => ctx.services.agents.get(input.id)),

  create: publicProcedure
    .input(z.object({ name: agentNameSchema, agent: agentNodeSchema.default({}) }).strict())
    .mutation(({ ctx, input }) => ctx.services.agents.create(input.name, input.agent)),

  update: publicProcedure
    .input(z.object({ id: idSchema, name: agentNameSchema.optional(), agent: agentNodeSchema.optional() }).strict())
    .mutation(({ ctx, input }) => ctx.services.agents.update(input.id, { name: input.name, agent: input.agent })),

  delete: publicProcedure
    .input(z.object({ id: idSchema }).strict())
    .mutation(({ ctx, input }) => ctx.services.agents.delete(input.id)),

  /** Runs a stored agent to completion; mirrored into `session_id` if given. */
  execute: publicProcedure
    .input(executeInput)
    .mutation(({ ctx, input }) => ctx.services.chat.execute(input.id, input.input, input.session_id)),

  /**
   * The same run as `execute`, returned at once as `{runId, sessionId, messageId}`: stream it with `chat.onRun`,
   * stop it with `chat.cancel` (what `restflow agent exec` does).
   */
  start: publicProcedure
    .input(executeInput)
    .mutation(({ ctx, input }) => ctx.services.chat.startExecution(input.id, input.input, input.session_id)),

  /** Runs an unsaved agent definition to completion. */
  executeInline: publicProcedure
    .input(
      z
        .object({
          agent: agentNodeSchema,
          input: textSchema('input'),
        })
        .strict(),
    )
    .mutation(({ ctx, input }) => ctx.services.chat.executeInline(input.agent, input.input)),
} satisfies TRPCRouterRecord;
