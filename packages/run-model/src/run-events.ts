// The run stream vocabulary (docs: `runs.onEvents`): one set of names and payloads for chat turns, task runs and
// one-off executions. Types only, plus the terminal set: safe in the daemon, the CLI and the browser.

export type StepStatus = 'pending' | 'running' | 'completed' | 'failed';

/** A pending command approval as the security domain publishes it (seconds timestamps). */
export interface ApprovalInfo {
  id: string;
  command: string;
  [field: string]: unknown;
}

/** One provider call (docs/streams.md#usage): what it reported and what it cost. */
export interface UsageCallInfo {
  /** Catalogue id of the model (the API model string when the run had no meter). */
  model: string;
  input_tokens: number;
  output_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  cost_usd: number;
  duration_ms: number;
}

/** The budget that stopped a run (`failed` with `error_code: "budget_exceeded"`). */
export interface BudgetBreachInfo {
  scope: 'global' | 'agent' | 'task';
  id?: string;
  period: 'run' | 'day';
  metric: 'tokens' | 'cost';
  limit: number;
  used: number;
}

export interface RunEventPayloads {
  /**
   * `input`: the user input the run answers (absent in runs recorded before it was added). `warnings`: what the
   * agent asked for but does not get in this run (an unreachable MCP server, an unknown tool or skill, a model
   * about to retire); absent when there are none.
   */
  started: { model: string; input?: string; warnings?: string[] };
  /** `token_count`: deltas streamed so far in this run, this batch included. */
  token: { text: string; token_count: number };
  thinking: { content: string };
  tool_call_start: { tool_id: string; tool_name: string; arguments: string };
  tool_call_end: { tool_id: string; result: string; success: boolean };
  step: { step_type: string; name: string; status: StepStatus };
  /**
   * The run's totals so far, after each provider call; `call` is that call alone. The fields after
   * `total_tokens` are absent in runs recorded before they were added.
   */
  usage: {
    input_tokens: number;
    output_tokens: number;
    total_tokens: number;
    cached_tokens?: number;
    reasoning_tokens?: number;
    cost_usd?: number;
    call?: UsageCallInfo;
  };
  approval_required: { approval: ApprovalInfo };
  completed: { full_content: string; duration_ms: number; total_tokens: number };
  /** `error_code`: set for failures a client may act on (`budget_exceeded`, with `budget`). */
  failed: { error: string; partial_content?: string; error_code?: string; budget?: BudgetBreachInfo };
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
