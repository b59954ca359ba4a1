import { z } from 'zod';
import { LLM_PROVIDERS } from './values.ts';

export const llmProviderSchema = z.enum(LLM_PROVIDERS);

/** `models.list`: every provider, or one; `refresh` skips the daemon's cache. */
export const modelsListInput = z
  .strictObject({ provider: llmProviderSchema.optional(), refresh: z.boolean().optional() })
  .optional();

export const modelLifecycleSchema = z.discriminatedUnion('status', [
  z.strictObject({
    status: z.literal('retired'),
    model: z.string(),
    retired_on: z.string(),
    replacement: z.string(),
  }),
  z.strictObject({
    status: z.literal('deprecated'),
    model: z.string(),
    retires_on: z.string(),
    replacement: z.string(),
  }),
]);

export const listedModelSchema = z.strictObject({
  /** What an agent stores: a catalogue id, or `openai:<model>` / `openai-compatible:<model>`. */
  id: z.string(),
  api_model: z.string(),
  name: z.string(),
  in_catalogue: z.boolean(),
  /** Requests to it carry the agent's temperature; reasoning models refuse one. */
  supports_temperature: z.boolean(),
  lifecycle: modelLifecycleSchema.nullable(),
});

export const providerModelsSchema = z.strictObject({
  provider: llmProviderSchema,
  /** A key (or, for an OpenAI-compatible server, an endpoint) is configured. */
  configured: z.boolean(),
  /** Where the key comes from ("env OPENAI_API_KEY", "secret …", "auth profile …"), never the key. */
  key_source: z.string().nullable(),
  base_url: z.string(),
  source: z.enum(['live', 'catalogue', 'settings']),
  models: z.array(listedModelSchema),
  fetched_at: z.number().nullable(),
  /** Why there is no live list: no key, the provider unreachable or refusing the key, … */
  error: z.string().nullable(),
});

export const modelAliasesSchema = z.strictObject({
  aliases: z.array(z.strictObject({ alias: z.string(), model: z.string() })),
  retirements: z.array(
    z.strictObject({
      model: z.string(),
      provider: z.enum(['anthropic', 'openai', 'deepseek']),
      retires_on: z.string(),
      replacement: z.string(),
    }),
  ),
});
