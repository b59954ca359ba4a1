import { z } from 'zod';
import { idSchema } from './common.ts';
import { text } from './limits.ts';
import { APPROVAL_STATUSES, MAX_APPROVAL_TIMEOUT_SECS, SECURITY_ACTIONS } from './values.ts';

export const commandPatternSchema = z
  .object({
    pattern: text('short', 'pattern').trim().min(1, 'pattern must not be empty'),
    description: text('short', 'description').optional(),
  })
  .strict();
export const patternsSchema = z.array(commandPatternSchema).max(1000, 'at most 1000 patterns');
const actionSchema = z.enum(SECURITY_ACTIONS, { error: `must be one of ${SECURITY_ACTIONS.join(', ')}` });
const indexSchema = z.number().int('index must be an integer').min(0, 'index must be 0 or more');
const commandSchema = text('command').trim().min(1, 'command must not be empty');

/** The given fields replace theirs; the others keep their values. */
export const updatePolicyInput = z
  .object({
    default_action: actionSchema.optional(),
    allowlist: patternsSchema.optional(),
    blocklist: patternsSchema.optional(),
    approval_required: patternsSchema.optional(),
    approval_timeout_secs: z
      .number()
      .int('approval_timeout_secs must be an integer')
      .min(1, 'approval_timeout_secs must be at least 1')
      .max(MAX_APPROVAL_TIMEOUT_SECS, `approval_timeout_secs must be at most ${MAX_APPROVAL_TIMEOUT_SECS}`)
      .optional(),
  })
  .strict();

/** `{ <list name>: patterns }`, e.g. `{ allowlist: [...] }`. */
export const setPatternsInput = <List extends string>(list: List) =>
  z.object({ [list]: patternsSchema } as Record<List, typeof patternsSchema>).strict();

/** 0-based, as listed. */
export const patternIndexInput = z.object({ index: indexSchema }).strict();

export const checkCommandInput = z.object({ command: commandSchema }).strict();

export const listApprovalsInput = z
  .object({
    status: z.enum(APPROVAL_STATUSES).optional(),
    task_id: text('id').min(1).optional(),
    agent_id: text('id').min(1).optional(),
    run_id: text('id').min(1).optional(),
  })
  .strict()
  .optional();

export const rejectApprovalInput = z
  .object({ id: idSchema, reason: text('description', 'reason').optional() })
  .strict();

export const createApprovalInput = z
  .object({
    command: commandSchema,
    task_id: text('id').min(1).optional(),
    agent_id: text('id').min(1).optional(),
    run_id: text('id').min(1).optional(),
    workdir: text('path').min(1).optional(),
  })
  .strict();

export const approvalsStreamInput = z.object({ include_pending: z.boolean().optional() }).strict().optional();
