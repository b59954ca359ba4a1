import { z } from 'zod';
import {
  agentNameSchema,
  deleteResultSchema,
  executeInlineInput,
  idInput,
  idSchema,
  runAgentInput,
  startedRunSchema,
} from '../schemas/index.ts';
import { publicProcedure, router } from '../trpc.ts';
import { catalogueAgentNodeSchema } from './model-id.ts';

export const agentsRouter = router({
  list: publicProcedure.query(({ ctx }) => ctx.services.agents.list()),

  /** `id` may be a unique prefix of an agent id. */
  get: publicProcedure.input(idInput).query(({ ctx, input }) => ctx.services.agents.get(input.id)),

  create: publicProcedure
    .input(z.object({ name: agentNameSchema, agent: catalogueAgentNodeSchema.default({}) }).strict())
    .mutation(({ ctx, input }) => ctx.services.agents.create(input.name, input.agent)),

  update: publicProcedure
    .input(
      z.object({ id: idSchema, name: agentNameSchema.optional(), agent: catalogueAgentNodeSchema.optional() }).strict(),
    )
    .mutation(({ ctx, input }) => ctx.services.agents.update(input.id, { name: input.name, agent: input.agent })),

  delete: publicProcedure
    .input(idInput)
    .output(deleteResultSchema)
    .mutation(({ ctx, input }) => ctx.services.agents.delete(input.id)),

  /** Runs a stored agent to completion; mirrored into `session_id` if given. */
  execute: publicProcedure
    .input(runAgentInput)
    .mutation(({ ctx, input }) => ctx.services.chat.execute(input.id, input.input, input.session_id)),

  /**
   * The same run as `execute`, returned at once as `{run_id, session_id, message_id}`: stream it with
   * `runs.onEvents`, stop it with `runs.cancel` (what `restflow agent exec` does).
   */
  run: publicProcedure
    .input(runAgentInput)
    .output(startedRunSchema)
    .mutation(({ ctx, input }) =>
      ctx.services.chat.startExecution(input.id, input.input, input.session_id, { record: input.record }),
    ),

  /** Runs an unsaved agent definition to completion. */
  executeInline: publicProcedure
    .input(executeInlineInput.extend({ agent: catalogueAgentNodeSchema }).strict())
    .mutation(({ ctx, input }) => ctx.services.chat.executeInline(input.agent, input.input)),
});
