'use client';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { foldTaskEvent, type TaskRunRow, type TaskStreamEvent } from '../../lib/task-runs';
import { useTRPC, useTRPCClient } from '../../lib/trpc';
import { RunMessage } from '../chat/run-message';
import { Markdown } from '../markdown';
import { Badge, Card, Empty, ErrorNote } from '../ui';
import { TaskRunItem } from './task-feed';

/** Every stored event of one task run, replayed from the start of the task's stream and then followed live. */
function useTaskRunEvents(taskId: string, runId: string) {
  const client = useTRPCClient();
  const [events, setEvents] = useState<TaskStreamEvent[]>([]);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setEvents([]);
    setError(null);
    const subscription = client.tasks.onEvents.subscribe(
      { task_id: taskId, lastEventId: '0' },
      {
        onData: ({ data }) => {
          if (data.run_id === runId) setEvents((current) => [...current, data]);
        },
        onError: setError,
      },
    );
    return () => subscription.unsubscribe();
  }, [client, taskId, runId]);
  return { events, error };
}

interface Props {
  taskId: string;
  taskInput: string | null;
  runId: string;
  onClose(): void;
}

/**
 * A task run in full: the input, the agent's answer with its tool calls (the engine runs it made), and the
 * run's own events (queueing, retries, failover, output, result or error).
 */
export function TaskTranscript({ taskId, taskInput, runId, onClose }: Props) {
  const trpc = useTRPC();
  const { events, error } = useTaskRunEvents(taskId, runId);
  const row: TaskRunRow | undefined = events.reduce<TaskRunRow[]>((rows, e) => foldTaskEvent(rows, e), [])[0];
  const finished = row && row.status !== 'running' && row.status !== 'queued';
  const engineRuns = useQuery(
    trpc.runs.list.queryOptions({ task_id: taskId, limit: 100 }, { refetchInterval: finished ? false : 2000 }),
  );
  const start = row?.started_at ?? 0;
  const end = finished ? (row?.updated_at ?? 0) : Number.POSITIVE_INFINITY;
  // The agent runs this task run made (one, or more after retries and failover): a task runs once at a time,
  // and its engine runs start after its `started` event and before its end, on the same daemon clock.
  const agentRuns = (engineRuns.data ?? []).filter((run) => run.started_at >= start && run.started_at <= end).reverse();
  const steps = events.filter((e) => e.kind.type !== 'output');

  return (
    <Card
      title={`Transcript of run ${runId.slice(0, 8)}`}
      actions={
        <button type="button" className="small" onClick={onClose}>
          Close
        </button>
      }
    >
      <div data-testid="task-transcript">
        <ErrorNote error={error ?? engineRuns.error} />
        {taskInput ? (
          <div className="message user">
            <Markdown className="content" text={taskInput} />
          </div>
        ) : null}
        {agentRuns.map((run) => (
          // RunMessage links to the agent run's timeline (/runs?run=…).
          <RunMessage key={run.id} runId={run.id} storedContent="" />
        ))}
        {row ? <TaskRunItem run={row} /> : <Empty>Loading the run’s events…</Empty>}
        {steps.length > 0 ? (
          <details className="tool">
            <summary>Events ({steps.length})</summary>
            <div className="body">
              {steps.map((e) => (
                <div key={e.id} className="meta">
                  <span>{new Date(e.timestamp).toLocaleTimeString()}</span>
                  <Badge>{e.kind.type}</Badge>
                  {e.kind.type === 'progress' ? <span>{e.kind.phase}</span> : null}
                </div>
              ))}
            </div>
          </details>
        ) : null}
      </div>
    </Card>
  );
}
