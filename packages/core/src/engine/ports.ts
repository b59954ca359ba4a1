// What the engine needs from neighbouring domains, stated narrowly so the engine can be tested with small fakes
// and does not depend on more of a service than it uses. `engine-wiring.ts` adapts the real services.
import type { MessageExecution } from '@restflow/db';
import type { ApprovalInfo } from './run-events.ts';

export interface ChatMessageRecord {
  id: string;
  role: 'user' | 'assistant' | 'system';
  content: string;
  execution?: MessageExecution | null;
}

export interface SessionPort {
  /** The session's agent; throws NotFoundError for an unknown session. */
  get(sessionId: string): { id: string; agent_id: string };
  create(agentId: string, model?: string): { id: string };
  appendMessage(
    sessionId: string,
    message: { role: 'user' | 'assistant'; content: string; execution?: MessageExecution; runId?: string },
  ): { id: string };
  updateMessage(messageId: string, patch: { content?: string; execution?: MessageExecution }): void;
  /** The last `n` messages, oldest first. */
  recentMessages(sessionId: string, n: number): ChatMessageRecord[];
}

export type CommandDecision =
  | { action: 'allow' }
  | { action: 'block'; reason?: string }
  | { action: 'require_approval' };

export interface ApprovalOutcome {
  status: 'approved' | 'rejected' | 'expired';
  reason?: string | null;
}

export interface CommandSecurityPort {
  evaluate(
    command: string,
    context: {
      agentId?: string;
      workdir?: string;
      /** Given when tools run unsandboxed: commands naming these are refused (command-policy.ts). */
      protectedPaths?: readonly string[];
      allowedPaths?: readonly string[];
    },
  ): CommandDecision;
  /**
   * The decision for a call of a granted tool named by its grant (`mcp:<server>:<tool>`): the agent's grant allows
   * it; the policy's blocklist and approval list can still refuse it or ask a human. Absent: allowed.
   */
  evaluateTool?(name: string): CommandDecision;
  createApproval(request: {
    command: string;
    workdir?: string;
    agentId?: string;
    runId: string;
    taskId?: string;
    // A worker asks the daemon's queue over the network (docs/workers.md), hence the promise.
  }): ApprovalInfo | Promise<ApprovalInfo>;
  waitForDecision(approvalId: string, signal: AbortSignal): Promise<ApprovalOutcome>;
}

export interface SkillRecord {
  id: string;
  name: string;
  description?: string | null;
  content: string;
}

export interface SkillPort {
  list(): SkillRecord[];
  /** Undefined when there is no such skill. */
  find(id: string): SkillRecord | undefined;
}

export interface MemoryHit {
  id: string;
  content: string;
  score?: number;
  tags?: string[];
  created_at?: number;
}

export interface MemoryPort {
  /** Run on the daemon's search thread, when it has one. */
  search(query: { agentId: string; query: string; limit: number }): Promise<MemoryHit[]>;
  store(chunk: { agentId: string; content: string; tags: string[]; toolName: string }): { id: string };
}

export interface SecretPort {
  /** Undefined when the secret is not set. */
  get(key: string): string | undefined;
}

export interface McpToolDescription {
  name: string;
  description: string | null;
  input_schema: Record<string, unknown>;
}

/** The external MCP servers an agent's `mcp:<server>:<tool>` allow-list entries name (the client pool). */
export interface McpPort {
  /** Starts or connects to the server when needed; rejects when it cannot be reached. */
  listTools(server: string, signal?: AbortSignal): Promise<McpToolDescription[]>;
  callTool(
    server: string,
    tool: string,
    args: Record<string, unknown>,
    options: { signal: AbortSignal; timeoutMs: number },
  ): Promise<{ is_error: boolean; text: string }>;
}

/** Where a sub-agent stands, as the run that spawned it sees it (docs/engine.md#sub-agents). */
export interface SubAgentState {
  /** The sub-agent's run id. */
  id: string;
  agent: string;
  task: string;
  status: 'running' | 'completed' | 'failed' | 'cancelled' | 'timed_out' | 'interrupted';
  /** The sub-agent's final answer (completed runs). */
  output?: string;
  error?: string;
  duration_ms?: number;
  total_tokens?: number;
}

export interface SubAgentChoice {
  name: string;
  description: string;
  kind: 'builtin' | 'agent';
  tools: string[];
}

/** The sub-agent runs behind spawn_agent / wait_agents / list_agents; every call names the calling run. */
export interface SubAgentPort {
  /** Starts a sub-agent run below `parentRunId`; rejects (as the tool's error) past a limit or for unknown agents. */
  spawn(parentRunId: string, request: { agent: string; task: string; timeoutSecs?: number }): Promise<SubAgentState>;
  /**
   * Waits until the given sub-agents (default: all of this run's) have ended, at most `timeoutMs` (default: the
   * configured sub-agent timeout; Infinity: until they end, each has its own time budget), or until `signal`
   * aborts.
   */
  wait(
    parentRunId: string,
    ids: string[] | undefined,
    timeoutMs: number | undefined,
    signal: AbortSignal,
  ): Promise<{ agents: SubAgentState[]; all_done: boolean }>;
  list(parentRunId: string): { available: SubAgentChoice[]; spawned: SubAgentState[] };
}
