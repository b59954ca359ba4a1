// Record and replay (docs/record-replay.md): a recorder sits at the engine's provider port (`LlmClient`) and tool
// port (`ToolRunner`) and keeps what crossed them; a replayer serves those exchanges back in order, with no network
// and no tool executed, and stops at the first request that differs from the recorded one.
import {
  type CompletionRequest,
  type LlmClient,
  LlmError,
  type LlmErrorKind,
  type LlmMessage,
  type StreamChunk,
} from '../llm/types.ts';
import type { LlmProvider } from '../models/catalogue.ts';
import type { ToolRunner } from './tools/index.ts';

/**
 * A plain-data copy. Not structuredClone: its objects may come from another realm (a test VM), which the redactor's
 * plain-object walk would not descend into.
 */
const jsonCopy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export const RECORDING_FORMAT = 'restflow.run-recording';
export const RECORDING_VERSION = 1;

/** One provider call: the request as sent and the normalised stream that answered it. */
export interface RecordedExchange {
  request: CompletionRequest;
  chunks: StreamChunk[];
  /** The provider error that ended the call, if it failed. */
  error?: { message: string; kind: LlmErrorKind; status?: number };
}

/** One tool call's outcome, as the model and the run's events saw it (already truncated and redacted). */
export interface RecordedToolResult {
  tool_id: string;
  tool_name: string;
  arguments: string;
  success: boolean;
  result: string;
  duration_ms: number;
}

export interface RunRecording {
  format: typeof RECORDING_FORMAT;
  version: typeof RECORDING_VERSION;
  /** The run that was recorded. */
  run_id: string;
  recorded_at: number;
  agent: { id: string | null; name: string | null; model: string; provider: LlmProvider };
  task_id: string | null;
  input: string;
  /** Earlier turns the run was given (a chat session's history), oldest first. */
  history: LlmMessage[];
  exchanges: RecordedExchange[];
  tool_results: RecordedToolResult[];
}

/** What the recording's text passes through before it is kept (the daemon's secret redactor). */
export interface RecordingRedactor {
  redact(text: string): string;
  redactDeep<T>(value: T): T;
}

/** A replay that met a request or tool call the recording does not hold. */
export class ReplayDivergenceError extends Error {
  override name = 'ReplayDivergenceError';
  readonly code = 'replay_diverged';
}

/** Collects a run's provider exchanges and tool results; `recording()` gives them redacted. */
export class RunRecorder {
  private readonly exchanges: RecordedExchange[] = [];
  private readonly toolResults: RecordedToolResult[] = [];

  constructor(private readonly meta: Omit<RunRecording, 'format' | 'version' | 'exchanges' | 'tool_results'>) {}

  client(inner: LlmClient): LlmClient {
    const exchanges = this.exchanges;
    return {
      provider: inner.provider,
      async *stream(request: CompletionRequest, signal: AbortSignal): AsyncGenerator<StreamChunk> {
        const exchange: RecordedExchange = { request: jsonCopy(request), chunks: [] };
        exchanges.push(exchange);
        try {
          for await (const chunk of inner.stream(request, signal)) {
            exchange.chunks.push(jsonCopy(chunk));
            yield chunk;
          }
        } catch (error) {
          exchange.error =
            error instanceof LlmError
              ? { message: error.message, kind: error.kind, ...(error.status ? { status: error.status } : {}) }
              : { message: (error as Error).message ?? String(error), kind: 'connection' };
          throw error;
        }
      },
    };
  }

  tools(inner: ToolRunner): ToolRunner {
    const results = this.toolResults;
    return {
      get size() {
        return inner.size;
      },
      names: () => inner.names(),
      specs: () => inner.specs(),
      execute: async (call, ctx) => {
        const r = await inner.execute(call, ctx);
        results.push({
          tool_id: r.tool_id,
          tool_name: r.tool_name,
          arguments: call.arguments,
          success: r.success,
          result: r.result,
          duration_ms: r.duration_ms,
        });
        return r;
      },
    };
  }

