import { z } from 'zod';
import { idSchema, textSchema } from './common.ts';

export const agentNameSchema = z.string().trim().min(1, 'name is required').max(200);

export const apiKeyConfigSchema = z.object({
  type: z.enum(['direct', 'secret']),
  value: z.string().min(1),
});

/**
 * An agent definition. The daemon also checks `model` against its model catalogue (and normalises aliases);
 * a client can only check that one is given.
 */
export const agentNodeSchema = z
  .object({
    model: z.string().trim().min(1).optional(),
    prompt: z.string().optional(),
    temperature: z.number().min(0).max(2).optional(),
    api_key_config: apiKeyConfigSchema.optional(),
    tools: z.array(z.string().min(1)).optional(),
    skills: z.array(z.string().min(1)).optional(),
    skill_variables: z.record(z.string(), z.string()).optional(),
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
