'use client';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { formatDuration, prettyJson } from '../../lib/format';
import {
  type ApprovalView,
  applyRunEvent,
  emptyRunView,
  isRunFinished,
  markApproval,
  type RunView,
  type ToolCallView,
} from '../../lib/run-stream';
import { useTRPC, useTRPCClient } from '../../lib/trpc';
import { Link } from '../../navigation';
import { Markdown } from '../markdown';
import { ErrorNote, StatusBadge } from '../ui';
import { toolCallCount } from './stored-message';

/** Follows one run from its first event (a finished run is replayed from the store, then the stream ends). */
function useRunStream(runId: string, onFinished?: () => void) {
  const client = useTRPCClient();
  const [view, setView] = useState<RunView>(emptyRunView);
  const [error, setError] = useState<unknown>(null);
  const finished = useRef(onFinished);
  finished.current = onFinished;

  useEffect(() => {
    setView(emptyRunView());
    setError(null);
    const subscription = client.runs.onEvents.subscribe(
      { run_id: runId },
      { onData: ({ data }) => setView((current) => applyRunEvent(current, data)), onError: setError },
    );
    return () => subscription.unsubscribe();
  }, [client, runId]);

  const done = isRunFinished(view);
  useEffect(() => {
    // The session's stored message now holds the final answer.
    if (done) finished.current?.();
  }, [done]);

  return { view, setView, error };
}

function ToolCall({ tool }: { tool: ToolCallView }) {
  const state = tool.success === undefined ? 'running' : tool.success ? 'completed' : 'failed';
  return (
    <details className="tool" data-testid="tool-call">
      <summary>
        <span className="mono">{tool.name}</span>
        <StatusBadge status={state} />
      </summary>
      <div className="body">
        <div className="hint">Arguments</div>
        <pre>{prettyJson(tool.arguments)}</pre>
        {tool.result !== undefined ? (
          <>
            <div className="hint">Result</div>
            <pre>{tool.result}</pre>
          </>
        ) : null}
      </div>
    </details>
  );
}

function Approval({
  approval,
  onDecided,
}: {
  approval: ApprovalView;
  onDecided(state: 'approved' | 'rejected'): void;
}) {
  const trpc = useTRPC();
  const approve = useMutation(
    trpc.security.approvals.approve.mutationOptions({ onSuccess: () => onDecided('approved') }),
  );
  const reject = useMutation(
    trpc.security.approvals.reject.mutationOptions({ onSuccess: () => onDecided('rejected') }),
  );
  return (
    <div className="approval" data-testid="approval">
      <span>Run this command?</span>
      <code>{approval.command}</code>
      {approval.state === 'pending' ? (
        <span className="actions">
          <button
            type="button"
            className="primary small"
            disabled={approve.isPending || reject.isPending}
            onClick={() => approve.mutate({ id: approval.id })}
          >
            Approve
          </button>
          <button
            type="button"
            className="danger small"
            disabled={approve.isPending || reject.isPending}
            onClick={() => reject.mutate({ id: approval.id, reason: 'rejected in the console' })}
          >
            Reject
          </button>
        </span>
      ) : (
        <StatusBadge status={approval.state} />
      )}
      <ErrorNote error={approve.error ?? reject.error} />
    </div>
  );
}

interface Props {
  runId: string;
  /** What the stored message says until the stream has caught up. */
  storedContent: string;
  onFinished?(): void;
}

export function RunMessage({ runId, storedContent, onFinished }: Props) {
  const { view, setView, error } = useRunStream(runId, onFinished);
  const streaming = !isRunFinished(view);
  return (
    <div className="message assistant" data-testid="assistant-message" data-run-status={view.status}>
      <div className="role">
        assistant
        {view.model ? <span className="mono">{view.model}</span> : null}
        {view.status === 'waiting' ? null : <StatusBadge status={view.status} />}
        {view.durationMs !== undefined ? <span>{formatDuration(view.durationMs)}</span> : null}
        {view.totalTokens ? <span>{view.totalTokens} tokens</span> : null}
        {view.tools.length > 0 ? <span data-testid="tool-count">{toolCallCount(view.tools.length)}</span> : null}
        <Link href={`/runs?run=${runId}`} className="small" data-testid="run-timeline-link">
          Timeline
        </Link>
      </div>
      {view.warnings?.map((warning) => (
        <div className="hint" data-testid="run-warning" key={warning}>
          ⚠ {warning}
        </div>
      ))}
      {view.thinking ? (
        <details className="tool">
          <summary className="muted">Thinking</summary>
          <div className="body">
            <pre>{view.thinking}</pre>
          </div>
        </details>
      ) : null}
      {view.parts.map((part, index) => {
        if (part.kind === 'tool') {
          const tool = view.tools.find((t) => t.id === part.toolId);
          return tool ? <ToolCall key={part.toolId} tool={tool} /> : null;
        }
        const last = index === view.parts.length - 1;
        // The engine separates the steps' texts with blank lines; after a tool call the box separates them.
        const text = index > 0 ? part.text.trimStart() : part.text;
        return (
          <Markdown
            // biome-ignore lint/suspicious/noArrayIndexKey: parts only ever grow at the end
            key={index}
            className={`content${streaming && last ? ' cursor' : ''}`}
            data-testid="run-content"
            text={text}
          />
        );
      })}
      {view.parts.length === 0 ? (
        <Markdown className={`content${streaming ? ' cursor' : ''}`} data-testid="run-content" text={storedContent} />
      ) : null}
      {streaming && view.parts[view.parts.length - 1]?.kind === 'tool' ? <div className="content cursor" /> : null}
      {view.approvals.map((approval) => (
        <Approval
          key={approval.id}
          approval={approval}
          onDecided={(state) => setView((current) => markApproval(current, approval.id, state))}
        />
      ))}
      {view.error ? (
        <div className="error" data-testid="message-error">
          {view.error}
        </div>
      ) : null}
      <ErrorNote error={error} />
    </div>
  );
}
