'use client';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../lib/trpc';
import { useModels } from '../agents/model-picker';
import { Badge, Card, ErrorNote, PageHeader } from '../ui';
import { ApprovalsCard } from './approvals-card';
import { ConfigCard, ProvidersCard } from './config-card';
import { SecretsCard } from './secrets-card';

function ModelsCard() {
  const models = useModels(Number.POSITIVE_INFINITY);
  return (
    <Card title="Models">
      <ErrorNote error={models.error} />
      <table>
        <thead>
          <tr>
            <th>Model</th>
            <th>Name</th>
            <th>Provider</th>
            <th>Temperature</th>
          </tr>
        </thead>
        <tbody>
          {models.data?.map((model) => (
            <tr key={model.model}>
              <td className="mono">{model.model}</td>
              <td>{model.name}</td>
              <td>
                <Badge>{model.provider}</Badge>
              </td>
              <td className="muted">{model.supports_temperature ? 'yes' : 'no'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="hint">
        Models newer than the catalogue: <code>anthropic:&lt;model&gt;</code>, <code>openai:&lt;model&gt;</code>,{' '}
        <code>deepseek:&lt;model&gt;</code>; local servers: <code>openai-compatible:&lt;model&gt;</code>.
      </div>
    </Card>
  );
}

function DaemonCard() {
  const trpc = useTRPC();
  const info = useQuery(trpc.system.info.queryOptions());
  return (
    <Card title="Daemon">
      <ErrorNote error={info.error} />
      {info.data ? (
        <div className="meta" style={{ fontSize: 13 }}>
          <span>RestFlow {info.data.version}</span>
          <span>pid {info.data.pid}</span>
          <span>Node {info.data.node_version}</span>
          <span className="mono">{info.data.data_dir}</span>
          <span>python3 {info.data.python_ready ? 'available' : 'not found'}</span>
        </div>
      ) : null}
    </Card>
  );
}

export function SettingsView() {
  return (
    <div className="page">
      <PageHeader title="Settings" />
      <ApprovalsCard />
      <SecretsCard />
      <ConfigCard />
      <ProvidersCard />
      <ModelsCard />
      <DaemonCard />
    </div>
  );
}
