// The one agent loop: stream a completion, forward text as it arrives, run the tool calls it asks for (in
// parallel), feed the results back, repeat until an answer or a limit. Chat, tasks, channels and MCP all run it.
import type { ExecutionStepInfo } from '@restflow/db';
import {
  type FinishReason,
  type LlmClient,
  LlmError,
  type LlmMessage,
  type LlmToolCall,
  type LlmUsage,
} from '../llm/types.ts';
import type { BudgetBreach } from '../usage/budgets.ts';
import type { RunMeter } from '../usage/usage.service.ts';
import { ReplayDivergenceError } from './recording.ts';
import type { RunEventSink } from './run-events.ts';
import type { ToolCallResult, ToolContext, ToolRunner } from './tools/index.ts';

export interface AgentLoopInput {
  client: LlmClient;
  /** API model string. */
  model: string;
  /** System prompt, history and the new user message. */
  messages: LlmMessage[];
  tools: ToolRunner;
  toolContext: Pick<ToolContext, 'runId' | 'agentId' | 'taskId' | 'workspaceDir'>;
  temperature?: number;
  maxTokens: number;
  maxIterations: number;
  signal: AbortSignal;
  sink: RunEventSink;
  /** Records each provider call's usage and cost, and is asked before each call whether a budget is spent. */
  meter?: RunMeter;
}

export type LoopStatus = 'completed' | 'failed' | 'cancelled' | 'max_iterations';

export interface RunUsage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  /** USD at the prices of the time (0 without a meter, or for unpriced models). */
  cost_usd: number;
}

export const emptyRunUsage = (): RunUsage => ({
  input_tokens: 0,
  output_tokens: 0,
  total_tokens: 0,
  cached_tokens: 0,
  reasoning_tokens: 0,
  cost_usd: 0,
});

export interface AgentLoopResult {
  status: LoopStatus;
  /** Every piece of text streamed in this run, exactly as the subscribers saw it. */
  content: string;
  /** The text of the last model turn: the answer proper. */
  answer: string;
  error?: string;
  /** The provider error behind a failure, for callers that map it (auth, rate limit, …). */
  llmError?: LlmError;
  /** A code clients can read for failures they may act on (`budget_exceeded`, `replay_diverged`). */
  errorCode?: string;
  /** The budget that stopped the run. */
  budget?: BudgetBreach;
  iterations: number;
  usage: RunUsage;
  /** Text deltas streamed (a close estimate of output tokens when the provider reports no usage). */
  tokenCount: number;
  steps: ExecutionStepInfo[];
  /** Messages added by this run (assistant turns with tool calls, tool results, the final answer). */
  transcript: LlmMessage[];
}

interface Turn {
  text: string;
  calls: LlmToolCall[];
  finish: FinishReason | undefined;
  usage: LlmUsage | undefined;
}

