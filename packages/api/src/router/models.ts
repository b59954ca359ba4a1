import { MODEL_ALIASES, MODEL_RETIREMENTS } from '@restflow/core';
import { z } from 'zod';
import { modelAliasesSchema, modelsListInput, providerModelsSchema } from '../schemas/index.ts';
import { publicProcedure, router } from '../trpc.ts';

export const modelsRouter = router({
  /**
   * Per provider: whether it is configured (key, auth profile or endpoint — `key_source` names where from,
   * never the value), its models (the provider's live `GET /v1/models` list, cached by the daemon and fetched
   * again when the key or endpoint changes; the catalogue when there is no key or the list failed, with
   * `error` saying why). Configured providers first. `refresh` skips the cache.
   */
  list: publicProcedure
    .input(modelsListInput)
    .output(z.array(providerModelsSchema))
    .query(({ ctx, input }) => ctx.services.models.list({ provider: input?.provider, refresh: input?.refresh })),

  /** Short names (`sonnet` → its current model) and retired models with their replacements. */
  aliases: publicProcedure.output(modelAliasesSchema).query(() => ({
    aliases: Object.entries(MODEL_ALIASES).map(([alias, model]) => ({ alias, model })),
    retirements: [...MODEL_RETIREMENTS],
  })),
});
