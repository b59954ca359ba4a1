// `restflow runs show <id> [--follow]` (a run's timeline from its persisted events), `runs list` and `runs diff <a> <b>`
// (two runs side by side): docs/streams.md#run-inspector.
import { type RestflowClient, type RunStreamEvent, Timeline, type TimelineEntry } from '@restflow/api/client';
import { daemonLeaf, group } from '../command.ts';
import { formatTime, shortId } from '../output.ts';
import { type PageArgs, printPage, withPageOptions } from '../paging.ts';
import { runRecordingCommand } from './run-record.ts';
import { formatUsd } from './usage.ts';

export { Timeline, type TimelineEntry };

type RunInfo = Awaited<ReturnType<RestflowClient['runs']['get']['query']>>;
type RunTree = Awaited<ReturnType<RestflowClient['runs']['tree']['query']>>;

const flat = (text: string, max: number) => {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
};

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)}s`;

const MARK: Record<string, string> = {
  started: '▶',
  text: '…',
  thinking: '~',
  llm_call: '◆',
  usage: '◆',
  tool_call: '⚙',
  tool_result: '↳',
  step: '·',
  approval: '⏸',
  completed: '✓',
  failed: '✗',
  cancelled: '■',
};

export const formatEntry = (entry: TimelineEntry) =>
  `  +${seconds(entry.at).padStart(8)}  ${MARK[entry.type] ?? ' '} ${entry.type.padEnd(11)} ${entry.summary}`;

const tokensLine = (u: RunInfo['usage']) =>
  `in ${u.input_tokens} (cached ${u.cached_tokens}) · out ${u.output_tokens} (reasoning ${u.reasoning_tokens}) · ` +
  `total ${u.total_tokens} · cost ${formatUsd(u.cost_usd)} · ${u.calls} provider call${u.calls === 1 ? '' : 's'}`;

/** The sub-agent runs below a run, indented by depth, each with its status and usage (docs/engine.md#sub-agents). */
export function treeLines(tree: RunTree): string[] {
  if (tree.runs.length <= 1) return [];
  return [
    'Sub-agents:',
    ...tree.runs.slice(1).map((node) => {
      const took = node.finished_at ? ` · ${seconds(node.finished_at - node.started_at)}` : '';
      const name = node.agent_name ?? (node.agent_id ? shortId(node.agent_id) : '(inline)');
      const own = `${node.usage.total_tokens} tokens · ${formatUsd(node.usage.cost_usd)}`;
      const below =
        node.usage_total.total_tokens !== node.usage.total_tokens
          ? ` (with its sub-agents ${node.usage_total.total_tokens} tokens · ${formatUsd(node.usage_total.cost_usd)})`
          : '';
      const error = node.error ? ` · ${flat(node.error, 120)}` : '';
      return `${'  '.repeat(node.depth)}└ ${shortId(node.id)} ${name} · ${node.status}${took} · ${own}${below}${error}`;
    }),
  ];
}

function header(run: RunInfo): string[] {
  const u = run.usage;
  const took = run.finished_at ? ` · took ${seconds(run.finished_at - run.started_at)}` : '';
  const withChildren = run.usage_total.calls !== u.calls;
  return [
    `Run ${run.id} · ${run.kind} · ${run.status}${took}`,
    `  agent ${run.agent_id ?? '(inline)'}${run.task_id ? ` · task ${run.task_id}` : ''}${run.session_id ? ` · session ${run.session_id}` : ''}`,
    `  started ${new Date(run.started_at).toISOString()}`,
    `  tokens: ${tokensLine(u)}`,
    ...(run.parent_run_id
      ? [`  sub-agent ${run.agent_name ?? ''} of run ${run.parent_run_id} (tree ${run.root_run_id})`]
      : []),
    ...(withChildren ? [`  with sub-agents: ${tokensLine(run.usage_total)}`] : []),
    ...(run.error ? [`  error: ${run.error}${run.error_code ? ` [${run.error_code}]` : ''}`] : []),
  ];
}

/**
 * A run's events: the stored ones, then — with `follow` — live ones until the run ends. Without `follow` it stops
 * at the last event stored when it was asked (a running run shows what it did so far).
 */
function readEvents(
  client: RestflowClient,
  run: RunInfo,
  follow: boolean,
  onEvent: (event: RunStreamEvent) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!follow && run.last_seq === 0) return resolve();
    let done = false;
    const subscription = client.runs.onEvents.subscribe(
      { run_id: run.id },
      {
        onData: ({ data }) => {
          if (done) return;
          onEvent(data);
          if (!follow && data.seq >= run.last_seq) finish();
        },
        onError: (error) => finish(error),
        onComplete: () => finish(),
      },
    );
    function finish(error?: unknown) {
      if (done) return;
      done = true;
      subscription.unsubscribe();
      if (error) reject(error);
      else resolve();
    }
  });
}

async function loadTimeline(client: RestflowClient, id: string): Promise<{ run: RunInfo; timeline: Timeline }> {
  const run = await client.runs.get.query({ id });
  const timeline = new Timeline();
  await readEvents(client, run, false, (event) => timeline.add(event));
  return { run, timeline };
}

export const runShowCommand = daemonLeaf<{ id: string; follow: boolean }>(
  'show <id>',
  'A run’s timeline from its stored events: steps, tool calls with arguments and results, tokens, timings, cost',
  (y) =>
    y
      .positional('id', { type: 'string', demandOption: true, describe: 'Run id or unique prefix' })
      .option('follow', { alias: 'f', type: 'boolean', default: false, describe: 'Keep printing until the run ends' }),
  async (client, args, out) => {
    let run = await client.runs.get.query({ id: args.id });
    const timeline = new Timeline();
    if (!out.json) for (const line of header(run)) out.line(line);
    if (!out.json && !args.follow)
      for (const line of treeLines(await client.runs.tree.query({ id: run.id }))) out.line(line);
    if (!out.json) out.line();
    await readEvents(client, run, args.follow, (event) => {
      const before = timeline.entries.length;
      timeline.add(event);
      // Live: print each finished entry (text entries once the next entry starts).
      if (!out.json && args.follow && timeline.entries.length > before && before > 0) {
        out.line(formatEntry(timeline.entries[before - 1]!));
      }
    });
    if (args.follow) run = await client.runs.get.query({ id: run.id });
    if (out.json) {
      const tree = await client.runs.tree.query({ id: run.id });
      out.printJson({ run, timeline: timeline.entries, sub_agents: tree.runs.slice(1) });
      return;
    }
    const printed = args.follow ? Math.max(0, timeline.entries.length - 1) : 0;
    for (const entry of timeline.entries.slice(printed)) out.line(formatEntry(entry));
    if (run.status === 'running' && !args.follow) out.notice('(still running: --follow to keep watching)');
    if (args.follow) {
      out.line();
      out.line(header(run)[3]!.trim());
      for (const line of treeLines(await client.runs.tree.query({ id: run.id }))) out.line(line);
    }
  },
);

const RUN_PAGE = 20;
const RUN_STATUSES = ['running', 'completed', 'failed', 'cancelled', 'interrupted'] as const;

export const runListCommand = daemonLeaf<
  {
    task?: string;
    session?: string;
    agent?: string;
    status?: (typeof RUN_STATUSES)[number];
    parent?: string;
    root?: string;
  } & PageArgs
>(
  'list',
  'Recent runs, newest first, with their tokens and cost (of one task, chat session or agent, in one status); ' +
    'ids for runs show; --limit/--cursor page through them',
  (y) =>
    withPageOptions(y, RUN_PAGE, 'l')
      .option('task', { type: 'string', describe: 'Only the engine runs of this task (id or unique prefix)' })
      .option('session', { type: 'string', describe: 'Only the runs of this chat session' })
      .option('parent', { type: 'string', describe: 'Only the sub-agent runs this run spawned' })
      .option('root', { type: 'string', describe: 'A whole tree: this top-level run and every sub-agent run below it' })
      .option('agent', { alias: 'a', type: 'string', describe: 'Only the runs of this agent (name, id or prefix)' })
      .option('status', { choices: RUN_STATUSES, describe: 'Only runs in this status' }),
  async (client, args, out) => {
    const taskId = args.task ? (await client.tasks.get.query({ id: args.task })).id : undefined;
    const agentId = args.agent ? (await client.agents.get.query({ id: args.agent })).id : undefined;
    const limit = args.limit ?? RUN_PAGE;
    const page = await client.runs.page.query({
      ...(taskId ? { task_id: taskId } : {}),
      ...(agentId ? { agent_id: agentId } : {}),
      ...(args.status ? { status: args.status } : {}),
      ...(args.session ? { session_id: args.session } : {}),
      ...(args.parent ? { parent_run_id: args.parent } : {}),
      ...(args.root ? { root_run_id: args.root } : {}),
      limit,
      cursor: args.cursor,
    });
    printPage(
      out,
      page,
      [
        { header: 'Id', value: (r) => shortId(r.id) },
        { header: 'Kind', value: (r) => r.kind },
        { header: 'Status', value: (r) => r.status },
        { header: 'Agent', value: (r) => r.agent_name ?? shortId(r.agent_id) },
        { header: 'Parent', value: (r) => shortId(r.parent_run_id) },
        { header: 'Started', value: (r) => formatTime(r.started_at) },
        { header: 'Tokens', value: (r) => r.usage.total_tokens },
        { header: 'Cost', value: (r) => formatUsd(r.usage.cost_usd) },
        { header: 'Error', value: (r) => (r.error_code ? `[${r.error_code}] ` : '') + (r.error ?? '') },
      ],
      args,
      limit,
    );
  },
);

/** What `run diff` compares: the parts of a run a user changes an agent or a skill to affect. */
export interface RunDigest {
  agent_id: string | null;
  task_id: string | null;
  status: string;
  model: string | null;
  input: string | null;
  tool_calls: { name: string; arguments: string; success: boolean | null; result: string | null }[];
  answer: string;
  error: string | null;
  usage: RunInfo['usage'];
  duration_ms: number | null;
}

export function digestOf(run: RunInfo, timeline: Timeline): RunDigest {
  const entries = timeline.entries;
  const started = entries.find((e) => e.type === 'started')?.detail;
  const results = new Map(
    entries.filter((e) => e.type === 'tool_result').map((e) => [e.detail?.tool_id as string, e.detail]),
  );
  const texts = entries.filter((e) => e.type === 'text').map((e) => e.detail?.text as string);
  return {
    agent_id: run.agent_id,
    task_id: run.task_id,
    status: run.status,
    model: (started?.model as string | undefined) ?? null,
    input: (started?.input as string | undefined) ?? null,
    tool_calls: entries
      .filter((e) => e.type === 'tool_call')
      .map((e) => {
        const result = results.get(e.detail?.tool_id as string);
        return {
          name: e.detail?.tool_name as string,
          arguments: e.detail?.arguments as string,
          success: (result?.success as boolean | undefined) ?? null,
          result: (result?.result as string | undefined) ?? null,
        };
      }),
    answer: texts.at(-1) ?? '',
    error: run.error,
    usage: run.usage,
    duration_ms: run.finished_at === null ? null : run.finished_at - run.started_at,
  };
}

export interface DiffLine {
  field: string;
  a: unknown;
  b: unknown;
  same: boolean;
}

export function diffRuns(a: RunDigest, b: RunDigest): DiffLine[] {
  const line = (field: string, x: unknown, y: unknown): DiffLine => ({
    field,
    a: x,
    b: y,
    same: JSON.stringify(x) === JSON.stringify(y),
  });
  const lines = [
    line('agent', a.agent_id, b.agent_id),
    line('task', a.task_id, b.task_id),
    line('model', a.model, b.model),
    line('input', a.input, b.input),
    line('status', a.status, b.status),
    line('tool calls', a.tool_calls.length, b.tool_calls.length),
  ];
  const calls = Math.max(a.tool_calls.length, b.tool_calls.length);
  for (let i = 0; i < calls; i++) {
    const x = a.tool_calls[i];
    const y = b.tool_calls[i];
    lines.push(line(`tool ${i + 1}`, x ? `${x.name} ${x.arguments}` : null, y ? `${y.name} ${y.arguments}` : null));
    lines.push(line(`tool ${i + 1} result`, x?.result ?? null, y?.result ?? null));
  }
  lines.push(
    line('answer', a.answer, b.answer),
    line('error', a.error, b.error),
    line('tokens', a.usage.total_tokens, b.usage.total_tokens),
    line('cost', formatUsd(a.usage.cost_usd), formatUsd(b.usage.cost_usd)),
    line('provider calls', a.usage.calls, b.usage.calls),
  );
  return lines;
}

const shown = (value: unknown) => (value === null || value === undefined ? '-' : flat(String(value), 160));

export const runDiffCommand = daemonLeaf<{ first: string; second: string; all: boolean }>(
  'diff <first> <second>',
  'Compare two runs (of the same agent or task): input, model, tool calls and results, answer, tokens, cost',
  (y) =>
    y
      .positional('first', { type: 'string', demandOption: true, describe: 'Run id or unique prefix (a)' })
      .positional('second', { type: 'string', demandOption: true, describe: 'Run id or unique prefix (b)' })
      .option('all', { type: 'boolean', default: false, describe: 'Also list what is the same' }),
  async (client, args, out) => {
    const [a, b] = await Promise.all([loadTimeline(client, args.first), loadTimeline(client, args.second)]);
    const digests = [digestOf(a.run, a.timeline), digestOf(b.run, b.timeline)] as const;
    const lines = diffRuns(...digests);
    if (out.json) {
      out.printJson({
        a: { id: a.run.id, ...digests[0] },
        b: { id: b.run.id, ...digests[1] },
        differences: lines.filter((l) => !l.same),
      });
      return;
    }
    out.line(`a = run ${a.run.id}`);
    out.line(`b = run ${b.run.id}`);
    if (a.run.agent_id !== b.run.agent_id) out.notice('note: the runs are of different agents');
    const differing = lines.filter((l) => !l.same);
    if (differing.length === 0) out.line('No differences.');
    for (const l of args.all ? lines : differing) {
      if (l.same) out.line(`  ${l.field}: ${shown(l.a)}`);
      else {
        out.line(`~ ${l.field}:`);
        out.line(`    a: ${shown(l.a)}`);
        out.line(`    b: ${shown(l.b)}`);
      }
    }
  },
);

export const runsCommand = group('runs', 'Past and running runs: list them, show one’s timeline, compare two', [
  runListCommand,
  runShowCommand,
  runDiffCommand,
  runRecordingCommand,
]);
