// A run and its sub-agent runs (docs/engine.md#sub-agents): what `runs.tree` returns, flat and depth-first so any
// client can indent it.
import { z } from 'zod';
import { runInfoSchema } from './resources.ts';

export const runTreeSchema = z.strictObject({
  /** The run asked for. */
  run_id: z.string(),
  /** It and every sub-agent run below it, depth-first (children oldest first); `depth` 0 is the run asked for. */
  runs: z.array(runInfoSchema.extend({ depth: z.number().int().nonnegative() })),
});
