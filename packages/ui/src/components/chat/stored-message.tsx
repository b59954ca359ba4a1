'use client';
import { formatDuration, plural } from '../../lib/format';
import type { RouterOutputs } from '../../lib/trpc';
import { Link } from '../../navigation';
import { Markdown } from '../markdown';
import { StatusBadge } from '../ui';

export type ChatMessage = RouterOutputs['sessions']['get']['messages'][number];

interface Props {
  message: ChatMessage;
  /** Replays the run to show its tool calls (assistant messages written by a run). */
  onShowDetails?(): void;
}

/** "1 tool call", "3 tool calls": the same wording live and after a reload. */
export const toolCallCount = (count: number): string => plural(count, 'tool call');

export function StoredMessage({ message, onShowDetails }: Props) {
  if (message.role === 'user') {
    return (
      <div className="message user" data-testid="user-message">
        <Markdown className="content" text={message.content} />
      </div>
    );
  }
  const execution = message.execution;
  const toolSteps = execution?.steps.filter((step) => step.step_type === 'tool_call') ?? [];
  return (
    <div
      className={`message ${message.role === 'system' ? 'system' : 'assistant'}`}
      data-testid="assistant-message"
      data-run-status={execution?.status}
    >
      <div className="role">
        {message.role}
        {execution?.model ? <span className="mono">{execution.model}</span> : null}
        {execution ? <StatusBadge status={execution.status} /> : null}
        {execution?.duration_ms ? <span>{formatDuration(execution.duration_ms)}</span> : null}
        {execution?.tokens_used ? <span>{execution.tokens_used} tokens</span> : null}
        {toolSteps.length > 0 ? <span data-testid="tool-count">{toolCallCount(toolSteps.length)}</span> : null}
        {onShowDetails ? (
          <button type="button" className="small" onClick={onShowDetails}>
            Details
          </button>
        ) : null}
        {message.run_id ? (
          <Link href={`/runs?run=${message.run_id}`} className="small" data-testid="run-timeline-link">
            Timeline
          </Link>
        ) : null}
      </div>
      {message.content ? (
        <Markdown className="content" text={message.content} data-testid="message-content" />
      ) : execution?.error ? null : (
        <div className="content muted">(no text)</div>
      )}
      {execution?.error ? (
        <div className="error" data-testid="message-error">
          {execution.error}
        </div>
      ) : null}
    </div>
  );
}
