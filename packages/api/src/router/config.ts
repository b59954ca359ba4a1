import { CONFIG_KEYS } from '@restflow/core';
import {
  executionSettingsSchema,
  setConfigInput,
  setExecutionSettingsInput,
  setProvidersInput,
  setTelegramSettingsInput,
  telegramSettingsSchema,
  updateConfigInput,
} from '../schemas/index.ts';
import { publicProcedure, router } from '../trpc.ts';

export const configRouter = router({
  get: publicProcedure.query(({ ctx }) => ctx.services.config.get()),

  /** Replaces the whole config. */
  set: publicProcedure.input(setConfigInput).mutation(({ ctx, input }) => ctx.services.config.set(input.config)),

  /** Sets one key; an unknown key is a BAD_REQUEST naming it. */
  update: publicProcedure
    .input(updateConfigInput)
    .mutation(({ ctx, input }) => ctx.services.config.setKey(input.key, input.value)),

  reset: publicProcedure.mutation(({ ctx }) => ctx.services.config.reset()),

  keys: publicProcedure.query(() => CONFIG_KEYS),

  providers: {
    get: publicProcedure.query(({ ctx }) => ctx.services.providers.get()),
    /** Replaces the whole provider settings; an invalid base_url is a BAD_REQUEST naming the field. */
    set: publicProcedure
      .input(setProvidersInput)
      .mutation(({ ctx, input }) => ctx.services.providers.set(input.providers)),
  },

  /**
   * Where agent runs execute (docs/workers.md): `backend` local | queue, the Redis URL (its password kept as the
   * secret RESTFLOW_REDIS_PASSWORD, never shown), the queue names. Applied at the next daemon start.
   */
  execution: {
    get: publicProcedure.output(executionSettingsSchema).query(({ ctx }) => ctx.services.execution.view()),
    /** Changes the keys given; a bad one is a BAD_REQUEST naming it (never quoting a password). */
    set: publicProcedure
      .input(setExecutionSettingsInput)
      .output(executionSettingsSchema)
      .mutation(({ ctx, input }) => ctx.services.execution.set(input.execution)),
  },

  /** The Telegram channel's settings: `allowed_chats` may use the bot; applied to the next message. */
  telegram: {
    get: publicProcedure.output(telegramSettingsSchema).query(({ ctx }) => ctx.services.telegram.get()),
    /** Replaces the whole settings; a bad chat id is a BAD_REQUEST naming it. */
    set: publicProcedure
      .input(setTelegramSettingsInput)
      .output(telegramSettingsSchema)
      .mutation(({ ctx, input }) => ctx.services.telegram.set(input.telegram)),
  },
});
