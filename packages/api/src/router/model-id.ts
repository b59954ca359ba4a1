// The one server-side refinement of a client-safe schema: model ids are checked against the daemon's model
// catalogue (which clients do not load), and aliases normalised.
import { MODEL_IDS, modelLifecycle, normalizeModelId, OPENAI_COMPATIBLE_PREFIX } from '@restflow/core';
import { z } from 'zod';
import { agentNodeSchema, text } from '../schemas/index.ts';

export const modelIdSchema = text('id')
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

/** `agentNodeSchema` with its model checked against the catalogue. */
export const catalogueAgentNodeSchema = agentNodeSchema.extend({ model: modelIdSchema.optional() }).strict();
