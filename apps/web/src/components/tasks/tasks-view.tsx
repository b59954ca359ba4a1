'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter, useSearchParams } from 'next/navigation';
import { useMemo } from 'react';
import { describeSchedule, formatDateTime, formatRelative, shortId } from '../../lib/format';
import { type RouterOutputs, useTRPC } from '../../lib/trpc';
import { Card, Empty, ErrorNote, PageHeader, StatusBadge } from '../ui';
import { TaskFeed } from './task-feed';
import { TaskForm } from './task-form';

type Task = RouterOutputs['tasks']['list'][number];

function TaskHistory({ task }: { task: Task }) {
  const trpc = useTRPC();
  const events = useQuery(trpc.tasks.events.list.queryOptions({ task_id: task.id, limit: 50 }));
  return (
    <Card title={`History of ${task.name}`}>
      <div className="meta">
        <span>Created {formatDateTime(task.created_at)}</span>
        <span>Last run {formatDateTime(task.last_run_at)}</span>
        {task.last_error ? <span className="error">Last error: {task.last_error}</span> : null}
      </div>
      {task.input ? <pre className="muted">{task.input}</pre> : null}
      <ErrorNote error={events.error} />
      {events.data?.length === 0 ? <Empty>No events yet.</Empty> : null}
      <div className="feed">
        {events.data?.map((event) => (
          <div className="feed-item" key={event.id}>
            <span className="muted">{new Date(event.timestamp).toLocaleTimeString()}</span>
            <span className="muted">{new Date(event.timestamp).toLocaleDateString()}</span>
            <span>
              <StatusBadge status={event.event_type} />
            </span>
            <span className="mono" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
              {event.message ?? event.output ?? ''}
            </span>
          </div>
        ))}
      </div>
    </Card>
  );
}

export function TasksView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const params = useSearchParams();
  const selectedId = params.get('id');
  const creating = params.get('new') === '1';
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

  const open = (query: string) => router.replace(`/tasks${query}`, { scroll: false });
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
                  <td title={formatDateTime(task.next_run_at)}>{formatRelative(task.next_run_at)}</td>
                  <td>
                    <span className="success">✓ {task.success_count}</span>{' '}
                    <span className={task.failure_count ? 'error' : 'muted'} style={{ padding: 0, background: 'none' }}>
                      ✗ {task.failure_count}
                    </span>
                  </td>
                  <td>
                    <div className="actions">
                      <button type="button" className="small" onClick={() => run.mutate({ id: task.id })}>
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

      {selected ? <TaskHistory task={selected} /> : null}

      <Card title="Live events">
        <TaskFeed taskNames={taskNames} />
      </Card>
    </div>
  );
}
