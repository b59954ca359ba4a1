// What travels between the daemon and a worker for one run (the workers.* procedures carry these shapes, in
// snake_case). The spec holds what the worker needs for that run only — the provider key included — and nothing
// of it is kept once the run ends.
import type { AgentNode, ExecutionStepInfo } from '@restflow/db';
import type { AgentLoopResult, RunUsage } from '../engine/agent-loop.ts';
import type { SkillRecord } from '../engine/ports.ts';
import { LlmError, type LlmErrorKind, type LlmMessage } from '../llm/types.ts';
import type { LlmProvider } from '../models/catalogue.ts';
import type { SecurityPolicy } from '../security/command-policy.ts';
import type { BudgetStop } from '../usage/usage.service.ts';

export interface ProviderGrant {
  provider: LlmProvider;
  api_key: string;
  base_url: string;
  /** Where the daemon found the key, never the value (for auth error messages). */
  key_source: string | null;
}

export interface RemoteRunSpec {
  run_id: string;
  task_id: string | null;
  agent: { id: string | null; name: string | null; node: AgentNode };
  /** Catalogue model id. */
  model: string;
  system_prompt: string;
  history: LlmMessage[];
  input: string;
  temperature: number | null;
  max_iterations: number;
  limits: { max_tokens: number; history_window: number; tool_timeout_ms: number; max_tool_result_chars: number };
  provider: ProviderGrant;
  /** The command policy as it stands at claim time (bash and run_python are judged by it on the worker). */
  policy: SecurityPolicy;
  /** The skills the agent uses (the `skill` tool reads them). */
  skills: SkillRecord[];
  /** Values of the secrets the agent's `env` grants name, for this run's tool processes only. */
  secrets: Record<string, string>;
  /** A budget already spent when the run was claimed: the loop stops before its first provider call. */
  budget_stop: BudgetStop | null;
  /**
   * The agent's tools that need the daemon's own services (memory, sub-agents, MCP servers): the worker offers
   * them to the model and calls the daemon for each use (`workers.tools.invoke`), which runs the daemon's tool.
   */
  daemon_tools: DaemonToolSpec[];
}

export interface DaemonToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/** What one `workers.tools.invoke` answers: the tool's result, or `pending` (ask again with the same call id). */
export type DaemonToolAnswer = { status: 'done'; success: boolean; result: string } | { status: 'pending' };

/** What one `workers.approvals.wait` answers: the decision, or `pending` (ask again). */
export interface ApprovalWaitAnswer {
  status: 'pending' | 'approved' | 'rejected' | 'expired';
  reason: string | null;
}

/**
 * What a queued run was started with, kept with its placement: a daemon restarted while the job still waits
 * rebuilds the run from it (docs/workers.md). No credential: the provider key is resolved at claim time.
 */
export interface RunResumeBasis {
  agent: { id: string | null; name: string | null; node: AgentNode };
  system_prompt: string;
  temperature: number | null;
  max_iterations: number | null;
  warnings: string[];
  history: LlmMessage[];
  input: string;
  /** The key the job id was derived from (a scheduled task's slot and attempt), or null for `run-<id>`. */
  job_key: string | null;
}

/** One call of the engine's event sink, in the order the worker's loop made them. */
export type RemoteRunEvent =
  | { type: 'token'; text: string }
  | { type: 'thinking'; content: string }
  | { type: 'event'; event_type: string; payload: Record<string, unknown> };

export interface RemoteRunResult {
  status: AgentLoopResult['status'];
  content: string;
  answer: string;
  error: string | null;
  error_code: string | null;
  llm_error: { kind: LlmErrorKind; message: string; status: number | null } | null;
  iterations: number;
  usage: RunUsage;
  token_count: number;
  steps: ExecutionStepInfo[];
  transcript: LlmMessage[];
}

export function toRemoteResult(result: AgentLoopResult): RemoteRunResult {
  return {
    status: result.status,
    content: result.content,
    answer: result.answer,
    error: result.error ?? null,
    error_code: result.errorCode ?? null,
    llm_error: result.llmError
      ? { kind: result.llmError.kind, message: result.llmError.message, status: result.llmError.status ?? null }
      : null,
    iterations: result.iterations,
    usage: result.usage,
    token_count: result.tokenCount,
    steps: result.steps,
    transcript: result.transcript,
  };
}

export function fromRemoteResult(result: RemoteRunResult): AgentLoopResult {
  return {
    status: result.status,
    content: result.content,
    answer: result.answer,
    ...(result.error !== null ? { error: result.error } : {}),
    ...(result.error_code !== null ? { errorCode: result.error_code } : {}),
    ...(result.llm_error
      ? {
          llmError: new LlmError(result.llm_error.message, result.llm_error.kind, result.llm_error.status ?? undefined),
        }
      : {}),
    iterations: result.iterations,
    usage: result.usage,
    tokenCount: result.token_count,
    steps: result.steps,
    transcript: result.transcript,
  };
}
