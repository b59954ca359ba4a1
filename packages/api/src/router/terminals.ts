import { createTerminalInput, deleteResultSchema, idInput, updateTerminalInput } from '../schemas/index.ts';
import { publicProcedure, router } from '../trpc.ts';

export const terminalsRouter = router({
  /** In creation order. */
  list: publicProcedure.query(({ ctx }) => ctx.services.terminals.list()),

  /** `id` may be a unique prefix. */
  get: publicProcedure.input(idInput).query(({ ctx, input }) => ctx.services.terminals.get(input.id)),

  /** Without a name the session gets the next free "Terminal N". */
  create: publicProcedure
    .input(createTerminalInput)
    .mutation(({ ctx, input }) => ctx.services.terminals.create(input ?? {})),

  /** Only the given fields change (rename = `update({ id, name })`); an empty working_directory / startup_command clears it. */
  update: publicProcedure.input(updateTerminalInput).mutation(({ ctx, input }) => {
    const { id, ...patch } = input;
    return ctx.services.terminals.update(id, patch);
  }),

  delete: publicProcedure
    .input(idInput)
    .output(deleteResultSchema)
    .mutation(({ ctx, input }) => ctx.services.terminals.delete(input.id)),
});
