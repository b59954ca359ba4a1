// Chat turns and one-off executions over the one engine: a chat turn streams through a run that subscribers
// watch; `execute` / `executeInline` are the same run, awaited.
import type { AgentNode, RunKind } from '@restflow/db';
import type { AgentService } from '../agents/agent.service.ts';
import { ConflictError, RateLimitedError, UnauthorizedError, UnavailableError } from '../errors.ts';
import type { LlmMessage } from '../llm/types.ts';
import type { IdGenerator } from '../runtime.ts';
import type { AgentEngine, AgentRef, PreparedAgent } from './agent-engine.ts';
import type { ChatMessageRecord, SessionPort } from './ports.ts';
import { messageExecution, type RunHandle, type RunManager, type RunOutcome } from './run-manager.ts';
import type { RunRecordings } from './run-recordings.ts';

/** A started chat turn, as `chat.send` returns it. */
export interface SendResult {
  run_id: string;
  session_id: string;
  /** The assistant message the run fills in. */
  message_id: string;
  user_message_id: string;
}

/** A chat turn to start: the session to continue (its agent answers), or the agent of a new session. */
export interface SendRequest {
  session_id?: string;
  agent_id?: string;
  content: string;
}

/** A one-off run started at once; the ids are null when it is not recorded in a session. */
export interface StartedRun {
  run_id: string;
  session_id: string | null;
  message_id: string | null;
}

export interface ExecutionStepDetail {
  step_type: 'system' | 'user' | 'assistant' | 'tool_call' | 'tool_result';
  content: string;
  tool_calls?: { id: string; name: string; arguments: string }[];
}

/** The answer of an awaited execution (docs/entities.md#runs), with the id of the run that produced it. */
export interface AgentExecuteResponse {
  response: string;
  run_id: string;
  execution_details?: {
    iterations: number;
    total_tokens: number;
    steps: ExecutionStepDetail[];
    status: string;
  };
}

export interface StartAgentRunRequest {
  agent: AgentRef;
  input: string;
  kind: RunKind;
  sessionId?: string;
  taskId?: string;
  /** The agent already prepared by the caller (so it is not resolved twice). */
  prepared?: PreparedAgent;
  /** Keep the run's provider exchanges and tool results (docs/record-replay.md). */
  record?: boolean;
  /** Under the queue backend, the run starts at most once per key (a scheduled task's slot: docs/workers.md). */
  jobKey?: string;
}

export interface AgentRunHandle extends RunHandle {
  sessionId?: string;
  messageId?: string;
  userMessageId?: string;
}

function toHistory(messages: ChatMessageRecord[]): LlmMessage[] {
  return messages
    .filter((m) => m.content.trim().length > 0 && m.execution?.status !== 'running')
    .map((m) => ({ role: m.role, content: m.content }));
}

export class ChatService {
  constructor(
    private readonly engine: AgentEngine,
    private readonly runs: RunManager,
    private readonly agents: AgentService,
    private readonly sessions: SessionPort,
    private readonly ids: IdGenerator,
    /** Absent in tests that never record. */
    private readonly recordings?: RunRecordings,
  ) {}

  /** Appends the user message and an empty assistant message, then starts the run that streams the reply. */
  async send(request: SendRequest): Promise<SendResult> {
    const session = request.session_id ? this.sessions.get(request.session_id) : undefined;
    const agentId = session?.agent_id ?? request.agent_id;
    if (!agentId) throw new UnavailableError('chat.send needs a session or an agent');
    const stored = this.agents.get(agentId);
    const agent = { id: stored.id, name: stored.name, node: stored.agent };
    // Prepared before a new session is created: a send that cannot start (no model, no key) leaves nothing behind.
    const prepared = await this.engine.prepare(agent);
    const handle = await this.startAgentRun({
      agent,
      input: request.content,
      kind: 'chat',
      sessionId: session?.id ?? this.sessions.create(stored.id, stored.agent.model).id,
      prepared,
    });
    return {
      run_id: handle.runId,
      session_id: handle.sessionId as string,
      message_id: handle.messageId as string,
      user_message_id: handle.userMessageId as string,
    };
  }

