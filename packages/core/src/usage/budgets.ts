// Spending limits (docs/engine.md#budgets): per agent and per task, for one run and for one UTC day, in tokens
// and/or USD, and a global daily cap. Stored whole in system_config under `budgets`.
import { InvalidInputError } from '../errors.ts';

export interface BudgetLimits {
  tokens_per_run?: number;
  cost_per_run_usd?: number;
  tokens_per_day?: number;
  cost_per_day_usd?: number;
}

export interface DailyLimits {
  tokens_per_day?: number;
  cost_per_day_usd?: number;
}

export interface BudgetSettings {
  global: DailyLimits;
  /** By agent id. */
  agents: Record<string, BudgetLimits>;
  /** By task id. */
  tasks: Record<string, BudgetLimits>;
}

export const EMPTY_BUDGETS: Readonly<BudgetSettings> = Object.freeze({ global: {}, agents: {}, tasks: {} });

export type BudgetScope = 'global' | 'agent' | 'task';
export type BudgetPeriod = 'run' | 'day';
export type BudgetMetric = 'tokens' | 'cost';

/** Clients read this code on the run's `failed` event and the task's `failed` / `skipped` events. */
export const BUDGET_EXCEEDED = 'budget_exceeded';

/** Which budget was spent, how much it allows and how much was used. */
export interface BudgetBreach {
  scope: BudgetScope;
  /** The agent or task id (absent for the global cap). */
  id?: string;
  period: BudgetPeriod;
  metric: BudgetMetric;
  limit: number;
  used: number;
}

export interface Spent {
  tokens: number;
  cost_usd: number;
}

const LIMIT_KEYS = ['tokens_per_run', 'cost_per_run_usd', 'tokens_per_day', 'cost_per_day_usd'] as const;

function validLimits(field: string, limits: BudgetLimits, keys: readonly (keyof BudgetLimits)[]): BudgetLimits {
  const out: BudgetLimits = {};
  for (const key of Object.keys(limits) as (keyof BudgetLimits)[]) {
    if (!keys.includes(key))
      throw InvalidInputError.field(`${field}.${key}`, `unknown limit (known: ${keys.join(', ')})`);
    const value = limits[key];
    if (value === undefined || value === null) continue;
    if (!Number.isFinite(value) || value <= 0) throw InvalidInputError.field(`${field}.${key}`, 'must be above 0');
    if (key.startsWith('tokens') && !Number.isInteger(value)) {
      throw InvalidInputError.field(`${field}.${key}`, 'must be a whole number of tokens');
    }
    out[key] = value;
  }
  return out;
}

/** Validates and drops empty entries. */
export function validateBudgets(settings: Partial<BudgetSettings>): BudgetSettings {
  const clean = (
    field: 'agents' | 'tasks',
    entries: Record<string, BudgetLimits> | undefined,
  ): Record<string, BudgetLimits> =>
    Object.fromEntries(
      Object.entries(entries ?? {})
        .map(([id, limits]) => [id, validLimits(`${field}.${id}`, limits, LIMIT_KEYS)] as const)
        .filter(([, limits]) => Object.keys(limits).length > 0),
    );
  return {
    global: validLimits('global', settings.global ?? {}, ['tokens_per_day', 'cost_per_day_usd']),
    agents: clean('agents', settings.agents),
    tasks: clean('tasks', settings.tasks),
  };
}

/** The first limit `spent` has reached, if any (tokens before cost). */
export function breachOf(
  scope: BudgetScope,
  id: string | undefined,
  period: BudgetPeriod,
  limits: { tokens?: number; cost?: number },
  spent: Spent,
): BudgetBreach | undefined {
  const where = { scope, ...(id ? { id } : {}), period };
  if (limits.tokens !== undefined && spent.tokens >= limits.tokens) {
    return { ...where, metric: 'tokens', limit: limits.tokens, used: spent.tokens };
  }
  if (limits.cost !== undefined && spent.cost_usd >= limits.cost) {
    return { ...where, metric: 'cost', limit: limits.cost, used: spent.cost_usd };
  }
  return undefined;
}

const formatAmount = (metric: BudgetMetric, value: number) =>
  metric === 'cost' ? `$${value.toFixed(value < 1 ? 4 : 2)}` : `${value} tokens`;

/** "the daily cost budget of agent reporter ($0.0100) is spent: $0.0123 used today". */
export function describeBreach(breach: BudgetBreach, name?: string, spentBy = 'this run'): string {
  const owner = breach.scope === 'global' ? 'the global daily' : `the ${breach.period === 'run' ? 'per-run' : 'daily'}`;
  const of = breach.scope === 'global' ? '' : ` of ${breach.scope} ${name ?? breach.id}`;
  const when = breach.period === 'run' ? `by ${spentBy}` : 'today (UTC)';
  return (
    `budget exceeded: ${owner} ${breach.metric} budget${of} (${formatAmount(breach.metric, breach.limit)}) ` +
    `is spent: ${formatAmount(breach.metric, breach.used)} used ${when}`
  );
}

export const DAY_MS = 86_400_000;
export const utcDayStart = (now: number) => Math.floor(now / DAY_MS) * DAY_MS;

/** A task's engine run stopped by a budget: the task fails with `error_code: "budget_exceeded"`, never retried. */
export class BudgetExceededError extends Error {
  override name = 'BudgetExceededError';
  readonly code = BUDGET_EXCEEDED;
  constructor(
    message: string,
    readonly budget?: BudgetBreach,
  ) {
    super(message);
  }
}
