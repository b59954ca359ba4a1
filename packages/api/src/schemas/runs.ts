import { z } from 'zod';
import { idSchema, textSchema } from './common.ts';
import { text } from './limits.ts';
import { RUN_STATUSES } from './values.ts';

export const sendInput = z
  .object({
    /** The session to continue; its agent answers. */
    session_id: idSchema.optional(),
    /** Without a session: the agent to start a new session with. */
    agent_id: idSchema.optional(),
    content: textSchema('content'),
  })
  .strict()
  .refine((input) => input.session_id !== undefined || input.agent_id !== undefined, {
    message: 'session_id or agent_id is required',
    path: ['session_id'],
  });

export const sendResultSchema = z.strictObject({
  run_id: z.string(),
  session_id: z.string(),
  /** The assistant message the run fills in. */
  message_id: z.string(),
  user_message_id: z.string(),
});

/** The filters of the runs list, the same for `runs.list` and its pages (`runs.page`, pages.ts); they combine. */
export const runFilterFields = {
  session_id: idSchema.optional(),
  /** A task's runs, by its full id. */
  task_id: text('id').trim().min(1).optional(),
  /** The sub-agent runs one run spawned (id or unique prefix). */
  parent_run_id: idSchema.optional(),
  /** A whole tree: the top-level run and every sub-agent run below it (id or unique prefix). */
  root_run_id: idSchema.optional(),
  /** An agent's runs, by its full id. */
  agent_id: text('id').trim().min(1).optional(),
  status: z.enum(RUN_STATUSES).optional(),
};

export const listRunsInput = z
  .object({ ...runFilterFields, limit: z.number().int().min(1).max(500).optional() })
  .strict()
  .optional();

/** `lastEventId` is the `tracked()` id of the last event seen (the run's seq). */
export const runEventsInput = z.object({ run_id: idSchema, lastEventId: text('token').nullish() }).strict();
