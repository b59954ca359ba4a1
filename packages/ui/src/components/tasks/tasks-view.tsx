'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { describeSchedule, formatDateTime, formatRelative, shortId } from '../../lib/format';
import { useListSelection } from '../../lib/list-selection';
import { runsFromHistory, type TaskRunRow } from '../../lib/task-runs';
import { type RouterOutputs, useTRPC } from '../../lib/trpc';
import { Link } from '../../navigation';
import { Card, Empty, ErrorNote, PageHeader, StatusBadge } from '../ui';
import { TaskFeed, TaskRunItem } from './task-feed';
import { TaskForm } from './task-form';
import { TaskTranscript } from './task-transcript';

type Task = RouterOutputs['tasks']['list'][number];

function TaskHistory({ task, onTranscript }: { task: Task; onTranscript(run: TaskRunRow): void }) {
  const trpc = useTRPC();
  const events = useQuery(trpc.tasks.events.list.queryOptions({ task_id: task.id, limit: 500 }));
  const runs = useMemo(() => runsFromHistory(events.data ?? []), [events.data]);
  return (
    <Card
      title={`History of ${task.name}`}
      actions={
        <Link href={`/runs?task=${task.id}`} data-testid="task-runs-link">
          Agent runs and timelines
        </Link>
      }
    >
      <div className="meta">
        <span>Created {formatDateTime(task.created_at)}</span>
        <span>Last run {formatDateTime(task.last_run_at)}</span>
        {task.last_error ? <span className="error">Last error: {task.last_error}</span> : null}
      </div>
      {task.input ? <pre className="muted">{task.input}</pre> : null}
      <ErrorNote error={events.error} />
      {events.data && runs.length === 0 ? <Empty>No runs yet.</Empty> : null}
      <div data-testid="task-history">
        {runs.map((run) => (
          <TaskRunItem key={run.run_id} run={run} onTranscript={onTranscript} />
        ))}
      </div>
    </Card>
  );
}

export function TasksView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { params, selectedId, creating, open } = useListSelection('/tasks');
  const transcriptRun = params.get('run');
  const tasks = useQuery(trpc.tasks.list.queryOptions(undefined, { refetchInterval: 15_000 }));
  const agents = useQuery(trpc.agents.list.queryOptions());
  const agentNames = useMemo(() => new Map(agents.data?.map((a) => [a.id, a.name])), [agents.data]);
  const taskNames = useMemo(() => new Map(tasks.data?.map((t) => [t.id, t.name])), [tasks.data]);
  const selected = tasks.data?.find((t) => t.id === selectedId);

  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.tasks.pathKey() });
  const run = useMutation(trpc.tasks.run.mutationOptions({ onSuccess: refresh }));
  const pause = useMutation(trpc.tasks.pause.mutationOptions({ onSuccess: refresh }));
  const resume = useMutation(trpc.tasks.resume.mutationOptions({ onSuccess: refresh }));
  const cancel = useMutation(trpc.tasks.cancel.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.tasks.delete.mutationOptions({ onSuccess: refresh }));
  const actionError = run.error ?? pause.error ?? resume.error ?? cancel.error ?? remove.error;

  const showTranscript = (run: TaskRunRow) => open(`?id=${run.task_id}&run=${run.run_id}`);
  const transcriptTask = transcriptRun ? tasks.data?.find((t) => t.id === selectedId) : undefined;
  const confirmDelete = (task: Task) => {
    if (window.confirm(`Delete task "${task.name}" and its history?`)) remove.mutate({ id: task.id });
  };

  return (
    <div className="page">
      <PageHeader title="Tasks">
        <button type="button" className="primary" onClick={() => open('?new=1')}>
          New task
        </button>
      </PageHeader>

      {creating ? (
        <Card title="New task">
          <TaskForm onDone={() => open('')} />
        </Card>
      ) : null}

      <Card>
        <ErrorNote error={tasks.error ?? actionError} />
        {tasks.isPending ? <Empty>Loading…</Empty> : null}
        {tasks.data?.length === 0 ? <Empty>No tasks. A task runs an agent on a schedule.</Empty> : null}
        {tasks.data && tasks.data.length > 0 ? (
          <table data-testid="task-list">
            <thead>
              <tr>
                <th>Task</th>
                <th>Schedule</th>
                <th>Status</th>
                <th>Next run</th>
                <th>Runs</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {tasks.data.map((task) => (
                <tr key={task.id} className={task.id === selectedId ? 'selected' : undefined}>
                  <td>
                    <button
                      type="button"
                      className="link-button"
                      title="Show history"
                      onClick={() => open(task.id === selectedId ? '' : `?id=${task.id}`)}
                    >
                      {task.name}
                    </button>
                    <div className="muted">{agentNames.get(task.agent_id) ?? shortId(task.agent_id)}</div>
                  </td>
                  <td>{describeSchedule(task.schedule)}</td>
                  <td>
                    <StatusBadge status={task.status} />
                  </td>
                  <td title={task.status === 'paused' ? 'paused: no run is planned' : formatDateTime(task.next_run_at)}>
                    {task.status === 'paused' ? <span className="muted">—</span> : formatRelative(task.next_run_at)}
                  </td>
                  <td>
                    <span className="success">✓ {task.success_count}</span>{' '}
                    <span className={task.failure_count ? 'error' : 'muted'} style={{ padding: 0, background: 'none' }}>
                      ✗ {task.failure_count}
                    </span>
                  </td>
                  <td>
                    <div className="actions">
                      <button
                        type="button"
                        className="small"
                        onClick={() => run.mutate({ id: task.id })}
                        disabled={task.status === 'running' || task.status === 'paused'}
                        title={
                          task.status === 'paused'
                            ? 'Paused: resume the task to run it'
                            : task.status === 'running'
                              ? 'Already running'
                              : 'Run once now'
                        }
                      >
                        Run now
                      </button>
                      {task.status === 'paused' ? (
                        <button type="button" className="small" onClick={() => resume.mutate({ id: task.id })}>
                          Resume
                        </button>
                      ) : (
                        <button type="button" className="small" onClick={() => pause.mutate({ id: task.id })}>
                          Pause
                        </button>
                      )}
                      {task.status === 'running' ? (
                        <button type="button" className="small danger" onClick={() => cancel.mutate({ id: task.id })}>
                          Cancel
                        </button>
                      ) : null}
                      <button type="button" className="small danger" onClick={() => confirmDelete(task)}>
                        Delete
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </Card>

      {transcriptTask && transcriptRun ? (
        <TaskTranscript
          key={transcriptRun}
          taskId={transcriptTask.id}
          taskInput={transcriptTask.input}
          runId={transcriptRun}
          onClose={() => open(`?id=${transcriptTask.id}`)}
        />
      ) : null}

      {selected ? <TaskHistory task={selected} onTranscript={showTranscript} /> : null}

      <Card title="Live runs">
        <TaskFeed taskNames={taskNames} onTranscript={showTranscript} />
      </Card>
    </div>
  );
}