  /**
   * The entry point for every caller of the engine (chat, task runner, channels, MCP): prepares the agent
   * (fails fast without a model or key), records the turn in the session when there is one, starts the run.
   */
  async startAgentRun(request: StartAgentRunRequest): Promise<AgentRunHandle> {
    const unrecorded = request.prepared ?? (await this.engine.prepare(request.agent));
    const { sessionId } = request;
    const runId = this.ids.uuid();
    const recording = (history: LlmMessage[]) =>
      request.record && this.recordings
        ? this.recordings.record({ runId, prepared: unrecorded, input: request.input, history, taskId: request.taskId })
        : { prepared: unrecorded, save: () => {} };
    // A recording is kept by the daemon's ports, so a recorded run stays local.
    const placement = {
      ...(request.record ? { local: true } : {}),
      ...(request.jobKey ? { jobKey: request.jobKey } : {}),
    };
    if (!sessionId) {
      const { prepared, save } = recording([]);
      return this.runs.start({
        runId,
        kind: request.kind,
        prepared,
        history: [],
        input: request.input,
        taskId: request.taskId,
        onSettled: save,
        placement,
      });
    }
    const busy = this.runs.activeRunOfSession(sessionId);
    if (busy) throw new ConflictError(`Chat session ${sessionId} is still answering (run ${busy}); cancel it first`);
    const history = toHistory(this.sessions.recentMessages(sessionId, this.engine.limits.historyWindow));
    const { prepared, save } = recording(history);
    const user = this.sessions.appendMessage(sessionId, { role: 'user', content: request.input });
    const assistant = this.sessions.appendMessage(sessionId, {
      role: 'assistant',
      content: '',
      execution: { steps: [], duration_ms: 0, tokens_used: 0, status: 'running' },
      runId,
    });
    const handle = this.runs.start({
      runId,
      kind: request.kind,
      prepared,
      history,
      input: request.input,
      sessionId,
      messageId: assistant.id,
      taskId: request.taskId,
      placement,
      onSettled: (outcome) => {
        save();
        this.sessions.updateMessage(assistant.id, {
          content: outcome.content,
          execution: messageExecution(outcome, prepared.model.model),
        });
      },
    });
    return { ...handle, sessionId, messageId: assistant.id, userMessageId: user.id };
  }

  /**
   * Starts a one-off run of a stored agent and returns at once (recorded in `sessionId` when given, else in no
   * session); callers stream it with runs.onEvents and can cancel it. `execute` is the same run, awaited.
   */
  async startExecution(
    agentId: string,
    input: string,
    sessionId?: string,
    options: { record?: boolean } = {},
  ): Promise<StartedRun> {
    const stored = this.agents.get(agentId);
    if (sessionId) this.sessions.get(sessionId);
    const agent = { id: stored.id, name: stored.name, node: stored.agent };
    const handle = await this.startAgentRun({ agent, input, kind: 'exec', sessionId, record: options.record });
    return { run_id: handle.runId, session_id: handle.sessionId ?? null, message_id: handle.messageId ?? null };
  }

  /** Runs a stored agent to completion (mirrored into `sessionId` when given). */
  async execute(agentId: string, input: string, sessionId?: string): Promise<AgentExecuteResponse> {
    const stored = this.agents.get(agentId);
    if (sessionId) this.sessions.get(sessionId);
    const agent = { id: stored.id, name: stored.name, node: stored.agent };
    const handle = await this.startAgentRun({ agent, input, kind: 'exec', sessionId });
    return this.toResponse(await handle.done, agent.node, input);
  }

  /** Runs an unsaved agent definition to completion. */
  async executeInline(node: AgentNode, input: string): Promise<AgentExecuteResponse> {
    const handle = await this.startAgentRun({ agent: { node }, input, kind: 'exec' });
    return this.toResponse(await handle.done, node, input);
  }

  private toResponse(outcome: RunOutcome, node: AgentNode, input: string): AgentExecuteResponse {
    const { llmError } = outcome;
    if (llmError && outcome.status === 'failed') {
      if (llmError.kind === 'auth') throw new UnauthorizedError(llmError.message);
      if (llmError.kind === 'rate_limit') throw new RateLimitedError(llmError.message);
      throw new UnavailableError(llmError.message);
    }
    const steps: ExecutionStepDetail[] = [
      ...(node.prompt ? [{ step_type: 'system' as const, content: node.prompt }] : []),
      { step_type: 'user', content: input },
      ...outcome.transcript.map((m): ExecutionStepDetail => {
        if (m.role === 'tool') return { step_type: 'tool_result', content: m.content };
        if (m.tool_calls?.length) return { step_type: 'tool_call', content: m.content, tool_calls: m.tool_calls };
        return { step_type: 'assistant', content: m.content };
      }),
    ];
    const status =
      outcome.status === 'completed'
        ? 'completed'
        : outcome.loop_status === 'max_iterations'
          ? 'max_iterations'
          : `failed: ${outcome.error ?? outcome.status}`;
    return {
      response: outcome.status === 'completed' ? outcome.answer : outcome.content,
      run_id: outcome.run_id,
      execution_details: { iterations: outcome.iterations, total_tokens: outcome.total_tokens, steps, status },
    };
  }
}
