'use client';
// One run's timeline from its stored events (then live while it runs): steps, tool calls with their arguments and
// results, tokens and cost of each provider call, timings. The same builder as `restflow runs show`
// (@restflow/run-model's Timeline). Child runs (sub-agents), when runs carry `parent_run_id`, are listed under it.
import { formatUsd, Timeline, type TimelineEntry } from '@restflow/run-model';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { downloadText } from '../../lib/download';
import { formatDateTime, formatDuration, prettyJson, shortId } from '../../lib/format';
import type { RunStreamEvent } from '../../lib/run-stream';
import { type RouterOutputs, useTRPC, useTRPCClient } from '../../lib/trpc';
import { Link } from '../../navigation';
import { Badge, Card, Empty, ErrorNote, StatusBadge } from '../ui';
import { RunPlacement } from '../workers/workers-view';
import { buildRunTree, flattenRunTree, type TreeRun } from './run-tree';

export type RunInfo = RouterOutputs['runs']['get'];

/** The run's events folded into timeline entries as they arrive; the stream ends after the terminal event. */
function useTimeline(runId: string) {
  const client = useTRPCClient();
  const [entries, setEntries] = useState<TimelineEntry[]>([]);
  const [ended, setEnded] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const timeline = new Timeline();
    setEntries([]);
    setEnded(false);
    setError(null);
    const subscription = client.runs.onEvents.subscribe(
      { run_id: runId },
      {
        onData: ({ data }: { data: RunStreamEvent }) => {
          timeline.add(data);
          // Entries are updated in place (merged text): hand React fresh copies.
          setEntries(
            timeline.entries.map((entry) => ({ ...entry, ...(entry.detail ? { detail: { ...entry.detail } } : {}) })),
          );
        },
        onError: setError,
        onComplete: () => setEnded(true),
      },
    );
    return () => subscription.unsubscribe();
  }, [client, runId]);
  return { entries, ended, error };
}

const seconds = (ms: number) => `+${(ms / 1000).toFixed(2)}s`;

const TONES: Record<string, 'ok' | 'warn' | 'bad' | 'accent' | 'plain'> = {
  started: 'accent',
  llm_call: 'accent',
  tool_call: 'warn',
  tool_result: 'plain',
  completed: 'ok',
  failed: 'bad',
  cancelled: 'plain',
  approval: 'warn',
};

function EntryBody({ entry }: { entry: TimelineEntry }) {
  const detail = entry.detail ?? {};
  if (entry.type === 'tool_call') {
    return (
      <details className="tool" open>
        <summary>
          <span className="mono">{String(detail.tool_name)}</span> <span className="muted">arguments</span>
        </summary>
        <pre className="body" data-testid="tool-arguments">
          {prettyJson(String(detail.arguments ?? ''))}
        </pre>
      </details>
    );
  }
  if (entry.type === 'tool_result') {
    return (
      <details className="tool" open>
        <summary>
          <span className="mono">{String(detail.tool_name ?? detail.tool_id)}</span>{' '}
          <StatusBadge status={detail.success ? 'completed' : 'failed'} />
        </summary>
        <pre className="body" data-testid="tool-result">
          {String(detail.result ?? '')}
        </pre>
      </details>
    );
  }
  if (entry.type === 'text' || entry.type === 'thinking') {
    return (
      <div className={`timeline-text${entry.type === 'thinking' ? ' muted' : ''}`}>{String(detail.text ?? '')}</div>
    );
  }
  return <span>{entry.summary}</span>;
}

function Totals({ run }: { run: RunInfo }) {
  const trpc = useTRPC();
  const agents = useQuery(trpc.agents.list.queryOptions());
  const agentName = agents.data?.find((a) => a.id === run.agent_id)?.name;
  const u = run.usage;
  const took = run.finished_at ? formatDuration(run.finished_at - run.started_at) : 'running';
  return (
    <dl className="run-facts" data-testid="run-facts">
      <dt>Status</dt>
      <dd>
        <StatusBadge status={run.status} /> <Badge>{run.kind}</Badge>
      </dd>
      <dt>Ran on</dt>
      <dd>
        <RunPlacement runId={run.id} />
      </dd>
      <dt>Agent</dt>
      <dd>
        {run.agent_id ? (
          <Link href={`/runs?agent=${run.agent_id}`}>{agentName ?? shortId(run.agent_id)}</Link>
        ) : (
          '(inline)'
        )}
      </dd>
      {run.task_id ? (
        <>
          <dt>Task</dt>
          <dd>
            <Link href={`/tasks?id=${run.task_id}`}>{shortId(run.task_id)}</Link>
          </dd>
        </>
      ) : null}
      {run.session_id ? (
        <>
          <dt>Chat</dt>
          <dd>
            <Link href={`/?session=${run.session_id}`}>{shortId(run.session_id)}</Link>
          </dd>
        </>
      ) : null}
      <dt>Started</dt>
      <dd>{formatDateTime(run.started_at)}</dd>
      <dt>Took</dt>
      <dd>{took}</dd>
      <dt>Tokens</dt>
      <dd data-testid="run-tokens">
        in {u.input_tokens} (cached {u.cached_tokens}) · out {u.output_tokens} (reasoning {u.reasoning_tokens}) · total{' '}
        {u.total_tokens}
      </dd>
      <dt>Cost</dt>
      <dd data-testid="run-cost">
        {formatUsd(u.cost_usd)} · {u.calls} provider call{u.calls === 1 ? '' : 's'}
      </dd>
      {run.error ? (
        <>
          <dt>Error</dt>
          <dd className="error">
            {run.error}
            {run.error_code ? ` [${run.error_code}]` : ''}
          </dd>
        </>
      ) : null}
    </dl>
  );
}

