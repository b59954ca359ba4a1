import { z } from 'zod';
import { idSchema } from './common.ts';
import { text } from './limits.ts';
import { AUTH_PROVIDERS, AUTH_SOURCES, MODEL_PROVIDERS } from './values.ts';

export const authProviderSchema = z.enum(AUTH_PROVIDERS, {
  error: `provider must be one of ${AUTH_PROVIDERS.join(', ')}`,
});
// Model providers (walk their compatible auth providers) and auth providers, as `auth.apiKey` accepts them.
type ApiKeyProvider = (typeof MODEL_PROVIDERS)[number] | (typeof AUTH_PROVIDERS)[number];
const API_KEY_PROVIDERS = [...new Set<ApiKeyProvider>([...MODEL_PROVIDERS, ...AUTH_PROVIDERS])] as [
  ApiKeyProvider,
  ...ApiKeyProvider[],
];
export const apiKeyProviderSchema = z.enum(API_KEY_PROVIDERS, {
  error: `provider must be one of ${API_KEY_PROVIDERS.join(', ')}`,
});
export const authSourceSchema = z.enum(AUTH_SOURCES, { error: `source must be one of ${AUTH_SOURCES.join(', ')}` });
const emailSchema = text('email').trim().min(1).max(320).optional();
const expiresAtSchema = z.iso.datetime({ offset: true, error: 'expires_at must be an RFC 3339 timestamp' }).optional();
// Raw credential values are never echoed in validation messages.
const credentialValue = (field: string) => text('credential', field).min(1, `${field} must not be empty`);

/** A raw credential; the daemon stores it as encrypted secrets and never returns it in lists. */
export const credentialSchema = z.discriminatedUnion('type', [
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

const nameSchema = text('name').trim().min(1, 'name is required').max(200);

export const listAuthInput = z.object({ provider: authProviderSchema.optional() }).strict().optional();

export const createAuthInput = z
  .object({
    name: nameSchema,
    credential: credentialSchema,
    provider: authProviderSchema,
    source: authSourceSchema.optional(),
  })
  .strict();

export const updateAuthInput = z
  .object({
    id: idSchema,
    name: nameSchema.optional(),
    enabled: z.boolean().optional(),
    priority: z.number().int('priority must be an integer').min(-1000).max(1000).optional(),
  })
  .strict();

export const disableAuthInput = z.object({ id: idSchema, reason: text('short').trim().optional() }).strict();

export const authProviderInput = z.object({ provider: authProviderSchema }).strict();

export const apiKeyInput = z.object({ provider: apiKeyProviderSchema }).strict();
