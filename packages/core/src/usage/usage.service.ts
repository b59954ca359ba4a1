// Usage and cost (docs/engine.md#usage-and-cost): every provider call of a run is one `llm_calls` row with the
// tokens the provider reported and their cost; reports and budgets are sums of those rows. The engine sees this
// domain through a RunMeter per run: asked before each provider call, told after it.
import { type Db, eq, llmCalls, systemConfig } from '@restflow/db';
import type { CoreContext } from '../core-context.ts';
import { InvalidInputError } from '../errors.ts';
import type { ChangeFeed } from '../events/change-feed.ts';
import type { LlmUsage } from '../llm/types.ts';
import { findModel } from '../models/catalogue.ts';
import type { Clock } from '../runtime.ts';
import {
  BUDGET_EXCEEDED,
  type BudgetBreach,
  type BudgetSettings,
  breachOf,
  describeBreach,
  EMPTY_BUDGETS,
  type Spent,
  utcDayStart,
  validateBudgets,
} from './budgets.ts';
import { costOf, defaultPrices, type ModelPrice, priceOf } from './pricing.ts';

export const PRICES_KEY = 'prices';
export const BUDGETS_KEY = 'budgets';

export interface UsageTotals {
  input_tokens: number;
  output_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  total_tokens: number;
  cost_usd: number;
  /** Provider calls. */
  calls: number;
}

export const emptyTotals = (): UsageTotals => ({
  input_tokens: 0,
  output_tokens: 0,
  cached_tokens: 0,
  reasoning_tokens: 0,
  total_tokens: 0,
  cost_usd: 0,
  calls: 0,
});

/** One provider call as recorded. */
export interface CallRecord {
  model: string;
  input_tokens: number;
  output_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  cost_usd: number;
  /** False when no price is known for the model (its cost counts as 0). */
  priced: boolean;
  duration_ms: number;
}

/** Why a run may not make its next provider call. */
export interface BudgetStop {
  error_code: typeof BUDGET_EXCEEDED;
  message: string;
  budget: BudgetBreach;
}

/** The engine's view of usage for one run. */
export interface RunMeter {
  /** Before each provider call: the budget that is spent, if any (this run's, or one of the runs above it). */
  check(): BudgetStop | undefined;
  /** After each provider call that reported usage. */
  record(usage: LlmUsage, durationMs: number): CallRecord;
  /** Everything recorded for the run so far. */
  totals(): UsageTotals;
  /** What this run and its sub-agents have spent so far: what its per-run budgets count. */
  treeSpent(): Spent;
}

/** A run's meter as its sub-agents' meters see it: whose per-run budgets they also spend against. */
interface TreeNode {
  parent: TreeNode | undefined;
  spent: Spent;
  perRunBreach(budgets: BudgetSettings): BudgetBreach | undefined;
}

export interface MeteredRun {
  runId: string;
  agentId?: string;
  taskId?: string;
  sessionId?: string;
  /** Catalogue id. */
  model: string;
  provider: string;
}

export type UsageGrouping = 'agent' | 'task' | 'model' | 'day';

export interface UsageRow extends UsageTotals {
  /** The agent id, task id, model or UTC day (YYYY-MM-DD); null for calls with no agent or task. */
  key: string | null;
  /** Agent or task name when known. */
  label: string | null;
  runs: number;
}

export interface UsageReport {
  by: UsageGrouping;
  since: number | null;
  rows: UsageRow[];
  total: UsageTotals & { runs: number };
}

export interface PriceEntry extends ModelPrice {
  model: string;
  source: 'default' | 'config';
}

/** Names for reports and budget messages (the agents and tasks services). */
export interface UsageNames {
  agent(id: string): string | undefined;
  task(id: string): string | undefined;
}

const GROUP_COLUMN: Record<UsageGrouping, string> = {
  agent: 'agent_id',
  task: 'task_id',
  model: 'model',
  day: "strftime('%Y-%m-%d', created_at / 1000, 'unixepoch')",
};

interface SumRow {
  key: string | null;
  input_tokens: number;
  output_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  cost_usd: number;
  calls: number;
  runs: number;
}

type PreparedRead = ReturnType<Db['$client']['prepare']>;

const CALL_SUMS = `coalesce(sum(input_tokens), 0) AS input_tokens, coalesce(sum(output_tokens), 0) AS output_tokens,
  coalesce(sum(cached_tokens), 0) AS cached_tokens, coalesce(sum(reasoning_tokens), 0) AS reasoning_tokens,
  coalesce(sum(cost_usd), 0) AS cost_usd, count(*) AS calls`;
// The run count's DISTINCT costs an ephemeral table per statement: left out of the per-run sums the run list reads.
const SUMS = `${CALL_SUMS}, count(DISTINCT run_id) AS runs`;

