// API-mode task runs go through the one agent engine. The scheduler sees it through this narrow port, so it can
// be tested with a stub and does not depend on more of the engine than a run needs.
import type { AgentNode } from '@restflow/db';
import type { AgentService } from '../agents/agent.service.ts';
import type { RunManager } from '../engine/run-manager.ts';
import { UnavailableError } from '../errors.ts';
import type { LlmError } from '../llm/types.ts';
import { BUDGET_EXCEEDED, type BudgetBreach, BudgetExceededError } from '../usage/budgets.ts';
import { DETACHED, WORKER_LOST, WorkerLostError } from '../workers/execution-backend.ts';
import type { TranscriptMessage } from './task-memory.ts';

export interface TaskAgentRunRequest {
  agentId: string;
  /** Overrides the agent's model (failover); absent = the agent's own. */
  model?: string;
  input: string;
  taskId: string;
  signal: AbortSignal;
  /** Assistant text as it streams. */
  onText: (text: string) => void;
  /** Keep a recording of the run (the task's `execution_mode.record`). */
  record?: boolean;
  /** Under the queue backend, this attempt starts at most once (docs/workers.md). */
  jobKey?: string;
  /** Carry on with this engine run, which a previous daemon started and this one re-attached, instead of starting one. */
  adopt?: string;
}

/** An engine run of a task that a restarted daemon re-attached (its job was still queued: docs/workers.md). */
export interface AdoptableRun {
  engineRunId: string;
  input: string;
  jobKey: string | undefined;
}

export interface TaskAgentRunResult {
  output: string;
  tokens: number;
  /** The engine run that did the work (its own stream has the tool calls). */
  runId?: string;
  apiCalls?: number;
  transcript: TranscriptMessage[];
}

/** Rejects with the cause of a failure (LlmError for provider errors, UnavailableError for configuration). */
export interface TaskAgentRunner {
  run(request: TaskAgentRunRequest): Promise<TaskAgentRunResult>;
  /** The task's engine run re-attached at start, which the scheduler carries on with rather than interrupting. */
  adoptable?(taskId: string): AdoptableRun | undefined;
}

/** Until the engine is wired in, API-mode runs fail with a clear message (CLI mode works regardless). */
export const unavailableAgentRunner: TaskAgentRunner = {
  run: async () => {
    throw new UnavailableError('the agent engine is not available in this daemon; use a cli-mode task');
  },
};

/** What the adapter needs of the engine: `ChatService.startAgentRun` and `RunManager.cancel/subscribe`. */
export interface EngineRunOutcome {
  status: 'completed' | 'failed' | 'cancelled' | 'interrupted';
  content: string;
  answer: string;
  error?: string;
  llmError?: LlmError;
  error_code?: string;
  budget?: BudgetBreach;
  total_tokens: number;
  iterations: number;
  transcript: { role: string; content: string }[];
}

export interface AgentEnginePort {
  chat: {
    startAgentRun(request: {
      agent: { id: string; name: string; node: AgentNode };
      input: string;
      kind: 'task';
      taskId: string;
      record?: boolean;
      jobKey?: string;
    }): Promise<{ runId: string; done: Promise<EngineRunOutcome> }>;
  };
  runs: Pick<RunManager, 'cancel' | 'subscribe' | 'interrupt' | 'wait' | 'resumedOf'>;
  agents: Pick<AgentService, 'get'>;
}

export class RunCancelledError extends Error {
  override name = 'RunCancelledError';
}

/** The daemon stopped while the attempt's job still waited in the queue: it stays there for the next daemon. */
export class RunDetachedError extends Error {
  override name = 'RunDetachedError';
}

/** A TaskAgentRunner over the engine: one engine run per attempt, its token events relayed as task output. */
export function engineTaskRunner(engine: AgentEnginePort): TaskAgentRunner {
  return {
    adoptable(taskId) {
      const resumed = engine.runs.resumedOf(taskId);
      return resumed ? { engineRunId: resumed.runId, input: resumed.input, jobKey: resumed.jobKey } : undefined;
    },
    async run(request) {
      const adopted = request.adopt ? engine.runs.wait(request.adopt) : undefined;
      const handle =
        request.adopt && adopted
          ? { runId: request.adopt, done: adopted }
          : await (() => {
              const stored = engine.agents.get(request.agentId);
              const node = request.model ? { ...stored.agent, model: request.model } : stored.agent;
              return engine.chat.startAgentRun({
                agent: { id: stored.id, name: stored.name, node },
                input: request.input,
                kind: 'task',
                taskId: request.taskId,
                ...(request.record ? { record: true } : {}),
                ...(request.jobKey ? { jobKey: request.jobKey } : {}),
              });
            })();
      // A daemon stopping interrupts the run (a queued job then stays for the next daemon); anything else cancels it.
      const cancel = () =>
        void (request.signal.reason === 'shutdown'
          ? engine.runs.interrupt(handle.runId)
          : engine.runs.cancel(handle.runId));
      request.signal.addEventListener('abort', cancel, { once: true });
      if (request.signal.aborted) cancel();
      // A detached run gets no terminal event (the next daemon settles it): its relay is stopped by hand.
      const relayStop = new AbortController();
      const relay = (async () => {
        for await (const { kind } of engine.runs.subscribe(handle.runId, { signal: relayStop.signal })) {
          if (kind.type === 'token') request.onText(kind.text);
        }
      })();
      try {
        const outcome = await handle.done;
        if (outcome.error_code === DETACHED) {
          relayStop.abort();
          await relay.catch(() => undefined);
          throw new RunDetachedError(`engine run ${handle.runId} stays queued`);
        }
        await relay;
        if (outcome.status === 'completed') {
          return {
            output: outcome.answer || outcome.content,
            tokens: outcome.total_tokens,
            runId: handle.runId,
            apiCalls: outcome.iterations,
            transcript: [{ role: 'user', content: request.input }, ...outcome.transcript],
          };
        }
        if (outcome.status === 'cancelled') throw new RunCancelledError(`engine run ${handle.runId} was cancelled`);
        if (outcome.status === 'interrupted' && outcome.error_code === WORKER_LOST) {
          throw new WorkerLostError(outcome.error ?? `engine run ${handle.runId} lost its worker`);
        }
        if (outcome.error_code === BUDGET_EXCEEDED) {
          throw new BudgetExceededError(outcome.error ?? 'budget exceeded', outcome.budget);
        }
        throw outcome.llmError ?? new Error(outcome.error ?? `engine run ${handle.runId} ${outcome.status}`);
      } finally {
        request.signal.removeEventListener('abort', cancel);
      }
    },
  };
}
