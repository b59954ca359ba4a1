// What a test scripts: replies described by content (text, tool calls, thinking, failures), independent of the
// wire format. The same reply is rendered as OpenAI or Anthropic depending on the endpoint that takes it.

export interface FakeToolCall {
  /** Default: a provider-style id (`call_…` for OpenAI, `toolu_…` for Anthropic). */
  id?: string;
  name: string;
  /** The arguments object, or raw JSON text (sent as is, so a test can script malformed JSON). */
  arguments: Record<string, unknown> | string;
  /** How many deltas the arguments JSON is split into (default 3). */
  chunks?: number;
}

/**
 * The usage a reply reports, in one provider-neutral form: `input_tokens` counts every input token (cached ones
 * included), `output_tokens` every output token (reasoning included). Each wire renders it its own way.
 */
export interface FakeUsage {
  input_tokens: number;
  output_tokens: number;
  /** Input tokens served from the prompt cache (OpenAI `prompt_tokens_details.cached_tokens`, Anthropic
   * `cache_read_input_tokens`). Default 0. */
  cached_tokens?: number;
  /** Output tokens spent reasoning (OpenAI `completion_tokens_details.reasoning_tokens`; Anthropic reports
   * none apart). Default 0. */
  reasoning_tokens?: number;
}

export interface FakeAnswer {
  text?: string;
  /** The deltas of `text`: a count of roughly equal pieces, or the exact pieces. Default: one per word. */
  tokens?: number | string[];
  /** Reasoning streamed before the text (Anthropic thinking blocks, OpenAI-compatible `reasoning_content`). */
  thinking?: string;
  toolCalls?: FakeToolCall[];
  /** OpenAI only: alternate the deltas of parallel tool calls instead of sending them one call after another. */
  interleaveToolCalls?: boolean;
  /** Default: `tool_calls` when there are tool calls, else `stop`. */
  finishReason?: 'stop' | 'tool_calls' | 'max_tokens';
  /** Default: estimated from the request and the number of deltas. */
  usage?: FakeUsage;
  /** Pause before each delta. */
  tokenDelayMs?: number;
  /** Pause before the first byte (status line) of the response. */
  delayMs?: number;
  /** Hold the response (before its first byte) until the test calls `release(name)` on the provider. */
  holdUntil?: string;
  /** Destroy the connection after this many deltas, as a network failure mid-stream would. */
  dropAfterTokens?: number;
}

export interface FakeErrorReply {
  /** HTTP status: 400, 401, 403, 404, 429, 500, 503, 529 … answered with the provider's own error body. */
  error: number;
  /** Seconds, sent as the `retry-after` header. */
  retryAfter?: number;
  message?: string;
  delayMs?: number;
}

export interface FakeHangReply {
  /** Sends the status line and headers of a stream, then nothing until the client goes away. */
  hang: true;
  delayMs?: number;
}

export type FakeReply = FakeAnswer | FakeErrorReply | FakeHangReply;

export const isErrorReply = (reply: FakeReply): reply is FakeErrorReply => 'error' in reply;
export const isHangReply = (reply: FakeReply): reply is FakeHangReply => 'hang' in reply;

/** One delta of an answer, in streaming order. */
export type AnswerPiece =
  | { kind: 'thinking'; text: string }
  | { kind: 'text'; text: string }
  | { kind: 'tool'; call: number; first: boolean; args: string };

export interface ResolvedToolCall {
  id: string;
  name: string;
  args: string;
}

export function splitText(text: string, tokens: number | string[] | undefined): string[] {
  if (Array.isArray(tokens)) return tokens;
  if (text === '') return [];
  if (tokens === undefined) return text.match(/\S+\s*|\s+/g) ?? [text];
  const count = Math.max(1, Math.min(tokens, text.length));
  const size = Math.ceil(text.length / count);
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces;
}

export function toolArgumentsText(call: FakeToolCall): string {
  return typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
}

export function resolveToolCalls(answer: FakeAnswer, idPrefix: string, nextId: () => number): ResolvedToolCall[] {
  return (answer.toolCalls ?? []).map((call) => ({
    id: call.id ?? `${idPrefix}${nextId().toString().padStart(6, '0')}`,
    name: call.name,
    args: toolArgumentsText(call),
  }));
}

/** The deltas of an answer: thinking, then text, then tool-call argument pieces. */
export function answerPieces(answer: FakeAnswer, interleave: boolean): AnswerPiece[] {
  const pieces: AnswerPiece[] = [];
  for (const text of splitText(answer.thinking ?? '', undefined)) pieces.push({ kind: 'thinking', text });
  for (const text of splitText(answer.text ?? '', answer.tokens)) pieces.push({ kind: 'text', text });
  const perCall = (answer.toolCalls ?? []).map((call, index) =>
    splitText(toolArgumentsText(call), call.chunks ?? 3).map(
      (args, i): AnswerPiece => ({ kind: 'tool', call: index, first: i === 0, args }),
    ),
  );
  // A call with empty arguments still needs its opening delta (id + name).
  perCall.forEach((list, index) => {
    if (list.length === 0) list.push({ kind: 'tool', call: index, first: true, args: '' });
  });
  if (interleave) {
    const longest = Math.max(0, ...perCall.map((l) => l.length));
    for (let i = 0; i < longest; i++) for (const list of perCall) if (list[i]) pieces.push(list[i]!);
  } else {
    for (const list of perCall) pieces.push(...list);
  }
  return pieces;
}

export function finishReasonOf(answer: FakeAnswer): 'stop' | 'tool_calls' | 'max_tokens' {
  return answer.finishReason ?? (answer.toolCalls?.length ? 'tool_calls' : 'stop');
}

/** A rough token count (4 characters a token), enough for usage figures that grow with the input. */
export function estimateTokens(value: unknown): number {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? '');
  return Math.max(1, Math.ceil(text.length / 4));
}
