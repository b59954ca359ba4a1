import { z } from 'zod';
import { idSchema } from './common.ts';
import { NUL_REFUSED, text, withoutNul } from './limits.ts';

// Session model names ("default" or a catalogue id/alias) are checked by the daemon, so the engine gets the same
// rule.
const sessionNameSchema = text('name').trim().min(1, 'name is required').max(200);

export const executionSchema = z.strictObject({
  steps: z.array(
    z.strictObject({
      step_type: text('token'),
      name: text('name'),
      status: text('token'),
      duration_ms: z.number().int().nonnegative().optional(),
    }),
  ),
  duration_ms: z.number().int().nonnegative(),
  tokens_used: z.number().int().nonnegative(),
  status: z.enum(['running', 'completed', 'failed', 'cancelled']),
  /** The model that answered. */
  model: text('id').min(1).optional(),
  /** Why the run failed. */
  error: text('description').optional(),
});

export const listSessionsInput = z
  .strictObject({ agent_id: idSchema.optional(), skill_id: idSchema.optional() })
  .optional();

/** agent_id defaults to the first agent; model to the agent's model, else "default". */
export const createSessionInput = z
  .strictObject({
    agent_id: idSchema.optional(),
    model: text('id').trim().min(1).optional(),
    name: sessionNameSchema.optional(),
    skill_id: idSchema.optional(),
  })
  .default({});

export const updateSessionInput = z.strictObject({
  id: idSchema,
  name: sessionNameSchema.optional(),
  agent_id: idSchema.optional(),
  model: text('id').trim().min(1).optional(),
});

export const searchSessionsFields = {
  // As memory search's query: SQLite ends text at a NUL in FTS5 strings and LIKE patterns (ChatSessionService.search
  // refuses it too, for callers inside the daemon).
  query: text('query').trim().min(1, 'query is required').refine(withoutNul, NUL_REFUSED),
  agent_id: idSchema.optional(),
};

export const searchSessionsInput = z.strictObject({
  ...searchSessionsFields,
  /** At most this many sessions, the most recently updated; absent: every matching session. */
  limit: z.number().int().min(1).max(500).optional(),
});

/** Sessions last updated before `older_than_ms` (epoch ms). */
export const clearSessionsInput = z.strictObject({ older_than_ms: z.number().int().nonnegative() });

export const createMessageInput = z.strictObject({
  session_id: idSchema,
  role: z.enum(['user', 'assistant', 'system']),
  content: text('document'),
  execution: executionSchema.optional(),
});

export const listMessagesInput = z.strictObject({
  session_id: idSchema,
  limit: z.number().int().positive().max(10_000).optional(),
});