  /** The recording with every known secret replaced, as it may be stored or handed out. */
  recording(redactor: RecordingRedactor): RunRecording {
    return {
      format: RECORDING_FORMAT,
      version: RECORDING_VERSION,
      ...redactor.redactDeep(jsonCopy(this.meta)),
      exchanges: this.exchanges.map((exchange) => ({
        request: redactor.redactDeep(jsonCopy(exchange.request)),
        chunks: redactChunks(exchange.chunks, redactor),
        ...(exchange.error ? { error: { ...exchange.error, message: redactor.redact(exchange.error.message) } } : {}),
      })),
      tool_results: redactor.redactDeep(jsonCopy(this.toolResults)),
    };
  }
}

/**
 * Streamed text arrives in pieces, and a secret split across two pieces matches in neither. Each run of
 * consecutive text (or thinking, or one tool call's argument) pieces is redacted as a whole: when that changes
 * something, the run is kept as one piece holding the redacted text; otherwise the pieces are kept as they came.
 */
function redactChunks(chunks: StreamChunk[], redactor: RecordingRedactor): StreamChunk[] {
  const out: StreamChunk[] = [];
  let i = 0;
  const keyOf = (chunk: StreamChunk): string | undefined =>
    chunk.type === 'text' || chunk.type === 'thinking'
      ? chunk.type
      : chunk.type === 'tool_call_delta' && chunk.arguments !== undefined && !chunk.id && !chunk.name
        ? `args:${chunk.index}`
        : undefined;
  const textOf = (chunk: StreamChunk): string =>
    chunk.type === 'text' || chunk.type === 'thinking'
      ? chunk.text
      : chunk.type === 'tool_call_delta'
        ? (chunk.arguments ?? '')
        : '';
  while (i < chunks.length) {
    const first = chunks[i] as StreamChunk;
    const key = keyOf(first);
    if (!key) {
      out.push(redactor.redactDeep(jsonCopy(first)));
      i += 1;
      continue;
    }
    let j = i;
    while (j < chunks.length && keyOf(chunks[j] as StreamChunk) === key) j += 1;
    const group = chunks.slice(i, j);
    const joined = group.map(textOf).join('');
    const redacted = redactor.redact(joined);
    if (redacted === joined) out.push(...group.map((chunk) => jsonCopy(chunk)));
    else if (first.type === 'tool_call_delta') out.push({ ...first, arguments: redacted });
    else out.push({ ...(first as { type: 'text' | 'thinking' }), text: redacted } as StreamChunk);
    i = j;
  }
  return out;
}

/** Serves a recording back: provider calls in order, tool calls by id; no network, no tool executed. */
export class RunReplayer {
  private next = 0;
  private readonly results: Map<string, RecordedToolResult>;

  constructor(
    private readonly recorded: RunRecording,
    private readonly redactor: RecordingRedactor,
  ) {
    this.results = new Map(recorded.tool_results.map((r) => [r.tool_id, r]));
  }

  client(provider: LlmProvider): LlmClient {
    return {
      provider,
      stream: (request, signal) => this.serve(request, signal),
    };
  }

  private async *serve(request: CompletionRequest, signal: AbortSignal): AsyncGenerator<StreamChunk> {
    const index = this.next;
    this.next += 1;
    const exchange = this.recorded.exchanges[index];
    if (!exchange) {
      throw new ReplayDivergenceError(
        `replay diverged: request ${index + 1} was not recorded (the recording holds ${this.recorded.exchanges.length} provider call(s))`,
      );
    }
    const difference = describeRequestDifference(exchange.request, this.redactor.redactDeep(jsonCopy(request)));
    if (difference) throw new ReplayDivergenceError(`replay diverged: request ${index + 1} differs: ${difference}`);
    for (const chunk of exchange.chunks) {
      if (signal.aborted) return;
      yield jsonCopy(chunk);
    }
    if (exchange.error) {
      throw new LlmError(exchange.error.message, exchange.error.kind, exchange.error.status);
    }
  }

  tools(inner: ToolRunner): ToolRunner {
    return {
      get size() {
        return inner.size;
      },
      names: () => inner.names(),
      specs: () => inner.specs(),
      execute: async (call) => {
        const recorded = this.results.get(call.id);
        if (!recorded || recorded.tool_name !== call.name || recorded.arguments !== call.arguments) {
          // The run stops here: its tool calls come from the recorded stream, so this is a recording that does
          // not hold together (edited by hand, or cut short), and the loop must not go on with an invented result.
          throw new ReplayDivergenceError(
            `replay diverged: tool call ${call.name} (${call.id}) ${recorded ? 'differs from' : 'is not in'} the recording`,
          );
        }
        return {
          tool_id: recorded.tool_id,
          tool_name: recorded.tool_name,
          success: recorded.success,
          result: recorded.result,
          duration_ms: recorded.duration_ms,
        };
      },
    };
  }