export async function runAgentLoop(input: AgentLoopInput): Promise<AgentLoopResult> {
  const { sink, signal } = input;
  const messages = [...input.messages];
  const transcript: LlmMessage[] = [];
  const steps: ExecutionStepInfo[] = [];
  const usage: RunUsage = emptyRunUsage();
  let content = '';
  let answer = '';
  let tokenCount = 0;
  let iterations = 0;

  const result = (status: LoopStatus, extra: Partial<AgentLoopResult> = {}): AgentLoopResult => ({
    status,
    content,
    answer,
    iterations,
    usage: { ...usage },
    tokenCount,
    steps,
    transcript,
    ...extra,
  });

  const emitText = (text: string, turnStarted: boolean) => {
    // Text of a later turn is set off from the earlier one — as a streamed token too, so the saved answer is
    // exactly what was streamed.
    if (!turnStarted && content.length > 0) {
      content += '\n\n';
      sink.token('\n\n');
    }
    content += text;
    tokenCount += 1;
    sink.token(text);
  };

  try {
    while (iterations < input.maxIterations) {
      // A spent budget stops the run before it costs more; what was answered so far is kept.
      const stop = input.meter?.check();
      if (stop) return result('failed', { error: stop.message, errorCode: stop.error_code, budget: stop.budget });
      iterations += 1;
      const callStarted = performance.now();
      const turn = await streamTurn(input, messages, emitText);
      if (turn.usage) {
        const durationMs = Math.round(performance.now() - callStarted);
        const call = input.meter?.record(turn.usage, durationMs);
        usage.input_tokens += turn.usage.prompt_tokens;
        usage.output_tokens += turn.usage.completion_tokens;
        usage.total_tokens += turn.usage.total_tokens;
        usage.cached_tokens += turn.usage.cached_tokens ?? 0;
        usage.reasoning_tokens += turn.usage.reasoning_tokens ?? 0;
        usage.cost_usd += call?.cost_usd ?? 0;
        sink.emit('usage', {
          ...usage,
          call: {
            model: call?.model ?? input.model,
            input_tokens: turn.usage.prompt_tokens,
            output_tokens: turn.usage.completion_tokens,
            cached_tokens: turn.usage.cached_tokens ?? 0,
            reasoning_tokens: turn.usage.reasoning_tokens ?? 0,
            cost_usd: call?.cost_usd ?? 0,
            duration_ms: durationMs,
          },
        });
      }
      answer = turn.text;
      if (signal.aborted) return result('cancelled');
      if (turn.calls.length === 0) {
        const final: LlmMessage = { role: 'assistant', content: turn.text };
        transcript.push(final);
        if (turn.finish === 'max_tokens') {
          return result('failed', { error: `the response was cut off at max_tokens (${input.maxTokens})` });
        }
        if (turn.finish === 'error')
          return result('failed', { error: 'the model provider ended the response with an error' });
        return result('completed');
      }
      const assistant: LlmMessage = { role: 'assistant', content: turn.text, tool_calls: turn.calls };
      messages.push(assistant);
      transcript.push(assistant);
      const results = await runToolCalls(input, turn.calls, steps);
      for (const r of results) {
        const toolMessage: LlmMessage = { role: 'tool', content: r.result, tool_call_id: r.tool_id, name: r.tool_name };
        messages.push(toolMessage);
        transcript.push(toolMessage);
      }
      if (signal.aborted) return result('cancelled');
    }
    return result('max_iterations', { error: `reached the maximum of ${input.maxIterations} iterations` });
  } catch (error) {
    if (signal.aborted) return result('cancelled');
    const llmError = error instanceof LlmError ? error : undefined;
    if (llmError?.kind === 'cancelled') return result('cancelled');
    return result('failed', {
      error: (error as Error).message ?? String(error),
      llmError,
      ...(error instanceof ReplayDivergenceError ? { errorCode: error.code } : {}),
    });
  }
}

async function streamTurn(
  input: AgentLoopInput,
  messages: LlmMessage[],
  emitText: (text: string, turnStarted: boolean) => void,
): Promise<Turn> {
  const partials = new Map<number, { id?: string; name: string; arguments: string }>();
  const turn: Turn = { text: '', calls: [], finish: undefined, usage: undefined };
  const stream = input.client.stream(
    {
      model: input.model,
      messages,
      tools: input.tools.size > 0 ? input.tools.specs() : undefined,
      temperature: input.temperature,
      max_tokens: input.maxTokens,
    },
    input.signal,
  );
  for await (const chunk of stream) {
    if (input.signal.aborted) break;
    switch (chunk.type) {
      case 'text':
        if (chunk.text.length === 0) break;
        emitText(chunk.text, turn.text.length > 0);
        turn.text += chunk.text;
        break;
      case 'thinking':
        if (chunk.text.length > 0) input.sink.thinking(chunk.text);
        break;
      case 'tool_call_delta': {
        const partial = partials.get(chunk.index) ?? { name: '', arguments: '' };
        if (chunk.id) partial.id = chunk.id;
        if (chunk.name) partial.name += chunk.name;
        if (chunk.arguments) partial.arguments += chunk.arguments;
        partials.set(chunk.index, partial);
        break;
      }
      case 'usage':
        turn.usage = chunk.usage;
        break;
      case 'finish':
        turn.finish = chunk.finish_reason;
        break;
    }
  }
  turn.calls = [...partials.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, p]) => ({ id: p.id ?? `call_${index}`, name: p.name, arguments: p.arguments }));
  return turn;
}

async function runToolCalls(
  input: AgentLoopInput,
  calls: LlmToolCall[],
  steps: ExecutionStepInfo[],
): Promise<ToolCallResult[]> {
  const { sink } = input;
  for (const call of calls) {
    sink.emit('tool_call_start', { tool_id: call.id, tool_name: call.name, arguments: call.arguments });
    sink.emit('step', { step_type: 'tool_call', name: call.name, status: 'running' });
  }
  const results = await Promise.all(
    calls.map(async (call) => {
      const r = await input.tools.execute(call, { ...input.toolContext, signal: input.signal, events: sink });
      // Reported as each call finishes, not when the slowest one does.
      sink.emit('tool_call_end', { tool_id: r.tool_id, result: r.result, success: r.success });
      sink.emit('step', { step_type: 'tool_call', name: call.name, status: r.success ? 'completed' : 'failed' });
      return r;
    }),
  );
  for (const r of results) {
    steps.push({
      step_type: 'tool_call',
      name: r.tool_name,
      status: r.success ? 'completed' : 'failed',
      duration_ms: r.duration_ms,
    });
  }
  return results;
}
