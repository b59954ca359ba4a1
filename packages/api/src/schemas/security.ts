import { z } from 'zod';
import { idSchema } from './common.ts';
import { APPROVAL_STATUSES, MAX_APPROVAL_TIMEOUT_SECS, SECURITY_ACTIONS } from './values.ts';

export const commandPatternSchema = z
  .object({
    pattern: z.string().trim().min(1, 'pattern must not be empty').max(500, 'pattern must be at most 500 characters'),
    description: z.string().max(500, 'description must be at most 500 characters').optional(),
  })
  .strict();
export const patternsSchema = z.array(commandPatternSchema).max(1000, 'at most 1000 patterns');
const actionSchema = z.enum(SECURITY_ACTIONS, { error: `must be one of ${SECURITY_ACTIONS.join(', ')}` });
const indexSchema = z.number().int('index must be an integer').min(0, 'index must be 0 or more');
const commandSchema = z.string().trim().min(1, 'command must not be empty').max(100_000);

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
    task_id: z.string().min(1).optional(),
    agent_id: z.string().min(1).optional(),
    run_id: z.string().min(1).optional(),
  })
  .strict()
  .optional();

export const rejectApprovalInput = z
  .object({ id: idSchema, reason: z.string().max(2000, 'reason must be at most 2000 characters').optional() })
  .strict();

export const createApprovalInput = z
  .object({
    command: commandSchema,
    task_id: z.string().min(1).optional(),
    agent_id: z.string().min(1).optional(),
    run_id: z.string().min(1).optional(),
    workdir: z.string().min(1).max(4096).optional(),
  })
  .strict();

export const approvalsStreamInput = z.object({ include_pending: z.boolean().optional() }).strict().optional();
