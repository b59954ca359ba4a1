'use client';
import { skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTRPC } from '../../lib/trpc';
import { Empty, ErrorNote, StatusBadge } from '../ui';
import { Composer } from './composer';
import { RunMessage } from './run-message';
import { SessionSidebar } from './session-sidebar';
import { StoredMessage } from './stored-message';

/** Keeps a scroll container pinned to the bottom while it grows, unless the user scrolled up. */
function useStickToBottom() {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    let pinned = true;
    const onScroll = () => {
      pinned = element.scrollHeight - element.scrollTop - element.clientHeight < 80;
    };
    const observer = new MutationObserver(() => {
      if (pinned) element.scrollTop = element.scrollHeight;
    });
    observer.observe(element, { childList: true, subtree: true, characterData: true });
    element.addEventListener('scroll', onScroll);
    element.scrollTop = element.scrollHeight;
    return () => {
      observer.disconnect();
      element.removeEventListener('scroll', onScroll);
    };
  }, []);
  return ref;
}

export function ChatView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const params = useSearchParams();
  const sessionId = params.get('session');
  const [pickedAgent, setPickedAgent] = useState<string | null>(params.get('agent'));
  /** Runs shown with their live view (tool calls, approvals): the ones seen running here, or opened. */
  const [expandedRuns, setExpandedRuns] = useState<Set<string>>(() => new Set());
  const messagesRef = useStickToBottom();

  const agents = useQuery(trpc.agents.list.queryOptions());
  const session = useQuery(trpc.sessions.get.queryOptions(sessionId ? { id: sessionId } : skipToken));
  const agentNames = useMemo(() => new Map(agents.data?.map((a) => [a.id, a.name])), [agents.data]);
  const agentId = session.data?.agent_id ?? pickedAgent ?? agents.data?.[0]?.id ?? null;
  const messages = session.data?.messages ?? [];
  const running = messages.find((m) => m.role === 'assistant' && m.execution?.status === 'running' && m.run_id);

  useEffect(() => {
    const runId = running?.run_id;
    if (runId) setExpandedRuns((current) => (current.has(runId) ? current : new Set(current).add(runId)));
  }, [running?.run_id]);

  const refresh = async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.sessions.get.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.sessions.list.queryKey() }),
    ]);
  };

  const send = useMutation(
    trpc.chat.send.mutationOptions({
      onSuccess: async (result) => {
        // Shown live from its first event, even if it ends before the session is read again.
        setExpandedRuns((current) => new Set(current).add(result.run_id));
        if (result.session_id !== sessionId) router.replace(`/?session=${result.session_id}`);
        await refresh();
      },
    }),
  );
  const cancel = useMutation(trpc.runs.cancel.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(
    trpc.sessions.delete.mutationOptions({
      onSuccess: async () => {
        router.replace('/');
        await queryClient.invalidateQueries({ queryKey: trpc.sessions.list.queryKey() });
      },
    }),
  );

  const onSend = (content: string) =>
    send.mutateAsync(sessionId ? { session_id: sessionId, content } : { agent_id: agentId ?? undefined, content });

  const deleteSession = () => {
    if (sessionId && window.confirm(`Delete the conversation "${session.data?.name}"?`))
      remove.mutate({ id: sessionId });
  };

  const noAgents = agents.data?.length === 0;

  return (
    <div className="chat">
      <SessionSidebar
        activeId={sessionId}
        agentNames={agentNames}
        onSelect={(id) => router.replace(`/?session=${id}`)}
        onNew={() => router.replace('/')}
      />
      <section className="conversation">
        <header className="conversation-head">
          {session.data ? (
            <div>
              <h1 style={{ fontSize: 16 }}>{session.data.name}</h1>
              <div className="meta">
                <span>{agentNames.get(session.data.agent_id) ?? 'deleted agent'}</span>
                <span className="mono">{session.data.model}</span>
                <span>{session.data.metadata.message_count} messages</span>
              </div>
            </div>
          ) : (
            <label className="conn">
              <span className="muted">Agent</span>
              <select
                aria-label="Agent"
                value={agentId ?? ''}
                onChange={(e) => setPickedAgent(e.target.value)}
                disabled={!agents.data?.length}
              >
                {agents.data?.map((agent) => (
                  <option key={agent.id} value={agent.id}>
                    {agent.name} {agent.agent.model ? `(${agent.agent.model})` : ''}
                  </option>
                ))}
              </select>
            </label>
          )}
          <div className="actions">
            {running ? <StatusBadge status="running" /> : null}
            {sessionId ? (
              <button type="button" className="danger small" onClick={deleteSession}>
                Delete
              </button>
            ) : null}
          </div>
        </header>

        <div className="messages" ref={messagesRef} data-testid="messages">
          <ErrorNote error={session.error ?? agents.error ?? remove.error} />
          {noAgents ? (
            <Empty>
              No agents yet — <Link href="/agents?new=1">create one</Link> to start chatting.
            </Empty>
          ) : null}
          {!sessionId && !noAgents ? <Empty>Start a new conversation: pick an agent and write a message.</Empty> : null}
          {messages.map((message) =>
            message.run_id && expandedRuns.has(message.run_id) ? (
              <RunMessage
                key={message.id}
                runId={message.run_id}
                storedContent={message.content}
                onFinished={refresh}
              />
            ) : (
              <StoredMessage
                key={message.id}
                message={message}
                onShowDetails={
                  message.run_id
                    ? () => setExpandedRuns((current) => new Set(current).add(message.run_id as string))
                    : undefined
                }
              />
            ),
          )}
        </div>

        <div style={{ padding: '0 20px' }}>
          <ErrorNote error={send.error ?? cancel.error} />
        </div>
        <Composer
          disabled={!agentId || send.isPending}
          running={Boolean(running)}
          onSend={onSend}
          onCancel={() => running?.run_id && cancel.mutate({ id: running.run_id })}
        />
      </section>
    </div>
  );
}
