// The daemon's unified log (docs/lifecycle.md#logs): recent lines with filters, and the live follow.
import { z } from 'zod';
import { eventCursorSchema } from './common.ts';
import { text } from './limits.ts';

export const LOG_LEVEL_NAMES = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
/** Components that log today; a filter may name any, so a new component needs no schema change. */
export const LOG_COMPONENTS = ['daemon', 'scheduler', 'runs', 'telegram', 'mcp', 'http'] as const;

const logFilterFields = {
  /** Lines at or after this time (ms since the epoch). */
  since: z.number().int().nonnegative().optional(),
  /** The least severe level shown (default: every level the daemon writes). */
  level: z.enum(LOG_LEVEL_NAMES).optional(),
  component: text('name').optional(),
  run_id: text('id').optional(),
  task_id: text('id').optional(),
  session_id: text('id').optional(),
};

export const logListInput = z
  .strictObject({
    ...logFilterFields,
    /** The newest lines matching, at most this many (default 200). */
    limit: z.number().int().min(1).max(10_000).optional(),
  })
  .optional();

export const logFollowInput = z.strictObject({ ...logFilterFields, lastEventId: eventCursorSchema }).optional();

export const logLineSchema = z.strictObject({
  seq: z.number().int(),
  time: z.number(),
  level: z.enum(LOG_LEVEL_NAMES),
  component: z.string(),
  msg: z.string(),
  run_id: z.string().nullable(),
  task_id: z.string().nullable(),
  session_id: z.string().nullable(),
  /** The whole line as the daemon wrote it (JSON, secrets already redacted). */
  raw: z.string(),
});

export const logListSchema = z.strictObject({ lines: z.array(logLineSchema) });
