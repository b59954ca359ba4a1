import {
  AUTH_PROVIDERS,
  AUTH_SOURCES,
  type AuthProvider,
  MODEL_PROVIDER_AUTH,
  type Provider,
  UnavailableError,
} from '@restflow/core';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { publicProcedure } from '../trpc.ts';
import { idSchema } from './schemas.ts';

const providerSchema = z.enum(AUTH_PROVIDERS, { error: `provider must be one of ${AUTH_PROVIDERS.join(', ')}` });
// Model providers (walk their compatible auth providers) and auth providers, as getApiKey accepts them.
const API_KEY_PROVIDERS = [...new Set([...(Object.keys(MODEL_PROVIDER_AUTH) as Provider[]), ...AUTH_PROVIDERS])] as [
  Provider | AuthProvider,
  ...(Provider | AuthProvider)[],
];
const apiKeyProviderSchema = z.enum(API_KEY_PROVIDERS, {
  error: `provider must be one of ${API_KEY_PROVIDERS.join(', ')}`,
});
const sourceSchema = z.enum(AUTH_SOURCES, { error: `source must be one of ${AUTH_SOURCES.join(', ')}` });
const emailSchema = z.string().trim().min(1).max(320).optional();
const expiresAtSchema = z.iso.datetime({ offset: true, error: 'expires_at must be an RFC 3339 timestamp' }).optional();
// Raw credential values are never echoed in validation messages.
const credentialValue = (field: string) =>
  z
    .string()
    .min(1, `${field} must not be empty`)
    .max(16 * 1024, `${field} is too long`);

/** A raw credential (docs/entities.md#auth-profiles), stored by the service as encrypted secrets. */
const credentialSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('api_key'), key: credentialValue('key'), email: emailSchema }).strict(),
  z
    .object({
      type: z.literal('token'),
      token: credentialValue('token'),
      expires_at: expiresAtSchema,
      email: emailSchema,
    })
    .strict(),
  z
    .object({
      type: z.literal('o_auth'),
      access_token: credentialValue('access_token'),
      refresh_token: credentialValue('refresh_token').optional(),
      expires_at: expiresAtSchema,
      email: emailSchema,
    })
    .strict(),
]);

const nameSchema = z.string().trim().min(1, 'name is required').max(200);
const idInput = z.object({ id: idSchema }).strict();

export const authRouter = {
  /** Profiles with secret refs and a masked hint; never a credential value. */
  list: publicProcedure
    .input(z.object({ provider: providerSchema.optional() }).strict().optional())
    .query(({ ctx, input }) => ctx.services.auth.list({ provider: input?.provider })),

  /** `id` may be a unique prefix. */
  get: publicProcedure.input(idInput).query(({ ctx, input }) => ctx.services.auth.get(input.id)),

  add: publicProcedure
    .input(
      z
        .object({
          name: nameSchema,
          credential: credentialSchema,
          provider: providerSchema,
          source: sourceSchema.optional(),
        })
        .strict(),
    )
    .mutation(({ ctx, input }) => ctx.services.auth.add(input)),

  update: publicProcedure
    .input(
      z
        .object({
          id: idSchema,
          name: nameSchema.optional(),
          enabled: z.boolean().optional(),
          priority: z.number().int('priority must be an integer').min(-1000).max(1000).optional(),
        })
        .strict(),
    )
    .mutation(({ ctx, input }) => {
      const { id, ...update } = input;
      return ctx.services.auth.update(id, update);
    }),

  /** Deletes the profile and its credential secrets. */
  remove: publicProcedure.input(idInput).mutation(({ ctx, input }) => ctx.services.auth.remove(input.id)),

  /** Makes the profile the first choice (priority 0, every other profile ≥ 1). */
  use: publicProcedure.input(idInput).mutation(({ ctx, input }) => ctx.services.auth.use(input.id)),

  discover: publicProcedure.mutation(({ ctx }) => ctx.services.auth.discover()),

  test: publicProcedure.input(idInput).mutation(({ ctx, input }) => ctx.services.auth.test(input.id)),

  enable: publicProcedure.input(idInput).mutation(({ ctx, input }) => ctx.services.auth.enable(input.id)),

  disable: publicProcedure
    .input(z.object({ id: idSchema, reason: z.string().trim().max(500).optional() }).strict())
    .mutation(({ ctx, input }) => ctx.services.auth.disable(input.id, input.reason)),

  markSuccess: publicProcedure.input(idInput).mutation(({ ctx, input }) => ctx.services.auth.markSuccess(input.id)),

  markFailure: publicProcedure.input(idInput).mutation(({ ctx, input }) => ctx.services.auth.markFailure(input.id)),

  summary: publicProcedure.query(({ ctx }) => ctx.services.auth.summary()),

  /** Profiles of one auth provider in selection order. */
  forProvider: publicProcedure
    .input(z.object({ provider: providerSchema }).strict())
    .query(({ ctx, input }) => ctx.services.auth.forProvider(input.provider)),

  /** `select_profile`: the profile that would be used now, why, and the alternatives in order. */
  select: publicProcedure.input(z.object({ provider: providerSchema }).strict()).query(({ ctx, input }) => {
    const selection = ctx.services.auth.select(input.provider);
    if (!selection) throw new UnavailableError(`no available ${input.provider} auth profile`);
    return selection;
  }),

  /**
   * `{profile_id, api_key}` of the best available profile. A model provider
   * (anthropic, openai, deepseek) walks its compatible auth providers. The one procedure besides `secrets.get`
   * that returns a credential value, on explicit request only.
   */
  getApiKey: publicProcedure.input(z.object({ provider: apiKeyProviderSchema }).strict()).query(({ ctx, input }) => {
    const resolved = ctx.services.auth.getApiKey(input.provider);
    if (!resolved) throw new UnavailableError(`no available auth profile holds a key for ${input.provider}`);
    return resolved;
  }),
} satisfies TRPCRouterRecord;
