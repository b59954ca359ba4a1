'use client';
import { formatDuration } from '../../lib/format';
import type { RouterOutputs } from '../../lib/trpc';
import { StatusBadge } from '../ui';

export type ChatMessage = RouterOutputs['sessions']['get']['messages'][number];

interface Props {
  message: ChatMessage;
  /** Replays the run to show its tool calls (assistant messages written by a run). */
  onShowDetails?(): void;
}

export function StoredMessage({ message, onShowDetails }: Props) {
  if (message.role === 'user') {
    return (
      <div className="message user" data-testid="user-message">
        <div className="content">{message.content}</div>
      </div>
    );
  }
  const execution = message.execution;
  const toolSteps = execution?.steps.filter((step) => step.step_type === 'tool_call') ?? [];
  return (
    <div className={`message ${message.role === 'system' ? 'system' : 'assistant'}`} data-testid="assistant-message">
      <div className="role">
        {message.role}
        {execution && execution.status !== 'completed' ? <StatusBadge status={execution.status} /> : null}
        {execution?.duration_ms ? <span>{formatDuration(execution.duration_ms)}</span> : null}
        {execution?.tokens_used ? <span>{execution.tokens_used} tokens</span> : null}
        {toolSteps.length > 0 ? <span>{toolSteps.length} tool calls</span> : null}
        {onShowDetails ? (
          <button type="button" className="small" onClick={onShowDetails}>
            Details
          </button>
        ) : null}
      </div>
      <div className="content">{message.content || <span className="muted">(no text)</span>}</div>
    </div>
  );
}
