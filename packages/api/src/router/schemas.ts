// Shared wire schemas (restflow-domain field names). Domain-specific schemas live next to their router.
import { MODEL_IDS, modelLifecycle, normalizeModelId, OPENAI_COMPATIBLE_PREFIX } from '@restflow/core';
import { z } from 'zod';

export const idSchema = z.string().trim().min(1, 'id is required').max(200);

export const modelIdSchema = z
  .string()
  .trim()
  .min(1)
  .transform((value, ctx) => {
    const model = normalizeModelId(value);
    if (!model) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown model "${value}" (known: ${MODEL_IDS.join(', ')}, or anthropic:<model> / openai:<model> / deepseek:<model> for newer models, or ${OPENAI_COMPATIBLE_PREFIX}<model> for an OpenAI-compatible server)`,
      });
      return z.NEVER;
    }
    const lifecycle = modelLifecycle(model);
    if (lifecycle?.status === 'retired') {
      ctx.addIssue({
        code: 'custom',
        message: `${lifecycle.model} was retired by its provider on ${lifecycle.retired_on}; use ${lifecycle.replacement}`,
      });
      return z.NEVER;
    }
    return model;
  });

export const apiKeyConfigSchema = z.object({
  type: z.enum(['direct', 'secret']),
  value: z.string().min(1),
});

export const agentNodeSchema = z
  .object({
    model: modelIdSchema.optional(),
    prompt: z.string().optional(),
    temperature: z.number().min(0).max(2).optional(),
    api_key_config: apiKeyConfigSchema.optional(),
    tools: z.array(z.string().min(1)).optional(),
    skills: z.array(z.string().min(1)).optional(),
    skill_variables: z.record(z.string(), z.string()).optional(),
  })
  .strict();

export const agentNameSchema = z.string().trim().min(1, 'name is required').max(200);
