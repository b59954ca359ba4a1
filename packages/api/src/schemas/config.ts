import { z } from 'zod';
import { text } from './limits.ts';

const count = (min: number) => z.number().int().min(min);

export const systemConfigSchema = z
  .object({
    worker_count: count(1),
    task_timeout_seconds: count(10),
    stall_timeout_seconds: count(10),
    max_retries: count(1),
    subagent_max_parallel: count(1).optional(),
    subagent_timeout_seconds: count(1).optional(),
    subagent_max_depth: count(1).optional(),
    log_max_file_mb: count(1).optional(),
    log_keep_files: count(1).optional(),
    log_max_age_days: count(1).optional(),
    run_events_keep_days: count(1).optional(),
  })
  .strict();

const endpointSchema = z.object({ base_url: text('url').optional() }).strict();

/** Per-provider endpoints (base_url wins over OPENAI_BASE_URL / ANTHROPIC_BASE_URL / DEEPSEEK_BASE_URL). */
export const providerSettingsSchema = z
  .object({
    openai: endpointSchema.optional(),
    anthropic: endpointSchema.optional(),
    deepseek: endpointSchema.optional(),
    openai_compatible: endpointSchema
      .extend({ models: z.array(text('id').trim().min(1)).max(200).optional() })
      .strict()
      .optional(),
  })
  .strict();

export const setConfigInput = z.object({ config: systemConfigSchema }).strict();

/** One key; an unknown key is a BAD_REQUEST naming it. */
export const updateConfigInput = z.object({ key: text('token').min(1), value: z.number().int() }).strict();

export const setProvidersInput = z.object({ providers: providerSettingsSchema }).strict();

const executionBackendSchema = z.enum(['local', 'queue']);

/**
 * The `execution.*` keys (docs/workers.md) and what the daemon runs with. A Redis password is never part of it:
 * `redis_url` comes without it and `redis_password_secret` names the secret that holds it.
 */
export const executionSettingsSchema = z.strictObject({
  backend: executionBackendSchema,
  redis_url: z.string().nullable(),
  redis_password_secret: z.string().nullable(),
  queue: z.string(),
  queue_prefix: z.string(),
  /** Read once at start (a change applies at the next daemon start); RESTFLOW_* variables override the keys. */
  in_effect: z.strictObject({
    backend: executionBackendSchema,
    redis_url: z.string().nullable(),
    queue: z.string(),
    queue_prefix: z.string(),
    from_environment: z.array(z.string()),
  }),
});

/**
 * Changes the keys given. `redis_url` may carry a password: it is moved to the secret RESTFLOW_REDIS_PASSWORD;
 * empty or null unsets the URL and its password. Empty or null `queue` / `queue_prefix` restore the default.
 */
export const setExecutionSettingsInput = z.strictObject({
  execution: z.strictObject({
    backend: executionBackendSchema.optional(),
    redis_url: text('url').nullable().optional(),
    queue: text('name').nullable().optional(),
    queue_prefix: text('name').nullable().optional(),
  }),
});
