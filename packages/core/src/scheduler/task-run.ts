// One execution of a task, in either mode, under a timeout: streams output as task events and returns how it
// ended. It does not touch the task's lifecycle — the settlement (task-settle.ts) does, once, afterwards.
import type { AgentTask } from '../tasks/task-model.ts';
import { tailOf } from '../text-cut.ts';
import { BudgetExceededError } from '../usage/budgets.ts';
import { taskJobKey } from '../workers/queue-names.ts';
import { RunDetachedError, type TaskAgentRunner } from './agent-runner.ts';
import { CliSpawnError, runCliProcess } from './cli-runner.ts';
import type { ModelFailover } from './failover.ts';
import { isTransientError, retryBackoffMs, type TaskRetryPolicy } from './retry.ts';
import type { TranscriptMessage } from './task-memory.ts';
import type { TaskRunStats, TaskStreamKind } from './task-stream.ts';

/** The prompt of an API-mode task without input. */
export const DEFAULT_TASK_INPUT = 'Execute the agent task';
/** Output events per run; past this the run keeps going but only the result keeps the text. */
export const MAX_OUTPUT_EVENTS = 10_000;
/** The part of the output kept as the run's result (the tail for CLI output, where the outcome usually is). */
export const MAX_RESULT_CHARS = 64 * 1024;

/** Why a run was stopped from outside. */
export type RunStopReason = 'cancel' | 'timeout' | 'shutdown';

export type TaskRunOutcome =
  | { status: 'completed'; output: string; durationMs: number; stats: TaskRunStats; transcript: TranscriptMessage[] }
  | { status: 'failed'; error: string; errorCode?: string; recoverable: boolean; durationMs: number }
  | { status: 'timeout'; durationMs: number; timeoutMs: number }
  | { status: 'cancelled' | 'interrupted'; durationMs: number }
  /** The daemon stopped while the attempt's job waited in the queue: the next daemon carries on with it. */
  | { status: 'detached'; durationMs: number };

export interface TaskRunRequest {
  task: AgentTask;
  runId: string;
  /** Effective input: a webhook's override or the task's own. */
  input: string | null;
  /** Aborted with a RunStopReason. */
  signal: AbortSignal;
  /** The schedule slot of a scheduled run: under the queue backend each attempt starts at most once per slot. */
  slot?: number;
  /** Carry on with an engine run a previous daemon started (re-attached at start), as attempt `retry` with `model`. */
  resume?: { engineRunId: string; retry: number; model?: string };
  emit: (kind: TaskStreamKind) => void;
}

export interface TaskRunDeps {
  agentRunner: TaskAgentRunner;
  failover: ModelFailover;
  /** The agent's configured model (undefined: the agent has none or is gone; the engine will say). */
  agentModel: (agentId: string) => string | undefined;
  fallbackModels: readonly string[];
  retryPolicy: TaskRetryPolicy;
  maxRetries: number;
  apiTimeoutMs: number;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
  killGraceMs?: number;
  /** The scrubbed environment of a CLI-mode run (tool-env.ts): allow-listed variables plus the agent's grants. */
  cliEnv?: (agentId: string) => NodeJS.ProcessEnv;
}

class OutputCollector {
  lines = 0;
  bytes = 0;
  private events = 0;
  private text = '';

  constructor(private readonly emit: (kind: TaskStreamKind) => void) {}

  push(text: string, isStderr: boolean, isComplete: boolean, keep = !isStderr): void {
    this.bytes += Buffer.byteLength(text);
    if (isComplete) this.lines += 1;
    if (keep) {
      this.text += isComplete ? `${text}\n` : text;
      if (this.text.length > 2 * MAX_RESULT_CHARS) this.text = tailOf(this.text, MAX_RESULT_CHARS);
    }
    this.events += 1;
    if (this.events <= MAX_OUTPUT_EVENTS)
      this.emit({ type: 'output', text, is_stderr: isStderr, is_complete: isComplete });
    else if (this.events === MAX_OUTPUT_EVENTS + 1) {
      this.emit({ type: 'progress', phase: 'output_truncated', details: { max_events: MAX_OUTPUT_EVENTS } });
    }
  }