/** Runs started by this one (sub-agents): shown when the daemon's runs carry `parent_run_id`. */
function ChildRuns({ run }: { run: RunInfo & TreeRun }) {
  const trpc = useTRPC();
  const linked = 'parent_run_id' in run;
  const recent = useQuery({ ...trpc.runs.list.queryOptions({ limit: 500 }), enabled: linked });
  if (!linked) return null;
  const rows = (recent.data ?? []) as (RunInfo & TreeRun)[];
  const root = flattenRunTree(buildRunTree(rows)).find((node) => node.run.id === run.id);
  const descendants = root ? flattenRunTree(root.children) : [];
  if (descendants.length === 0) return null;
  return (
    <Card title="Child runs">
      <ul className="run-tree" data-testid="child-runs">
        {descendants.map((node) => (
          <li key={node.run.id} style={{ paddingLeft: `${(node.depth - 1) * 18}px` }}>
            <Link href={`/runs?run=${node.run.id}`} className="mono">
              {shortId(node.run.id)}
            </Link>{' '}
            <StatusBadge status={node.run.status} /> <span className="muted">{formatUsd(node.run.usage.cost_usd)}</span>
          </li>
        ))}
      </ul>
    </Card>
  );
}

/** A recorded run's recording (docs/record-replay.md), to replay with `restflow run --replay FILE`. */
function RecordingDownload({ runId, ended }: { runId: string; ended: boolean }) {
  const trpc = useTRPC();
  // Most runs are not recorded: a NOT_FOUND answer just means no button.
  const recording = useQuery({ ...trpc.runs.recording.queryOptions({ id: runId }), enabled: ended, retry: false });
  // A settled "no recording" leaves a marker, so a reader (a test) can tell it from a pending answer.
  if (recording.isError) return <span hidden data-testid="no-recording" />;
  if (!recording.data) return null;
  return (
    <button
      type="button"
      className="small"
      data-testid="download-recording"
      onClick={() =>
        downloadText(
          `run-${shortId(runId)}.recording.json`,
          `${JSON.stringify(recording.data, null, 2)}\n`,
          'application/json',
        )
      }
    >
      Download recording
    </button>
  );
}

export function RunTimeline({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const { entries, ended, error } = useTimeline(runId);
  // Re-read the run when its stream ends, so the totals include the last call.
  const run = useQuery(trpc.runs.get.queryOptions({ id: runId }, { refetchInterval: ended ? false : 2000 }));
  return (
    <div data-testid="run-timeline" data-run-id={runId} data-ended={ended ? 'true' : 'false'}>
      <ErrorNote error={run.error ?? error} />
      <Card title={`Run ${shortId(runId)}`} actions={<RecordingDownload runId={runId} ended={ended} />}>
        {run.data ? <Totals run={run.data} /> : <Empty>Loading…</Empty>}
      </Card>
      {run.data ? <ChildRuns run={run.data} /> : null}
      <Card title="Timeline">
        {entries.length === 0 && ended ? <Empty>No events.</Empty> : null}
        <ol className="timeline">
          {entries.map((entry) => (
            <li key={entry.seq} className="timeline-entry" data-type={entry.type} data-testid="timeline-entry">
              <span className="timeline-at mono">{seconds(entry.at)}</span>
              <Badge tone={TONES[entry.type] ?? 'plain'}>{entry.type.replace('_', ' ')}</Badge>
              <div className="timeline-body">
                {entry.type === 'llm_call' || entry.type === 'started' || entry.type === 'completed' ? (
                  <span data-testid={entry.type === 'llm_call' ? 'llm-call' : undefined}>{entry.summary}</span>
                ) : (
                  <EntryBody entry={entry} />
                )}
              </div>
            </li>
          ))}
        </ol>
      </Card>
    </div>
  );
}
