'use client';
// Runs: every agent run (chat turns, executions, task runs, replays), newest first, filtered by agent, task and
// status; `?run=ID` shows one run's timeline. Chat messages and task transcripts link here. Runs that carry
// `parent_run_id` (sub-agents) are shown under their parent. Older runs load a page at a time as the list scrolls.
import { formatUsd } from '@restflow/run-model';
import { useQuery } from '@tanstack/react-query';
import { formatDuration, formatRelative, shortId } from '../../lib/format';
import { useTRPC, useTRPCClient } from '../../lib/trpc';
import { usePages } from '../../lib/use-pages';
import { Link, useRouter, useSearchParams } from '../../navigation';
import { ListEnd } from '../list-end';
import { Badge, Card, Empty, ErrorNote, PageHeader, StatusBadge } from '../ui';
import { type RunInfo, RunTimeline } from './run-timeline';
import { buildRunTree, flattenRunTree, type TreeRun } from './run-tree';

/** Runs per page: a screenful and more; the next page loads when the list's end scrolls into view. */
const RUNS_PAGE = 50;
const STATUSES = ['running', 'completed', 'failed', 'cancelled', 'interrupted'] as const;
type Status = (typeof STATUSES)[number];

/** `/runs?agent=…&task=…&status=…`: the filters live in the URL, so a task's history can link to its runs. */
function filterHref(params: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) query.set(key, value);
  const text = query.toString();
  return text ? `/runs?${text}` : '/runs';
}

/** The agent's name; a sub-agent run of a built-in definition has no agent id but may carry `agent_name`. */
function agentLabel(run: RunInfo & { agent_name?: string | null }, names: Map<string, string>): string {
  if (run.agent_id) return names.get(run.agent_id) ?? run.agent_name ?? shortId(run.agent_id);
  return run.agent_name ?? '(inline)';
}

export function RunsView() {
  const trpc = useTRPC();
  const router = useRouter();
  const params = useSearchParams();
  const runId = params.get('run');
  const agent = params.get('agent') ?? undefined;
  const task = params.get('task') ?? undefined;
  const statusParam = params.get('status');
  const status = STATUSES.includes(statusParam as Status) ? (statusParam as Status) : undefined;
  const agents = useQuery(trpc.agents.list.queryOptions());
  const tasks = useQuery(trpc.tasks.list.queryOptions());
  const client = useTRPCClient();
  const filters = {
    limit: RUNS_PAGE,
    ...(agent ? { agent_id: agent } : {}),
    ...(task ? { task_id: task } : {}),
    ...(status ? { status } : {}),
  };
  const runs = usePages({
    queryKey: trpc.runs.page.queryKey(filters),
    read: (cursor) => client.runs.page.query({ ...filters, cursor }),
    enabled: !runId,
    refetchInterval: 5000,
  });
  const agentNames = new Map((agents.data ?? []).map((a) => [a.id, a.name]));
  const taskNames = new Map((tasks.data ?? []).map((t) => [t.id, t.name]));
  const setFilter = (patch: Record<string, string | undefined>) =>
    router.replace(filterHref({ agent, task, status, ...patch }), { scroll: false });

  if (runId) {
    return (
      <div className="page">
        <PageHeader title="Run timeline">
          <Link href={filterHref({ agent, task, status })}>All runs</Link>
        </PageHeader>
        <RunTimeline runId={runId} />
      </div>
    );
  }

  const rows = flattenRunTree(buildRunTree(runs.items as (RunInfo & TreeRun & { agent_name?: string | null })[]));
  return (
    <div className="page" data-testid="runs-view">
      <PageHeader title="Runs" />
      <Card>
        <div className="filters">
          <select aria-label="Agent" value={agent ?? ''} onChange={(e) => setFilter({ agent: e.target.value })}>
            <option value="">All agents</option>
            {(agents.data ?? []).map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
          <select aria-label="Task" value={task ?? ''} onChange={(e) => setFilter({ task: e.target.value })}>
            <option value="">All tasks</option>
            {(tasks.data ?? []).map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
          <select aria-label="Status" value={status ?? ''} onChange={(e) => setFilter({ status: e.target.value })}>
            <option value="">Any status</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <ErrorNote error={runs.error ?? agents.error ?? tasks.error} />
        {runs.isSuccess && runs.items.length === 0 ? <Empty>No runs match.</Empty> : null}
        {rows.length > 0 ? (
          <table data-testid="run-list">
            <thead>
              <tr>
                <th>Run</th>
                <th>Agent</th>
                <th>Kind</th>
                <th>Status</th>
                <th>Started</th>
                <th className="num">Took</th>
                <th className="num">Tokens</th>
                <th className="num">Cost</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ run, depth }) => (
                <tr key={run.id} data-testid="run-row" data-run-id={run.id} data-status={run.status}>
                  <td style={depth > 0 ? { paddingLeft: `${depth * 18 + 8}px` } : undefined}>
                    {depth > 0 ? <span className="muted">↳ </span> : null}
                    <Link href={`/runs?run=${run.id}`} className="mono">
                      {shortId(run.id)}
                    </Link>
                    {run.task_id ? (
                      <span className="muted"> · {taskNames.get(run.task_id) ?? shortId(run.task_id)}</span>
                    ) : null}
                  </td>
                  <td>{agentLabel(run, agentNames)}</td>
                  <td>
                    <Badge>{run.kind}</Badge>
                  </td>
                  <td>
                    <StatusBadge status={run.status} />
                  </td>
                  <td className="muted">{formatRelative(run.started_at)}</td>
                  <td className="num">{run.finished_at ? formatDuration(run.finished_at - run.started_at) : '—'}</td>
                  <td className="num">{run.usage.total_tokens}</td>
                  <td className="num">{formatUsd(run.usage.cost_usd)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        <ListEnd pages={runs} label="Older runs" />
      </Card>
    </div>
  );
}