const totalsOf = (row: Omit<SumRow, 'key' | 'runs'>): UsageTotals => ({
  input_tokens: row.input_tokens,
  output_tokens: row.output_tokens,
  cached_tokens: row.cached_tokens,
  reasoning_tokens: row.reasoning_tokens,
  total_tokens: row.input_tokens + row.output_tokens,
  // Sums of floats: rounded to a millionth of a cent so reports do not show 0.30000000000000004.
  cost_usd: Math.round(row.cost_usd * 1e8) / 1e8,
  calls: row.calls,
});

export class UsageService {
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly changes?: ChangeFeed;
  /** Each live meter's place in its run tree (sub-agent meters point at their parent's). */
  private readonly treeNodes = new WeakMap<RunMeter, TreeNode>();
  /** The per-run reads, prepared once: the run list makes two per row. */
  private perRun?: { run: PreparedRead; tree: PreparedRead };

  constructor(
    core: Pick<CoreContext, 'db' | 'clock'> & Partial<Pick<CoreContext, 'changes'>>,
    private readonly names: UsageNames = { agent: () => undefined, task: () => undefined },
  ) {
    this.db = core.db;
    this.clock = core.clock;
    this.changes = core.changes;
  }

  // ── prices ─────────────────────────────────────────────────────────────────────────────────────────────

  private configuredPrices(): Record<string, ModelPrice> {
    return (this.readConfig(PRICES_KEY) as Record<string, ModelPrice> | undefined) ?? {};
  }

  /** Every priced model: the catalogue's defaults with the configured prices over them. */
  listPrices(): PriceEntry[] {
    const configured = this.configuredPrices();
    const entries = new Map<string, PriceEntry>();
    for (const [model, price] of Object.entries(defaultPrices()))
      entries.set(model, { model, ...price, source: 'default' });
    for (const [model, price] of Object.entries(configured)) entries.set(model, { model, ...price, source: 'config' });
    return [...entries.values()];
  }

  /** Sets the price of one model (by catalogue id; aliases are resolved); it applies to calls from now on. */
  setPrice(modelId: string, price: ModelPrice): PriceEntry {
    const model = findModel(modelId.trim())?.model;
    if (!model) throw InvalidInputError.field('model', `unknown model "${modelId}"`);
    for (const key of ['input', 'cached_input', 'output'] as const) {
      if (!Number.isFinite(price[key]) || price[key] < 0) throw InvalidInputError.field(key, 'must be 0 or more');
    }
    const value = { input: price.input, cached_input: price.cached_input, output: price.output };
    this.writeConfig(PRICES_KEY, { ...this.configuredPrices(), [model]: value });
    return { model, ...value, source: 'config' };
  }

  // ── budgets ────────────────────────────────────────────────────────────────────────────────────────────

  getBudgets(): BudgetSettings {
    const stored = this.readConfig(BUDGETS_KEY) as Partial<BudgetSettings> | undefined;
    return { ...EMPTY_BUDGETS, ...(stored ?? {}) };
  }

  /** Replaces every budget. */
  setBudgets(settings: Partial<BudgetSettings>): BudgetSettings {
    const value = validateBudgets(settings);
    this.writeConfig(BUDGETS_KEY, value);
    return value;
  }

  /** The first daily budget of a task, its agent or the global cap that today's spending has reached. */
  dailyBreach(scope: { taskId?: string; agentId?: string }): BudgetBreach | undefined {
    const budgets = this.getBudgets();
    const since = utcDayStart(this.clock.now());
    const task = scope.taskId ? budgets.tasks[scope.taskId] : undefined;
    const agent = scope.agentId ? budgets.agents[scope.agentId] : undefined;
    const daily = (limits: { tokens_per_day?: number; cost_per_day_usd?: number } | undefined) =>
      limits && (limits.tokens_per_day !== undefined || limits.cost_per_day_usd !== undefined)
        ? { tokens: limits.tokens_per_day, cost: limits.cost_per_day_usd }
        : undefined;
    const checks: [BudgetBreach['scope'], string | undefined, ReturnType<typeof daily>, () => Spent][] = [
      ['task', scope.taskId, daily(task), () => this.spentSince(since, { taskId: scope.taskId })],
      ['agent', scope.agentId, daily(agent), () => this.spentSince(since, { agentId: scope.agentId })],
      ['global', undefined, daily(budgets.global), () => this.spentSince(since, {})],
    ];
    for (const [kind, id, limits, spent] of checks) {
      if (!limits || (kind !== 'global' && !id)) continue;
      const breach = breachOf(kind, id, 'day', limits, spent());
      if (breach) return breach;
    }
    return undefined;
  }

