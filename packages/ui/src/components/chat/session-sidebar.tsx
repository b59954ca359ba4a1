'use client';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { formatRelative } from '../../lib/format';
import { useTRPC, useTRPCClient } from '../../lib/trpc';
import { usePages } from '../../lib/use-pages';
import { ListEnd } from '../list-end';
import { InlineMarkdown } from '../markdown';
import { Badge, Empty, ErrorNote } from '../ui';

interface Props {
  activeId: string | null;
  agentNames: Map<string, string>;
  onSelect(sessionId: string): void;
  onNew(): void;
  /** Narrow screens: hides the list again. */
  onClose(): void;
}

type SessionState = 'answering' | 'failed' | 'cancelled';

/** Sessions per page: the newest first; older ones load when the end of the list scrolls into view. */
const SESSIONS_PAGE = 50;

/** Each session's latest run decides its badge: answering while it runs, failed when it failed. */
function useSessionStates(): Map<string, SessionState> {
  const trpc = useTRPC();
  const runs = useQuery(trpc.runs.list.queryOptions({ limit: 200 }));
  return useMemo(() => {
    const states = new Map<string, SessionState>();
    const seen = new Set<string>();
    // Newest first: the first run of a session is its latest.
    for (const run of runs.data ?? []) {
      if (!run.session_id || seen.has(run.session_id)) continue;
      seen.add(run.session_id);
      if (run.status === 'running') states.set(run.session_id, 'answering');
      else if (run.status === 'failed' || run.status === 'interrupted') states.set(run.session_id, 'failed');
    }
    return states;
  }, [runs.data]);
}

export function SessionSidebar({ activeId, agentNames, onSelect, onNew, onClose }: Props) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const sessions = usePages({
    queryKey: trpc.sessions.page.queryKey({ limit: SESSIONS_PAGE }),
    read: (cursor) => client.sessions.page.query({ limit: SESSIONS_PAGE, cursor }),
  });
  const states = useSessionStates();
  return (
    <aside className="sessions" aria-label="Chat sessions">
      <div className="sessions-head">
        <button type="button" className="primary grow" onClick={onNew}>
          New chat
        </button>
        <button type="button" className="narrow-only" onClick={onClose}>
          Close
        </button>
      </div>
      <div className="session-list" data-testid="session-list">
        <ErrorNote error={sessions.error} />
        {sessions.isSuccess && sessions.items.length === 0 ? <Empty>No conversations yet.</Empty> : null}
        {sessions.items.map((session) => {
          const state = states.get(session.id);
          return (
            <button
              type="button"
              key={session.id}
              className={`session-item${session.id === activeId ? ' active' : ''}`}
              onClick={() => onSelect(session.id)}
              data-state={state ?? 'idle'}
            >
              <div className="name">
                <InlineMarkdown text={session.name} />
              </div>
              <div className="preview">
                {session.last_message_preview ? <InlineMarkdown text={session.last_message_preview} /> : 'No messages'}
              </div>
              <div className="meta">
                {state === 'answering' ? <Badge tone="warn">answering…</Badge> : null}
                {state === 'failed' ? <Badge tone="bad">failed</Badge> : null}
                <span>{agentNames.get(session.agent_id) ?? 'deleted agent'}</span>
                <span>{formatRelative(session.updated_at)}</span>
              </div>
            </button>
          );
        })}
        <ListEnd pages={sessions} label="Older chats" />
      </div>
    </aside>
  );
}
