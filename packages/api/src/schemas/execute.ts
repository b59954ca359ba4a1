import { z } from 'zod';
import { idSchema, textSchema } from './common.ts';

/**
 * `POST /api/execute`'s body: the same run as `agents.run` (its fields named for the HTTP API), streamed back as
 * Server-Sent Events.
 */
export const executeRequestSchema = z.strictObject({
  agent_id: idSchema,
  input: textSchema('input'),
  session_id: idSchema.optional(),
});

export type ExecuteRequest = z.infer<typeof executeRequestSchema>;
