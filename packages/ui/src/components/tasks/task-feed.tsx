'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { formatDuration, shortId } from '../../lib/format';
import { foldTaskEvent, type TaskRunRow } from '../../lib/task-runs';
import { useTRPC, useTRPCClient } from '../../lib/trpc';
import { Badge, Empty, StatusBadge } from '../ui';

/** One run: when, which task, how it stands, and its text so far (output, then the result or the error). */
export function TaskRunItem({
  run,
  taskName,
  onTranscript,
}: {
  run: TaskRunRow;
  taskName?: string;
  onTranscript?(run: TaskRunRow): void;
}) {
  return (
    <div className="run-row" data-testid="task-run" data-run-id={run.run_id} data-status={run.status}>
      <div className="head">
        <span className="muted">{new Date(run.started_at).toLocaleString()}</span>
        {taskName !== undefined ? <strong>{taskName}</strong> : null}
        <StatusBadge status={run.status} />
        {run.trigger ? <Badge>{run.trigger}</Badge> : null}
        {run.phase && run.status === 'running' ? <span className="muted">{run.phase}</span> : null}
        {run.duration_ms !== undefined ? <span className="muted">{formatDuration(run.duration_ms)}</span> : null}
        {run.notifications.map((note) => (
          <Badge key={note}>{note}</Badge>
        ))}
        {onTranscript ? (
          <button type="button" className="small" onClick={() => onTranscript(run)}>
            Transcript
          </button>
        ) : null}
      </div>
      {run.output ? (
        <div className="output" data-testid="task-run-output">
          {run.output}
        </div>
      ) : null}
      {run.error ? (
        <div className="error" data-testid="task-run-error">
          {run.error}
        </div>
      ) : null}
    </div>
  );
}

/** Every task's runs from now on (tasks.onEvents, resumed after reconnects), one growing row per run. */
export function TaskFeed({
  taskNames,
  onTranscript,
}: {
  taskNames: Map<string, string>;
  onTranscript(run: TaskRunRow): void;
}) {
  const client = useTRPCClient();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [runs, setRuns] = useState<TaskRunRow[]>([]);

  useEffect(() => {
    const subscription = client.tasks.onEvents.subscribe(undefined, {
      onData: ({ data }) => {
        setRuns((current) => foldTaskEvent(current, data));
        // Status, counts, next run and history change when a run starts or ends.
        if (data.kind.type !== 'output' && data.kind.type !== 'progress') {
          void queryClient.invalidateQueries({ queryKey: trpc.tasks.pathKey() });
        }
      },
    });
    return () => subscription.unsubscribe();
  }, [client, queryClient, trpc]);

  if (runs.length === 0) return <Empty>Waiting for task runs… (each run appears here as it happens)</Empty>;
  return (
    <div className="feed" data-testid="task-feed">
      {runs.map((run) => (
        <TaskRunItem
          key={run.run_id}
          run={run}
          taskName={taskNames.get(run.task_id) ?? shortId(run.task_id)}
          onTranscript={onTranscript}
        />
      ))}
    </div>
  );
}