  /** Provider calls the replay has not asked for yet (a replay that ends early has diverged too). */
  remaining(): number {
    return Math.max(0, this.recorded.exchanges.length - this.next);
  }
}

const CONTEXT_CHARS = 40;

/** `- …old…` / `+ …new…` around the first and last differing characters, kept short. */
export function shortDiff(before: string, after: string): string {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start += 1;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before[endBefore - 1] === after[endAfter - 1]) {
    endBefore -= 1;
    endAfter -= 1;
  }
  const from = Math.max(0, start - CONTEXT_CHARS);
  const excerpt = (text: string, end: number) => {
    const to = Math.min(text.length, end + CONTEXT_CHARS);
    const middle = text.slice(from, to);
    const clipped = middle.length > 200 ? `${middle.slice(0, 200)}…` : middle;
    return `${from > 0 ? '…' : ''}${clipped.replace(/\r?\n/g, '\\n')}${to < text.length ? '…' : ''}`;
  };
  return `\n  - ${excerpt(before, endBefore)}\n  + ${excerpt(after, endAfter)}`;
}

const stable = (value: unknown) => JSON.stringify(value ?? null);

function describeMessage(index: number, message: LlmMessage | undefined): string {
  if (!message) return `message ${index + 1}`;
  if (index === 0 && message.role === 'system') return 'system prompt';
  return `message ${index + 1} (${message.role})`;
}

/** The first way `live` differs from `recorded`, in words with a short diff; undefined when they are the same. */
export function describeRequestDifference(recorded: CompletionRequest, live: CompletionRequest): string | undefined {
  if (recorded.model !== live.model) return `model changed: ${recorded.model} → ${live.model}`;
  const before = recorded.messages;
  const after = live.messages;
  for (let i = 0; i < Math.max(before.length, after.length); i++) {
    const a = before[i];
    const b = after[i];
    if (!a) return `${describeMessage(i, b)} was added${shortDiff('', b?.content ?? '')}`;
    if (!b) return `${describeMessage(i, a)} was removed${shortDiff(a.content, '')}`;
    if (a.role !== b.role) return `${describeMessage(i, a)} changed role: ${a.role} → ${b.role}`;
    if (a.content !== b.content) return `${describeMessage(i, a)} changed${shortDiff(a.content, b.content)}`;
    if (stable(a.tool_calls) !== stable(b.tool_calls) || a.tool_call_id !== b.tool_call_id) {
      return `${describeMessage(i, a)} changed its tool calls${shortDiff(stable(a.tool_calls), stable(b.tool_calls))}`;
    }
  }
  const toolsBefore = new Map((recorded.tools ?? []).map((t) => [t.name, t]));
  const toolsAfter = new Map((live.tools ?? []).map((t) => [t.name, t]));
  const added = [...toolsAfter.keys()].filter((name) => !toolsBefore.has(name));
  const removed = [...toolsBefore.keys()].filter((name) => !toolsAfter.has(name));
  if (added.length > 0 || removed.length > 0) {
    const parts = [
      ...(added.length ? [`added ${added.join(', ')}`] : []),
      ...(removed.length ? [`removed ${removed.join(', ')}`] : []),
    ];
    return `tools changed: ${parts.join('; ')}`;
  }
  for (const [name, tool] of toolsBefore) {
    const now = toolsAfter.get(name);
    if (now && stable(now) !== stable(tool)) {
      return `tool ${name}'s definition changed${shortDiff(stable(tool), stable(now))}`;
    }
  }
  if (recorded.temperature !== live.temperature) {
    return `temperature changed: ${recorded.temperature ?? 'none'} → ${live.temperature ?? 'none'}`;
  }
  if (recorded.max_tokens !== live.max_tokens) {
    return `max_tokens changed: ${recorded.max_tokens ?? 'none'} → ${live.max_tokens ?? 'none'}`;
  }
  return undefined;
}
