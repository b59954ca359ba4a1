// Usage, cost and budgets (docs/engine.md#usage-and-cost): the report, the price table, the budgets.
import { z } from 'zod';
import { idSchema } from './common.ts';
import { text } from './limits.ts';

export const USAGE_GROUPINGS = ['agent', 'task', 'model', 'day'] as const;

export const usageReportInput = z
  .strictObject({
    /** Default: agent. */
    by: z.enum(USAGE_GROUPINGS).optional(),
    /** Only calls at or after this time (ms since the epoch). */
    since: z.number().int().nonnegative().optional(),
  })
  .optional();

export const usageTotalsSchema = z.strictObject({
  input_tokens: z.number().int(),
  output_tokens: z.number().int(),
  cached_tokens: z.number().int(),
  reasoning_tokens: z.number().int(),
  total_tokens: z.number().int(),
  cost_usd: z.number(),
  calls: z.number().int(),
});

export const usageReportSchema = z.strictObject({
  by: z.enum(USAGE_GROUPINGS),
  since: z.number().nullable(),
  rows: z.array(
    usageTotalsSchema.extend({ key: z.string().nullable(), label: z.string().nullable(), runs: z.number().int() }),
  ),
  total: usageTotalsSchema.extend({ runs: z.number().int() }),
});

const usd = z.number().finite().nonnegative().max(1_000_000);

export const modelPriceSchema = z.strictObject({
  /** USD per million uncached input tokens. */
  input: usd,
  /** USD per million input tokens read from the prompt cache. */
  cached_input: usd,
  /** USD per million output tokens. */
  output: usd,
});

export const priceEntrySchema = modelPriceSchema.extend({
  model: z.string(),
  source: z.enum(['default', 'config']),
});

export const setPriceInput = modelPriceSchema.extend({ model: text('id').trim().min(1) });

const tokens = z.number().int().positive().max(1e12);
const cost = z.number().finite().positive().max(1_000_000);

export const budgetLimitsSchema = z.strictObject({
  tokens_per_run: tokens.optional(),
  cost_per_run_usd: cost.optional(),
  tokens_per_day: tokens.optional(),
  cost_per_day_usd: cost.optional(),
});

export const budgetSettingsSchema = z.strictObject({
  /** The daily cap over every run. */
  global: z.strictObject({ tokens_per_day: tokens.optional(), cost_per_day_usd: cost.optional() }),
  /** By agent id (a unique prefix is accepted on input). */
  agents: z.record(idSchema, budgetLimitsSchema),
  /** By task id (a unique prefix is accepted on input). */
  tasks: z.record(idSchema, budgetLimitsSchema),
});

export const setBudgetsInput = z.strictObject({
  budgets: budgetSettingsSchema.partial(),
});
