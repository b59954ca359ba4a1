// `restflow usage` (tokens and cost by agent, task, model or day), `usage prices` (the price table) and
// `usage budget` (spending limits): docs/engine.md#usage-and-cost.
import { formatUsd, type RestflowClient } from '@restflow/api/client';
import type { Argv } from 'yargs';
import { daemonLeaf, type GlobalArgs, type GroupModule } from '../command.ts';
import { CliError, withClient } from '../daemon-connection.ts';
import { Output, shortId } from '../output.ts';

const GROUPINGS = ['agent', 'task', 'model', 'day'] as const;
type Grouping = (typeof GROUPINGS)[number];

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `7d`, `24h`, `30m`, `2w` back from `now`, or a date (`2026-12-01`, any ISO time). */
export function parseSince(value: string, now = Date.now()): number {
  const relative = /^(\d+)\s*([mhdw])$/i.exec(value.trim());
  if (relative) return now - Number(relative[1]) * (UNIT_MS[relative[2]!.toLowerCase()] ?? 0);
  const date = Date.parse(value);
  if (Number.isNaN(date)) throw new CliError(`--since: "${value}" is not a duration (7d, 24h, 30m) or a date`, 2);
  return date;
}

export { formatUsd };

type Report = Awaited<ReturnType<RestflowClient['usage']['report']['query']>>;

function printReport(report: Report, out: Output): void {
  const header = { agent: 'Agent', task: 'Task', model: 'Model', day: 'Day (UTC)' }[report.by];
  const name = (row: Report['rows'][number]) =>
    row.key === null
      ? `(no ${report.by})`
      : report.by === 'agent' || report.by === 'task'
        ? `${row.label ?? '?'} (${shortId(row.key)})`
        : row.key;
  const rows = [...report.rows.map((row) => ({ name: name(row), ...row })), { name: 'Total', ...report.total }];
  out.table(
    report.rows.length ? rows : [],
    [
      { header, value: (r) => r.name },
      { header: 'Runs', value: (r) => r.runs },
      { header: 'Calls', value: (r) => r.calls },
      { header: 'Input', value: (r) => r.input_tokens },
      { header: 'Cached', value: (r) => r.cached_tokens },
      { header: 'Output', value: (r) => r.output_tokens },
      { header: 'Reasoning', value: (r) => r.reasoning_tokens },
      { header: 'Total', value: (r) => r.total_tokens },
      { header: 'Cost', value: (r) => formatUsd(r.cost_usd) },
    ],
    report,
  );
}

const prices = daemonLeaf<{ model?: string; input?: number; cachedInput?: number; output?: number }>(
  'prices [model]',
  'List the price table (USD per million tokens), or set one model’s price with --input --cached-input --output',
  (y) =>
    y
      .positional('model', { type: 'string', describe: 'A model to show or price (catalogue id or alias)' })
      .option('input', { type: 'number', describe: 'USD per million uncached input tokens' })
      .option('cached-input', { type: 'number', describe: 'USD per million cached input tokens' })
      .option('output', { type: 'number', describe: 'USD per million output tokens' }),
  async (client, args, out) => {
    const setting = args.input !== undefined || args.cachedInput !== undefined || args.output !== undefined;
    if (setting) {
      if (!args.model) throw new CliError('name the model to price: restflow usage prices <model> --input …', 2);
      const current = (await client.usage.prices.list.query()).find((p) => p.model === args.model);
      const price = {
        input: args.input ?? current?.input,
        cached_input: args.cachedInput ?? current?.cached_input ?? args.input,
        output: args.output ?? current?.output,
      };
      if (price.input === undefined || price.output === undefined || price.cached_input === undefined) {
        throw new CliError(`${args.model} has no price yet: give --input, --cached-input and --output`, 2);
      }
      const set = await client.usage.prices.set.mutate({ model: args.model, ...price } as never);
      out.result(
        `${set.model}: input $${set.input}, cached input $${set.cached_input}, output $${set.output} per million tokens`,
        set,
      );
      return;
    }
    const list = (await client.usage.prices.list.query()).filter((p) => !args.model || p.model === args.model);
    out.table(list, [
      { header: 'Model', value: (p) => p.model },
      { header: 'Input $/M', value: (p) => p.input },
      { header: 'Cached $/M', value: (p) => p.cached_input },
      { header: 'Output $/M', value: (p) => p.output },
      { header: 'Source', value: (p) => p.source },
    ]);
  },
);

const LIMIT_OPTIONS = {
  'tokens-per-run': 'tokens_per_run',
  'cost-per-run': 'cost_per_run_usd',
  'tokens-per-day': 'tokens_per_day',
  'cost-per-day': 'cost_per_day_usd',
} as const;

type Budgets = Awaited<ReturnType<RestflowClient['usage']['budgets']['get']['query']>>;

