'use client';
import { useQuery } from '@tanstack/react-query';
import { formatRelative } from '../../lib/format';
import { useTRPC } from '../../lib/trpc';
import { Empty, ErrorNote } from '../ui';

interface Props {
  activeId: string | null;
  agentNames: Map<string, string>;
  onSelect(sessionId: string): void;
  onNew(): void;
}

export function SessionSidebar({ activeId, agentNames, onSelect, onNew }: Props) {
  const trpc = useTRPC();
  const sessions = useQuery(trpc.sessions.list.queryOptions());
  return (
    <aside className="sessions" aria-label="Chat sessions">
      <div className="sessions-head">
        <button type="button" className="primary" onClick={onNew}>
          New chat
        </button>
      </div>
      <div className="session-list" data-testid="session-list">
        <ErrorNote error={sessions.error} />
        {sessions.data?.length === 0 ? <Empty>No conversations yet.</Empty> : null}
        {sessions.data?.map((session) => (
          <button
            type="button"
            key={session.id}
            className={`session-item${session.id === activeId ? ' active' : ''}`}
            onClick={() => onSelect(session.id)}
          >
            <div className="name">{session.name}</div>
            <div className="preview">{session.last_message_preview || 'No messages'}</div>
            <div className="meta">
              <span>{agentNames.get(session.agent_id) ?? 'deleted agent'}</span>
              <span>{formatRelative(session.updated_at)}</span>
            </div>
          </button>
        ))}
      </div>
    </aside>
  );
}
