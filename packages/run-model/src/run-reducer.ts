// The one fold of a run's events into its state: the CLI renderer, the console and the daemon's recovery of
// interrupted runs all read a run through it. Pure, so a replay of a finished run and a live stream give the
// same picture, whatever mix of the two a reconnect produced.
import type { RunEventKind, RunStreamEvent } from './run-events.ts';

export interface ToolCallView {
  id: string;
  name: string;
  arguments: string;
  result?: string;
  /** Undefined while the tool runs. */
  success?: boolean;
}

export type ApprovalState = 'pending' | 'approved' | 'rejected';

export interface ApprovalView {
  id: string;
  command: string;
  state: ApprovalState;
}

/** The answer in streaming order: text, then a tool call, then more text, … */
export type RunPart = { kind: 'text'; text: string } | { kind: 'tool'; toolId: string };

export type RunViewStatus = 'waiting' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface RunView {
  status: RunViewStatus;
  model?: string;
  /** The `started` event's warnings (what the agent asked for but does not get in this run). */
  warnings?: string[];
  /** All text of the answer (the final text once the run has ended). */
  content: string;
  parts: RunPart[];
  thinking: string;
  /** In the order they started. */
  tools: ToolCallView[];
  approvals: ApprovalView[];
  error?: string;
  /** Deltas streamed so far (the last token event's count). */
  tokenCount: number;
  /** Tokens the provider reported (usage, then the completed event). */
  totalTokens?: number;
  /** USD so far (usage events). */
  costUsd?: number;
  /** `failed` with a code a client may act on (`budget_exceeded`). */
  errorCode?: string;
  durationMs?: number;
  /** Seq of the last event applied; replays and reconnects never apply an event twice. */
  lastSeq: number;
}

/** Only what the fold reads of a stream event, so stored events can be folded as well. */
export type RunEventInput = Pick<RunStreamEvent, 'seq' | 'kind'>;

export const emptyRunView = (): RunView => ({
  status: 'waiting',
  content: '',
  parts: [],
  thinking: '',
  tools: [],
  approvals: [],
  tokenCount: 0,
  lastSeq: 0,
});

export const isRunFinished = (view: RunView): boolean =>
  view.status === 'completed' || view.status === 'failed' || view.status === 'cancelled';

function appendText(parts: RunPart[], text: string): RunPart[] {
  const last = parts[parts.length - 1];
  if (last?.kind === 'text') return [...parts.slice(0, -1), { kind: 'text', text: last.text + text }];
  return [...parts, { kind: 'text', text }];
}

/** The final text, when the stream never showed it (a run that ended before any token was seen here). */
function settleText(view: RunView, content: string | undefined): Pick<RunView, 'content' | 'parts'> {
  if (!content || view.parts.some((part) => part.kind === 'text'))
    return { content: content || view.content, parts: view.parts };
  return { content, parts: appendText(view.parts, content) };
}

function applyKind(view: RunView, kind: RunEventKind): RunView {
  switch (kind.type) {
    case 'started':
      return {
        ...view,
        status: 'running',
        model: kind.model,
        ...(kind.warnings?.length ? { warnings: kind.warnings } : {}),
      };
    case 'token':
      return {
        ...view,
        status: 'running',
        content: view.content + kind.text,
        parts: appendText(view.parts, kind.text),
        tokenCount: kind.token_count,
      };
    case 'thinking':
      return { ...view, thinking: view.thinking + kind.content };
    case 'tool_call_start':
      return {
        ...view,
        tools: [...view.tools, { id: kind.tool_id, name: kind.tool_name, arguments: kind.arguments }],
        parts: [...view.parts, { kind: 'tool', toolId: kind.tool_id }],
      };
    case 'tool_call_end':
      return {
        ...view,
        tools: view.tools.map((tool) =>
          tool.id === kind.tool_id ? { ...tool, result: kind.result, success: kind.success } : tool,
        ),
      };
    case 'approval_required':
      if (view.approvals.some((a) => a.id === kind.approval.id)) return view;
      return {
        ...view,
        approvals: [...view.approvals, { id: kind.approval.id, command: kind.approval.command, state: 'pending' }],
      };
    case 'step': {
      // The engine reports the approval's outcome as a step named after the command.
      if (kind.step_type !== 'approval' || kind.status === 'pending' || kind.status === 'running') return view;
      const state: ApprovalState = kind.status === 'completed' ? 'approved' : 'rejected';
      return {
        ...view,
        approvals: view.approvals.map((a) => (a.command === kind.name && a.state === 'pending' ? { ...a, state } : a)),
      };
    }
    case 'usage':
      return {
        ...view,
        totalTokens: kind.total_tokens,
        ...(kind.cost_usd === undefined ? {} : { costUsd: kind.cost_usd }),
      };
    case 'completed':
      return {
        ...view,
        status: 'completed',
        ...settleText(view, kind.full_content),
        durationMs: kind.duration_ms,
        totalTokens: kind.total_tokens || view.totalTokens,
      };
    case 'failed':
      return {
        ...view,
        status: 'failed',
        error: kind.error,
        ...(kind.error_code ? { errorCode: kind.error_code } : {}),
        ...settleText(view, kind.partial_content),
      };
    case 'cancelled':
      return { ...view, status: 'cancelled', ...settleText(view, kind.partial_content) };
    default:
      return view;
  }
}

/**
 * Applies one event. Events at or below the last applied seq are dropped (a replay overlapping a live stream, a
 * duplicate after a reconnect); nothing after a terminal event changes the view.
 */
export function applyRunEvent(view: RunView, event: RunEventInput): RunView {
  if (event.seq <= view.lastSeq) return view;
  if (isRunFinished(view)) return { ...view, lastSeq: event.seq };
  return { ...applyKind(view, event.kind), lastSeq: event.seq };
}

/** The view of a whole list of events (a stored run, a finished stream). */
export const reduceRunEvents = (events: Iterable<RunEventInput>, from: RunView = emptyRunView()): RunView => {
  let view = from;
  for (const event of events) view = applyRunEvent(view, event);
  return view;
};

/** A decision the user made here, shown before the engine's own step event confirms it. */
export function markApproval(view: RunView, approvalId: string, state: ApprovalState): RunView {
  return { ...view, approvals: view.approvals.map((a) => (a.id === approvalId ? { ...a, state } : a)) };
}