  /** The stop a breach means, with a message naming the budget (and whose runs spent it, for a per-run one). */
  stopFor(breach: BudgetBreach, spentBy?: string): BudgetStop {
    const name =
      breach.scope === 'agent' && breach.id
        ? this.names.agent(breach.id)
        : breach.scope === 'task' && breach.id
          ? this.names.task(breach.id)
          : undefined;
    return { error_code: BUDGET_EXCEEDED, message: describeBreach(breach, name, spentBy), budget: breach };
  }

  // ── metering ───────────────────────────────────────────────────────────────────────────────────────────

  /**
   * `dry`: a replayed run (docs/record-replay.md) prices its calls like the recorded run did, but spends nothing:
   * no `llm_calls` row, no budget check.
   */
  meter(run: MeteredRun, options: { dry?: boolean; parent?: RunMeter } = {}): RunMeter {
    const totals = emptyTotals();
    // A sub-agent's calls count against the per-run budgets of every run above it too: a run's budget caps
    // the whole tree it starts (docs/engine.md#budgets), so spawning sub-agents cannot get round it.
    const node: TreeNode = {
      parent: options.parent ? this.treeNodes.get(options.parent) : undefined,
      spent: { tokens: 0, cost_usd: 0 },
      perRunBreach: (budgets) => {
        const perRun: [BudgetBreach['scope'], string | undefined][] = [
          ['agent', run.agentId],
          ['task', run.taskId],
        ];
        for (const [scope, id] of perRun) {
          const limits = id ? (scope === 'agent' ? budgets.agents[id] : budgets.tasks[id]) : undefined;
          if (!limits) continue;
          const limit = { tokens: limits.tokens_per_run, cost: limits.cost_per_run_usd };
          const breach = breachOf(scope, id, 'run', limit, node.spent);
          if (breach) return breach;
        }
        return undefined;
      },
    };
    const meter: RunMeter = {
      check: () => {
        if (options.dry) return undefined;
        const budgets = this.getBudgets();
        for (let at: TreeNode | undefined = node; at; at = at.parent) {
          const breach = at.perRunBreach(budgets);
          if (!breach) continue;
          const mine = at === node && at.spent.tokens === totals.total_tokens && at.spent.cost_usd === totals.cost_usd;
          const spentBy = mine
            ? 'this run'
            : at === node
              ? 'this run and its sub-agents'
              : 'the run that started this sub-agent and its sub-agents';
          return this.stopFor(breach, spentBy);
        }
        const daily = this.dailyBreach({ taskId: run.taskId, agentId: run.agentId });
        return daily ? this.stopFor(daily) : undefined;
      },
      record: (usage, durationMs) => {
        const call = options.dry ? this.price(run, usage, durationMs) : this.record(run, usage, durationMs);
        totals.input_tokens += call.input_tokens;
        totals.output_tokens += call.output_tokens;
        totals.cached_tokens += call.cached_tokens;
        totals.reasoning_tokens += call.reasoning_tokens;
        totals.total_tokens += call.input_tokens + call.output_tokens;
        totals.cost_usd += call.cost_usd;
        totals.calls += 1;
        for (let at: TreeNode | undefined = node; at; at = at.parent) {
          at.spent.tokens += call.input_tokens + call.output_tokens;
          at.spent.cost_usd += call.cost_usd;
        }
        return call;
      },
      totals: () => ({ ...totals }),
      treeSpent: () => ({ ...node.spent }),
    };
    this.treeNodes.set(meter, node);
    return meter;
  }

  /** One provider call's tokens and cost at today's price, stored nowhere. */
  price(run: MeteredRun, usage: LlmUsage, durationMs: number): CallRecord {
    const price = priceOf(run.model, this.configuredPrices());
    const tokens = {
      input_tokens: usage.prompt_tokens,
      output_tokens: usage.completion_tokens,
      cached_tokens: usage.cached_tokens ?? 0,
      reasoning_tokens: usage.reasoning_tokens ?? 0,
    };
    const cost = price ? costOf(tokens, price) : 0;
    return { model: run.model, ...tokens, cost_usd: cost, priced: price !== undefined, duration_ms: durationMs };
  }

  /** Stores one provider call with its cost at today's price. */
  record(run: MeteredRun, usage: LlmUsage, durationMs: number): CallRecord {
    const call = this.price(run, usage, durationMs);
    this.db
      .insert(llmCalls)
      .values({
        runId: run.runId,
        agentId: run.agentId ?? null,
        taskId: run.taskId ?? null,
        sessionId: run.sessionId ?? null,
        model: run.model,
        provider: run.provider,
        inputTokens: call.input_tokens,
        outputTokens: call.output_tokens,
        cachedTokens: call.cached_tokens,
        reasoningTokens: call.reasoning_tokens,
        costUsd: call.cost_usd,
        priced: call.priced,
        durationMs,
        createdAt: this.clock.now(),
      })
      .run();
    return call;
  }

