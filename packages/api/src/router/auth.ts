import { UnavailableError } from '@restflow/core';
import {
  apiKeyInput,
  authProviderInput,
  createAuthInput,
  deleteResultSchema,
  disableAuthInput,
  idInput,
  listAuthInput,
  updateAuthInput,
} from '../schemas/index.ts';
import { publicProcedure, router } from '../trpc.ts';

export const authRouter = router({
  /** Profiles with secret refs and a masked hint; never a credential value. With `provider`: in selection order. */
  list: publicProcedure
    .input(listAuthInput)
    .query(({ ctx, input }) => ctx.services.auth.list({ provider: input?.provider })),

  /** `id` may be a unique prefix. */
  get: publicProcedure.input(idInput).query(({ ctx, input }) => ctx.services.auth.get(input.id)),

  create: publicProcedure.input(createAuthInput).mutation(({ ctx, input }) => ctx.services.auth.add(input)),

  update: publicProcedure.input(updateAuthInput).mutation(({ ctx, input }) => {
    const { id, ...update } = input;
    return ctx.services.auth.update(id, update);
  }),

  /** Deletes the profile and its credential secrets. */
  delete: publicProcedure
    .input(idInput)
    .output(deleteResultSchema)
    .mutation(({ ctx, input }) => ctx.services.auth.delete(input.id)),

  /** Makes the profile the first choice (priority 0, every other profile ≥ 1). */
  use: publicProcedure.input(idInput).mutation(({ ctx, input }) => ctx.services.auth.use(input.id)),

  discover: publicProcedure.mutation(({ ctx }) => ctx.services.auth.discover()),

  test: publicProcedure.input(idInput).mutation(({ ctx, input }) => ctx.services.auth.test(input.id)),

  enable: publicProcedure.input(idInput).mutation(({ ctx, input }) => ctx.services.auth.enable(input.id)),

  disable: publicProcedure
    .input(disableAuthInput)
    .mutation(({ ctx, input }) => ctx.services.auth.disable(input.id, input.reason)),

  summary: publicProcedure.query(({ ctx }) => ctx.services.auth.summary()),

  /** The profile that would be used now, why, and the alternatives in order. */
  select: publicProcedure.input(authProviderInput).query(({ ctx, input }) => {
    const selection = ctx.services.auth.select(input.provider);
    if (!selection) throw new UnavailableError(`no available ${input.provider} auth profile`);
    return selection;
  }),

  /**
   * `{profile_id, api_key}` of the best available profile. A model provider (anthropic, openai, deepseek) walks
   * its compatible auth providers. The one procedure besides `secrets.get` that returns a credential value, on
   * explicit request only.
   */
  apiKey: publicProcedure.input(apiKeyInput).query(({ ctx, input }) => {
    const resolved = ctx.services.auth.getApiKey(input.provider);
    if (!resolved) throw new UnavailableError(`no available auth profile holds a key for ${input.provider}`);
    return resolved;
  }),
});