const budget = daemonLeaf<{
  agent?: string;
  task?: string;
  global?: boolean;
  clear: boolean;
  tokensPerRun?: number;
  costPerRun?: number;
  tokensPerDay?: number;
  costPerDay?: number;
}>(
  'budget',
  'Show the budgets, or set one agent’s, one task’s or the global daily limits (a run stops before the next ' +
    'provider call once a budget is spent; a scheduled task is skipped for the day)',
  (y) =>
    y
      .option('agent', { type: 'string', describe: 'Agent id or unique prefix' })
      .option('task', { type: 'string', describe: 'Task id or unique prefix' })
      // No default: yargs counts a defaulted option as given when it checks conflicts.
      .option('global', { type: 'boolean', describe: 'The daily cap over every run' })
      .option('tokens-per-run', { type: 'number' })
      .option('cost-per-run', { type: 'number', describe: 'USD' })
      .option('tokens-per-day', { type: 'number', describe: 'UTC day' })
      .option('cost-per-day', { type: 'number', describe: 'USD, UTC day' })
      .option('clear', { type: 'boolean', default: false, describe: 'Remove the limits of the agent, task or global' })
      .conflicts('agent', ['task', 'global'])
      .conflicts('task', 'global'),
  async (client, args, out) => {
    const current = await client.usage.budgets.get.query();
    const given = Object.fromEntries(
      Object.entries(LIMIT_OPTIONS)
        .map(([flag, field]) => [field, args[flag as keyof typeof args]] as const)
        .filter(([, value]) => value !== undefined),
    );
    const target = args.agent ? 'agent' : args.task ? 'task' : args.global ? 'global' : undefined;
    if (!target) {
      if (Object.keys(given).length || args.clear)
        throw new CliError('say whose budget: --agent, --task or --global', 2);
      return printBudgets(current, out);
    }
    const next: Budgets = { global: { ...current.global }, agents: { ...current.agents }, tasks: { ...current.tasks } };
    if (target === 'global') {
      if (given.tokens_per_run !== undefined || given.cost_per_run_usd !== undefined) {
        throw new CliError('the global budget is daily: use --tokens-per-day / --cost-per-day', 2);
      }
      next.global = args.clear ? {} : { ...next.global, ...given };
    } else {
      const section = target === 'agent' ? 'agents' : 'tasks';
      const id =
        target === 'agent'
          ? (await client.agents.get.query({ id: args.agent as string })).id
          : (await client.tasks.get.query({ id: args.task as string })).id;
      if (args.clear) delete next[section][id];
      else next[section][id] = { ...(next[section][id] ?? {}), ...given };
    }
    printBudgets(await client.usage.budgets.set.mutate({ budgets: next }), out);
  },
);

function printBudgets(budgets: Budgets, out: Output): void {
  const rows = [
    ...(Object.keys(budgets.global).length ? [{ who: 'global', limits: budgets.global }] : []),
    ...Object.entries(budgets.agents).map(([id, limits]) => ({ who: `agent ${shortId(id)}`, limits })),
    ...Object.entries(budgets.tasks).map(([id, limits]) => ({ who: `task ${shortId(id)}`, limits })),
  ];
  const cell = (value: number | undefined, usd = false) =>
    value === undefined ? '-' : usd ? formatUsd(value) : String(value);
  out.table(
    rows,
    [
      { header: 'Budget of', value: (r) => r.who },
      { header: 'Tokens/run', value: (r) => cell((r.limits as { tokens_per_run?: number }).tokens_per_run) },
      { header: 'Cost/run', value: (r) => cell((r.limits as { cost_per_run_usd?: number }).cost_per_run_usd, true) },
      { header: 'Tokens/day', value: (r) => cell(r.limits.tokens_per_day) },
      { header: 'Cost/day', value: (r) => cell(r.limits.cost_per_day_usd, true) },
    ],
    budgets,
  );
}

/** `restflow usage [--by …] [--since …]`, with `prices` and `budget` as sub-commands. */
export const usageCommand: GroupModule = {
  command: 'usage',
  describe: 'Tokens and cost of provider calls by agent, task, model or day; `usage prices`, `usage budget`',
  subcommands: ['prices', 'budget'],
  builder: (y: Argv<GlobalArgs>) =>
    y
      .command(prices)
      .command(budget)
      .option('by', { choices: GROUPINGS, default: 'agent' as Grouping, describe: 'Group the calls by' })
      .option('since', { type: 'string', describe: 'Only calls since: 7d, 24h, 30m, or a date' }),
  handler: async (argv) => {
    const args = argv as typeof argv & { by: Grouping; since?: string };
    const out = new Output(args.format);
    const since = args.since === undefined ? undefined : parseSince(args.since);
    await withClient(out, async (client) => {
      printReport(await client.usage.report.query({ by: args.by, ...(since === undefined ? {} : { since }) }), out);
    });
  },
};
