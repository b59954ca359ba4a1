'use client';
import { skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { fixableChatError } from '../../lib/chat-errors';
import { useTRPC } from '../../lib/trpc';
import { Link, useRouter, useSearchParams } from '../../navigation';
import { InlineMarkdown } from '../markdown';
import { Empty, ErrorNote, StatusBadge } from '../ui';
import { Composer } from './composer';
import { FixAgent } from './fix-agent';
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
  /** Narrow screens show the session list on demand, over the conversation. */
  const [sessionsOpen, setSessionsOpen] = useState(false);
  /** The text of the last send, kept for "send again" after fixing the agent. */
  const [lastSent, setLastSent] = useState<string | null>(null);
  const [sentCount, setSentCount] = useState(0);

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
      queryClient.invalidateQueries({ queryKey: trpc.sessions.page.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.runs.pathKey() }),
    ]);
  };

  const send = useMutation(
    trpc.chat.send.mutationOptions({
      onSuccess: async (result) => {
        setSentCount((count) => count + 1);
        // Shown live from its first event, even if it ends before the session is read again.
        setExpandedRuns((current) => new Set(current).add(result.run_id));
        if (result.session_id !== sessionId) router.replace(`/?session=${result.session_id}`);
        await refresh();
      },
    }),
  );
  const cancel = useMutation(trpc.runs.cancel.mutationOptions({ onSuccess: refresh }));
  // A failed send belongs to the conversation (or agent) it was made in.
  const resetSend = send.reset;
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when the conversation or agent changes
  useEffect(() => resetSend(), [sessionId, pickedAgent, resetSend]);
  const remove = useMutation(
    trpc.sessions.delete.mutationOptions({
      onSuccess: async () => {
        router.replace('/');
        await queryClient.invalidateQueries({ queryKey: trpc.sessions.page.queryKey() });
      },
    }),
  );

  const onSend = (content: string) => {
    setLastSent(content);
    return send.mutateAsync(
      sessionId ? { session_id: sessionId, content } : { agent_id: agentId ?? undefined, content },
    );
  };
  const fixable = fixableChatError(send.error);
  const retry = () => {
    if (lastSent !== null) void onSend(lastSent).catch(() => undefined);
  };

  const deleteSession = () => {
    if (sessionId && window.confirm(`Delete the conversation "${session.data?.name}"?`))
      remove.mutate({ id: sessionId });
  };

  const noAgents = agents.data?.length === 0;

  return (
    <div className={`chat${sessionsOpen ? ' sessions-open' : ''}`}>
      <SessionSidebar
        activeId={sessionId}
        agentNames={agentNames}
        onSelect={(id) => {
          setSessionsOpen(false);
          router.replace(`/?session=${id}`);
        }}
        onNew={() => {
          setSessionsOpen(false);
          router.replace('/');
        }}
        onClose={() => setSessionsOpen(false)}
      />
      <section className="conversation">
        <header className="conversation-head">
          <button
            type="button"
            className="small narrow-only"
            aria-expanded={sessionsOpen}
            onClick={() => setSessionsOpen((open) => !open)}
          >
            Chats
          </button>
          {session.data ? (
            <div className="grow" style={{ minWidth: 0 }}>
              <h1 className="session-title" data-testid="session-title">
                <InlineMarkdown text={session.data.name} />
              </h1>
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

        <div className="chat-errors">
          {fixable && agentId ? (
            <FixAgent kind={fixable} error={send.error} agentId={agentId} onRetry={retry} />
          ) : (
            <ErrorNote error={send.error ?? cancel.error} />
          )}
        </div>
        <Composer
          disabled={!agentId || send.isPending}
          running={Boolean(running)}
          onSend={onSend}
          sentCount={sentCount}
          onCancel={() => running?.run_id && cancel.mutate({ id: running.run_id })}
        />
      </section>
    </div>
  );
}
