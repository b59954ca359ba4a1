// Folds the events of one run (runs.onEvents, restflow-domain §5 names) into what the chat view shows. Pure, so the
// replay of a finished run and a live stream give the same picture.
import type { RouterOutputs } from '@restflow/api';

type StreamItem<T> = T extends AsyncIterable<infer Item> ? Item : never;

export type RunStreamEvent = StreamItem<RouterOutputs['runs']['onEvents']>['data'];
export type RunEventKind = RunStreamEvent['kind'];

export interface ToolCallView {
  id: string;
  name: string;
  arguments: string;
  result?: string;
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
  /** All text of the answer. */
  content: string;
  parts: RunPart[];
  thinking: string;
  tools: ToolCallView[];
  approvals: ApprovalView[];
  error?: string;
  totalTokens?: number;
  durationMs?: number;
  /** Seq of the last event applied; replays and reconnects never apply an event twice. */
  lastSeq: number;
}

export const emptyRunView = (): RunView => ({
  status: 'waiting',
  content: '',
  parts: [],
  thinking: '',
  tools: [],
  approvals: [],
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
      return { ...view, status: 'running', model: kind.model };
    case 'token':
      return {
        ...view,
        status: 'running',
        content: view.content + kind.text,
        parts: appendText(view.parts, kind.text),
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
      return { ...view, totalTokens: kind.total_tokens };
    case 'completed':
      return {
        ...view,
        status: 'completed',
        ...settleText(view, kind.full_content),
        durationMs: kind.duration_ms,
        totalTokens: kind.total_tokens || view.totalTokens,
      };
    case 'failed':
      return { ...view, status: 'failed', error: kind.error, ...settleText(view, kind.partial_content) };
    case 'cancelled':
      return { ...view, status: 'cancelled', ...settleText(view, kind.partial_content) };
    default:
      return view;
  }
}

export function applyRunEvent(view: RunView, event: RunStreamEvent): RunView {
  if (event.seq <= view.lastSeq) return view;
  return { ...applyKind(view, event.kind), lastSeq: event.seq };
}

/** A decision the user made here, shown before the engine's own step event confirms it. */
export function markApproval(view: RunView, approvalId: string, state: ApprovalState): RunView {
  return { ...view, approvals: view.approvals.map((a) => (a.id === approvalId ? { ...a, state } : a)) };
}