  result(): string {
    return tailOf(this.text, MAX_RESULT_CHARS).replace(/\n$/, '');
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function executeTaskRun(request: TaskRunRequest, deps: TaskRunDeps): Promise<TaskRunOutcome> {
  const { task } = request;
  const mode = task.execution_mode;
  const timeoutMs = mode.type === 'cli' ? mode.timeout_secs * 1000 : deps.apiTimeoutMs;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);

  // One signal for everything the run does: the caller's stop or our own timeout, whichever comes first.
  const inner = new AbortController();
  const forward = () => inner.abort(request.signal.reason);
  request.signal.addEventListener('abort', forward, { once: true });
  if (request.signal.aborted) forward();
  const timer = setTimeout(() => inner.abort('timeout' satisfies RunStopReason), timeoutMs);
  // The daemon's listeners keep the process alive; a pending run must not (tests, scripts).
  timer.unref();
  const stopped = (): TaskRunOutcome => {
    const reason = inner.signal.reason as RunStopReason;
    if (reason === 'timeout') return { status: 'timeout', durationMs: elapsed(), timeoutMs };
    return { status: reason === 'shutdown' ? 'interrupted' : 'cancelled', durationMs: elapsed() };
  };
  try {
    if (mode.type === 'cli') {
      const output = new OutputCollector(request.emit);
      try {
        const result = await runCliProcess({
          binary: mode.binary,
          args: mode.args,
          input: request.input,
          cwd: mode.working_dir,
          runId: request.runId,
          ...(deps.cliEnv ? { env: deps.cliEnv(task.agent_id) } : {}),
          signal: inner.signal,
          killGraceMs: deps.killGraceMs,
          onSpawn: (pid) => request.emit({ type: 'progress', phase: 'process_started', details: { pid } }),
          onLine: (line, isStderr) => output.push(line, isStderr, true),
        });
        if (result.killed) return stopped();
        if (result.exitCode === 0) {
          const stats = { output_lines: output.lines, output_bytes: output.bytes };
          const transcript = request.input
            ? [
                { role: 'user', content: request.input },
                { role: 'assistant', content: output.result() },
              ]
            : [];
          return { status: 'completed', output: output.result(), durationMs: elapsed(), stats, transcript };
        }
        const how =
          result.exitCode !== null ? `exited with code ${result.exitCode}` : `was killed by ${result.exitSignal}`;
        return {
          status: 'failed',
          error: `${mode.binary} ${how}${result.lastStderr ? `: ${result.lastStderr}` : ''}`,
          errorCode: 'exit_status',
          recoverable: false,
          durationMs: elapsed(),
        };
      } catch (error) {
        if (!(error instanceof CliSpawnError)) throw error;
        return {
          status: 'failed',
          error: error.message,
          errorCode: 'spawn',
          recoverable: false,
          durationMs: elapsed(),
        };
      }
    }
    return await runApiMode(request, deps, inner.signal, elapsed, stopped);
  } finally {
    clearTimeout(timer);
    request.signal.removeEventListener('abort', forward);
  }
}

async function runApiMode(
  request: TaskRunRequest,
  deps: TaskRunDeps,
  signal: AbortSignal,
  elapsed: () => number,
  stopped: () => TaskRunOutcome,
): Promise<TaskRunOutcome> {
  const { task } = request;
  const input = request.input?.trim() ? request.input : DEFAULT_TASK_INPUT;
  const output = new OutputCollector(request.emit);
  let retry = request.resume?.retry ?? 0;
  let adopt = request.resume?.engineRunId;
  const attempt = (model: string | undefined) =>
    deps.agentRunner.run({
      ...(request.slot !== undefined
        ? { jobKey: taskJobKey({ taskId: task.id, slot: request.slot, retry, model }) }
        : {}),
      ...(adopt ? { adopt } : {}),
      agentId: task.agent_id,
      model,
      input,
      taskId: task.id,
      signal,
      onText: (text) => output.push(text, false, false, false),
      ...(task.execution_mode.type === 'api' && task.execution_mode.record ? { record: true } : {}),
    });
  const primary = deps.agentModel(task.agent_id);
  for (; ; retry++) {
    try {
      const adopting = adopt !== undefined;
      const result = adopting
        ? await attempt(request.resume?.model).finally(() => {
            adopt = undefined;
          })
        : primary
          ? (
              await deps.failover.run(primary, deps.fallbackModels, attempt, (from, to, error) =>
                request.emit({ type: 'progress', phase: 'failover', details: { from, to, error: messageOf(error) } }),
              )
            ).result
          : await attempt(undefined);
      const stats = {
        output_lines: output.lines,
        output_bytes: output.bytes,
        tokens_used: result.tokens,
        ...(result.apiCalls !== undefined ? { api_calls: result.apiCalls } : {}),
      };
      return {
        status: 'completed',
        output: result.output,
        durationMs: elapsed(),
        stats,
        transcript: result.transcript,
      };
    } catch (error) {
      if (error instanceof RunDetachedError) return { status: 'detached', durationMs: elapsed() };
      if (signal.aborted) return stopped();
      if (error instanceof BudgetExceededError) {
        return {
          status: 'failed',
          error: error.message,
          errorCode: error.code,
          recoverable: false,
          durationMs: elapsed(),
        };
      }
      const transient = isTransientError(error);
      if (!transient || retry >= deps.maxRetries) {
        const suffix = transient && retry > 0 ? ` (gave up after ${retry + 1} attempts)` : '';
        return {
          status: 'failed',
          error: `Execution error: ${messageOf(error)}${suffix}`,
          recoverable: transient,
          durationMs: elapsed(),
        };
      }
      const delayMs = retryBackoffMs(retry + 1, deps.retryPolicy, deps.random);
      request.emit({
        type: 'progress',
        phase: 'retrying',
        details: { attempt: retry + 2, max_attempts: deps.maxRetries + 1, delay_ms: delayMs, error: messageOf(error) },
      });
      try {
        await deps.sleep(delayMs, signal);
      } catch {
        return stopped();
      }
    }
  }
}