  // ── reports ────────────────────────────────────────────────────────────────────────────────────────────

  /** Tokens and cost of calls since `since`, of one agent, one task, or everything. */
  spentSince(since: number, scope: { agentId?: string; taskId?: string }): Spent {
    const where = scope.taskId ? 'AND task_id = ?' : scope.agentId ? 'AND agent_id = ?' : '';
    const params: unknown[] = [since, ...(scope.taskId ? [scope.taskId] : scope.agentId ? [scope.agentId] : [])];
    const row = this.db.$client
      .prepare(`SELECT ${SUMS} FROM llm_calls WHERE created_at >= ? ${where}`)
      .get(...params) as SumRow;
    return { tokens: row.input_tokens + row.output_tokens, cost_usd: row.cost_usd };
  }

  /** A run's usage; all zeros for a run that made no provider call. */
  ofRun(runId: string): UsageTotals {
    return totalsOf(this.perRunStatements().run.get(runId) as SumRow);
  }

  /**
   * A run's usage plus that of every sub-agent run below it (docs/engine.md#sub-agents). Each call belongs to the
   * one run that made it, so trees add up without counting a call twice, and reports stay per call.
   */
  ofRunTree(runId: string): UsageTotals {
    return totalsOf(this.perRunStatements().tree.get(runId) as SumRow);
  }

  private perRunStatements() {
    this.perRun ??= {
      run: this.db.$client.prepare(`SELECT ${CALL_SUMS} FROM llm_calls WHERE run_id = ?`),
      tree: this.db.$client.prepare(
        // The run list asks this for every row, so it must cost an index lookup per run of the tree:
        // INDEXED BY — almost every run's parent is NULL, and ANALYZE's statistics (PRAGMA optimize, hourly) can
        // make the index look useless, the planner then scanning every run at each step; CROSS JOIN — the tree
        // first, then its calls through llm_calls_run_idx; UNION ALL — a run has one parent, so the tree holds no
        // repeats, and UNION's de-duplication costs ~1 ms per call (the depth bound only guards a corrupt cycle).
        `WITH RECURSIVE tree(id, depth) AS (
           SELECT CAST(? AS TEXT), 0 UNION ALL
           SELECT runs.id, tree.depth + 1 FROM tree JOIN runs INDEXED BY runs_parent_idx ON runs.parent_run_id = tree.id
            WHERE tree.depth < 64)
         SELECT ${CALL_SUMS} FROM tree CROSS JOIN llm_calls ON llm_calls.run_id = tree.id`,
      ),
    };
    return this.perRun;
  }

  /** Usage grouped by agent, task, model or UTC day, largest cost first (days: newest first). */
  report(options: { by?: UsageGrouping; since?: number } = {}): UsageReport {
    const by = options.by ?? 'agent';
    const since = options.since ?? null;
    const where = since === null ? '' : 'WHERE created_at >= ?';
    const params = since === null ? [] : [since];
    const order = by === 'day' ? 'key DESC' : 'cost_usd DESC, (input_tokens + output_tokens) DESC, key';
    const rows = this.db.$client
      .prepare(`SELECT ${GROUP_COLUMN[by]} AS key, ${SUMS} FROM llm_calls ${where} GROUP BY key ORDER BY ${order}`)
      .all(...params) as SumRow[];
    const total = this.db.$client.prepare(`SELECT ${SUMS} FROM llm_calls ${where}`).get(...params) as SumRow;
    const label = (key: string | null) =>
      key === null ? null : by === 'agent' ? this.names.agent(key) : by === 'task' ? this.names.task(key) : key;
    return {
      by,
      since,
      rows: rows.map((row) => ({ key: row.key, label: label(row.key) ?? null, runs: row.runs, ...totalsOf(row) })),
      total: { ...totalsOf(total), runs: total.runs },
    };
  }

  // ── config storage ─────────────────────────────────────────────────────────────────────────────────────

  private readConfig(key: string): unknown {
    return this.db.select().from(systemConfig).where(eq(systemConfig.key, key)).get()?.value;
  }

  private writeConfig(key: string, value: unknown): void {
    const now = this.clock.now();
    this.db
      .insert(systemConfig)
      .values({ key, value, updatedAt: now })
      .onConflictDoUpdate({ target: systemConfig.key, set: { value, updatedAt: now } })
      .run();
    this.changes?.publish({ entity: 'config', id: key, action: 'updated' });
  }
}
