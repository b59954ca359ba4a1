import { deleteResultSchema, listSecretsInput, secretKeyInput, setSecretInput } from '../schemas/index.ts';
import { publicProcedure, router } from '../trpc.ts';

export const secretsRouter = router({
  /** Keys and descriptions only, never values; `include_internal` adds auth-profile credential rows. */
  list: publicProcedure
    .input(listSecretsInput)
    .query(({ ctx, input }) => ctx.services.secrets.list({ includeInternal: input?.include_internal })),

  /** The one procedure that returns a secret value (stored, else the environment variable of that name). */
  get: publicProcedure.input(secretKeyInput).query(({ ctx, input }) => ctx.services.secrets.get(input.key)),

  has: publicProcedure.input(secretKeyInput).query(({ ctx, input }) => ctx.services.secrets.has(input.key)),

  /** Creates or replaces the secret; the description is overwritten (absent → cleared). */
  set: publicProcedure
    .input(setSecretInput)
    .mutation(({ ctx, input }) => ctx.services.secrets.set(input.key, input.value, input.description)),

  delete: publicProcedure
    .input(secretKeyInput)
    .output(deleteResultSchema)
    .mutation(({ ctx, input }) => ctx.services.secrets.delete(input.key)),
});
