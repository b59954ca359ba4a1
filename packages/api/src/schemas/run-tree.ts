// A run and its sub-agent runs (docs/engine.md#sub-agents): what `runs.tree` returns, flat and depth-first so any
// client can indent it.
import { z } from 'zod';
import { usageTotalsSchema } from './usage.ts';
import { RUN_KINDS, RUN_STATUSES } from './values.ts';

/** A run as `runs.get` returns it, usage included. */
export const runNodeSchema = z.strictObject({
  id: z.string(),
  kind: z.enum(RUN_KINDS),
  status: z.enum(RUN_STATUSES),
  agent_id: z.string().nullable(),
  session_id: z.string().nullable(),
  task_id: z.string().nullable(),
  message_id: z.string().nullable(),
  started_at: z.number(),
  finished_at: z.number().nullable(),
  error: z.string().nullable(),
  error_code: z.string().nullable(),
  last_seq: z.number().int(),
  usage: usageTotalsSchema,
  /** The run that spawned this one as a sub-agent; null for a top-level run. */
  parent_run_id: z.string().nullable(),
  /** The top-level run of the tree (the run itself when it has no parent). */
  root_run_id: z.string(),
  /** The name the sub-agent was spawned as; null for a top-level run. */
  agent_name: z.string().nullable(),
  /** `usage` plus that of every sub-agent run below this one. */
  usage_total: usageTotalsSchema,
});

export const runTreeSchema = z.strictObject({
  /** The run asked for. */
  run_id: z.string(),
  /** It and every sub-agent run below it, depth-first (children oldest first); `depth` 0 is the run asked for. */
  runs: z.array(runNodeSchema.extend({ depth: z.number().int().nonnegative() })),
});
