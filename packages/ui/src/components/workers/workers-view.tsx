'use client';
// Workers: the `restflow worker` processes of a daemon that uses the queue backend (docs/workers.md), with their
// live heartbeat, load and version. A daemon on the local backend has none and says so.
import { useQuery } from '@tanstack/react-query';
import { formatRelative, shortId } from '../../lib/format';
import { useTRPC } from '../../lib/trpc';
import { Link } from '../../navigation';
import { Badge, Card, Empty, ErrorNote, PageHeader } from '../ui';

export function WorkersView() {
  const trpc = useTRPC();
  // Heartbeats are a few seconds apart: the list follows them.
  const workers = useQuery(trpc.workers.list.queryOptions(undefined, { refetchInterval: 2000 }));
  const rows = workers.data ?? [];
  return (
    <div className="page" data-testid="workers-view">
      <PageHeader title="Workers" />
      <Card>
        <ErrorNote error={workers.error} />
        {workers.isSuccess && rows.length === 0 ? (
          <Empty>
            No workers. This daemon runs agents itself unless it is started with RESTFLOW_EXECUTION_BACKEND=queue; then
            start workers with restflow worker (docs/workers.md).
          </Empty>
        ) : null}
        {rows.length > 0 ? (
          <table data-testid="worker-list">
            <thead>
              <tr>
                <th>Worker</th>
                <th>Status</th>
                <th>Tags</th>
                <th className="num">Load</th>
                <th>Version</th>
                <th>Last heartbeat</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((worker) => (
                <tr key={worker.id} data-testid="worker-row" data-worker-name={worker.name} data-status={worker.status}>
                  <td>
                    {worker.name} <span className="muted mono">{shortId(worker.id)}</span>
                  </td>
                  <td>
                    <Badge tone={worker.status === 'online' ? 'ok' : 'bad'}>{worker.status}</Badge>
                  </td>
                  <td>{worker.tags.length > 0 ? worker.tags.map((tag) => <Badge key={tag}>{tag}</Badge>) : '—'}</td>
                  <td className="num" data-testid="worker-load">
                    {worker.active_runs.length}/{worker.concurrency}
                  </td>
                  <td className="mono">{worker.version}</td>
                  <td className="muted">{formatRelative(worker.last_heartbeat_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </Card>
    </div>
  );
}

/** Where a run executed, for its timeline: the daemon itself, or a worker (by name, with the queue). */
export function RunPlacement({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const placement = useQuery(trpc.workers.placement.queryOptions({ run_id: runId }));
  if (!placement.data) return null;
  const { backend, worker_name, queue } = placement.data;
  return (
    <span data-testid="run-placement" data-backend={backend}>
      {backend === 'local' ? (
        'the daemon'
      ) : worker_name ? (
        <>
          <Link href="/workers">{worker_name}</Link> <span className="muted">(queue {queue})</span>
        </>
      ) : (
        <span className="muted">queued ({queue})</span>
      )}
    </span>
  );
}
