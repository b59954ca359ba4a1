// The run stream vocabulary (docs: `runs.onEvents`): one set of names and payloads for chat turns, task runs and
// one-off executions. Types only, plus the terminal set: safe in the daemon, the CLI and the browser.

export type StepStatus = 'pending' | 'running' | 'completed' | 'failed';

/** A pending command approval as the security domain publishes it (seconds timestamps). */
export interface ApprovalInfo {
  id: string;
  command: string;
  [field: string]: unknown;
}

export interface RunEventPayloads {
  started: { model: string };
  /** `token_count`: deltas streamed so far in this run, this batch included. */
  token: { text: string; token_count: number };
  thinking: { content: string };
  tool_call_start: { tool_id: string; tool_name: string; arguments: string };
  tool_call_end: { tool_id: string; result: string; success: boolean };
  step: { step_type: string; name: string; status: StepStatus };
  usage: { input_tokens: number; output_tokens: number; total_tokens: number };
  approval_required: { approval: ApprovalInfo };
  completed: { full_content: string; duration_ms: number; total_tokens: number };
  failed: { error: string; partial_content?: string };
  cancelled: { partial_content?: string };
}

export type RunEventType = keyof RunEventPayloads;

export type RunEventKind = { [K in RunEventType]: { type: K } & RunEventPayloads[K] }[RunEventType];

export type TerminalRunEventType = 'completed' | 'failed' | 'cancelled';

export const TERMINAL_RUN_EVENTS: ReadonlySet<string> = new Set<TerminalRunEventType>([
  'completed',
  'failed',
  'cancelled',
]);

export const isTerminalRunEvent = (type: string): type is TerminalRunEventType => TERMINAL_RUN_EVENTS.has(type);

/** What a run stream subscriber receives (the envelope, keyed by run). */
export interface RunStreamEvent {
  run_id: string;
  /** Per-run cursor; also the tracked() id, so a reconnect resumes after it. */
  seq: number;
  session_id: string | null;
  message_id: string | null;
  timestamp: number;
  kind: RunEventKind;
}
