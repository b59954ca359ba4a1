import { z } from 'zod';
import { idSchema, textSchema } from './common.ts';
import { text } from './limits.ts';

export const agentNameSchema = text('name').trim().min(1, 'name is required').max(200);

export const apiKeyConfigSchema = z.object({
  type: z.enum(['direct', 'secret']),
  value: text('secret').min(1),
});

/**
 * An agent definition. The daemon also checks `model` against its model catalogue (and normalises aliases);
 * a client can only check that one is given.
 */
export const agentNodeSchema = z
  .object({
    model: text('id').trim().min(1).optional(),
    prompt: text('prompt').optional(),
    temperature: z.number().min(0).max(2).optional(),
    api_key_config: apiKeyConfigSchema.optional(),
    tools: z.array(text('name').min(1)).optional(),
    skills: z.array(text('id').min(1)).optional(),
    skill_variables: z.record(text('name'), text('argument')).optional(),
    // Tool settings (docs/security.md): granted environment, sandbox network, http_request hosts.
    env: z
      .record(
        text('name').regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a shell variable name'),
        z.union([text('secret'), z.object({ secret: text('name').min(1) }).strict()]),
      )
      .optional(),
    sandbox: z.object({ network: z.boolean().optional() }).strict().optional(),
    allowed_hosts: z
      .array(
        text('host')
          .trim()
          .toLowerCase()
          .regex(/^(\*\.)?[a-z0-9.-]+$/, 'must be a host name such as example.com or *.example.com'),
      )
      .optional(),
    // Worker tags its runs need under the queue backend (docs/workers.md).
    requires: z
      .array(
        text('tag')
          .trim()
          .toLowerCase()
          .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'must be a lower-case word (a-z, 0-9, _ and -)'),
      )
      .max(6)
      .optional(),
  })
  .strict();

export const createAgentInput = z.object({ name: agentNameSchema, agent: agentNodeSchema.default({}) }).strict();

export const updateAgentInput = z
  .object({ id: idSchema, name: agentNameSchema.optional(), agent: agentNodeSchema.optional() })
  .strict();

export const runAgentInput = z
  .object({
    id: idSchema,
    input: textSchema('input'),
    session_id: idSchema.optional(),
    /** Keep the run's provider exchanges and tool results, for `runs.recording` and `runs.replay`. */
    record: z.boolean().optional(),
  })
  .strict();

export const executeInlineInput = z
  .object({
    agent: agentNodeSchema,
    input: textSchema('input'),
  })
  .strict();

/** A run started at once: stream it with `runs.onEvents`, stop it with `runs.cancel`. */
export const startedRunSchema = z.strictObject({
  run_id: z.string(),
  session_id: z.string().nullable(),
  message_id: z.string().nullable(),
});
