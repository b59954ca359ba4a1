'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { formatRelative, shortId } from '../../lib/format';
import { useListSelection } from '../../lib/list-selection';
import { useTRPC } from '../../lib/trpc';
import { Link } from '../../navigation';
import { Badge, Card, Empty, ErrorNote, PageHeader } from '../ui';
import { type Agent, AgentForm } from './agent-form';

export function AgentsView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { router, selectedId, creating, open } = useListSelection('/agents');
  const agents = useQuery(trpc.agents.list.queryOptions());
  const selected = agents.data?.find((a) => a.id === selectedId);
  const remove = useMutation(
    trpc.agents.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.agents.pathKey() });
        router.replace('/agents');
      },
    }),
  );

  const confirmDelete = (agent: Agent) => {
    if (window.confirm(`Delete agent "${agent.name}"? Its chat sessions stay.`)) remove.mutate({ id: agent.id });
  };

  return (
    <div className="page">
      <PageHeader title="Agents">
        <button type="button" className="primary" onClick={() => open('?new=1')}>
          New agent
        </button>
      </PageHeader>

      {creating ? (
        <Card title="New agent">
          <AgentForm onDone={(agent) => open(agent ? `?id=${agent.id}` : '')} />
        </Card>
      ) : null}

      {selected && !creating ? (
        <Card
          title={`Edit ${selected.name}`}
          actions={
            <>
              <button type="button" onClick={() => router.push(`/?agent=${selected.id}`)}>
                Chat
              </button>
              <button type="button" className="danger" onClick={() => confirmDelete(selected)}>
                Delete
              </button>
            </>
          }
        >
          <ErrorNote error={remove.error} />
          <AgentForm key={selected.id} agent={selected} onDone={() => open('')} />
        </Card>
      ) : null}

      <Card>
        <ErrorNote error={agents.error} />
        {agents.data?.length === 0 ? <Empty>No agents yet. Create one to start chatting.</Empty> : null}
        {agents.data && agents.data.length > 0 ? (
          <table data-testid="agent-list">
            <thead>
              <tr>
                <th>Name</th>
                <th>Model</th>
                <th>Tools</th>
                <th>Updated</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {agents.data.map((agent) => (
                <tr key={agent.id} className={agent.id === selectedId ? 'selected' : undefined}>
                  <td>
                    <button type="button" className="link-button" onClick={() => open(`?id=${agent.id}`)}>
                      {agent.name}
                    </button>
                    <div className="muted mono">{shortId(agent.id)}</div>
                  </td>
                  <td>{agent.agent.model ?? <span className="muted">none</span>}</td>
                  <td>
                    {agent.agent.tools?.length ? (
                      agent.agent.tools.map((tool) => (
                        <span key={tool} style={{ marginRight: 4 }}>
                          <Badge>{tool}</Badge>
                        </span>
                      ))
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td className="muted">{formatRelative(agent.updated_at)}</td>
                  <td>
                    <div className="actions">
                      <button type="button" className="small" onClick={() => open(`?id=${agent.id}`)}>
                        Edit
                      </button>
                      <Link href={`/?agent=${agent.id}`}>Chat →</Link>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {agents.isPending ? <Empty>Loading…</Empty> : null}
      </Card>
    </div>
  );
}
