// The provider-neutral LLM interface the agent engine codes against. Concrete clients (OpenAI, Anthropic,
// DeepSeek, OpenAI-compatible) wrap the providers' official SDKs and stream real deltas.
import type { LlmProvider } from '../models/catalogue.ts';

export type LlmRole = 'system' | 'user' | 'assistant' | 'tool';

export interface LlmToolCall {
  id: string;
  name: string;
  /** JSON text, as produced by the model. */
  arguments: string;
}

export interface LlmMessage {
  role: LlmRole;
  content: string;
  /** For role "tool": the call this result answers. */
  tool_call_id?: string;
  name?: string;
  /** For role "assistant": calls the model asked for. */
  tool_calls?: LlmToolCall[];
}

export interface LlmToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
}

export interface CompletionRequest {
  /** API model string (catalogue `api_model`, or a custom model for OpenAI-compatible servers). */
  model: string;
  messages: LlmMessage[];
  tools?: LlmToolSpec[];
  temperature?: number;
  max_tokens?: number;
}

export type FinishReason = 'stop' | 'tool_calls' | 'max_tokens' | 'error';

/** One provider call's usage, from the provider's own fields (docs/engine.md#usage-and-cost). */
export interface LlmUsage {
  /** Every input token, cached ones included. */
  prompt_tokens: number;
  /** Every output token, reasoning included. */
  completion_tokens: number;
  total_tokens: number;
  /** Input tokens read from the provider's prompt cache (billed at the cached rate). */
  cached_tokens?: number;
  /** Output tokens spent on reasoning (reported by OpenAI-style APIs; Anthropic counts thinking as output). */
  reasoning_tokens?: number;
}

/** One streamed piece; a stream ends with exactly one chunk carrying `finish_reason`. */
export type StreamChunk =
  | { type: 'text'; text: string }
  | { type: 'thinking'; text: string }
  | { type: 'tool_call_delta'; index: number; id?: string; name?: string; arguments?: string }
  | { type: 'usage'; usage: LlmUsage }
  | { type: 'finish'; finish_reason: FinishReason };

export interface LlmClient {
  readonly provider: LlmProvider;
  /** Streams one completion; aborting `signal` stops the HTTP request. Errors are LlmError. */
  stream(request: CompletionRequest, signal: AbortSignal): AsyncIterable<StreamChunk>;
}

export type LlmErrorKind = 'auth' | 'rate_limit' | 'server' | 'timeout' | 'connection' | 'bad_request' | 'cancelled';

export class LlmError extends Error {
  override name = 'LlmError';
  constructor(
    message: string,
    readonly kind: LlmErrorKind,
    readonly status?: number,
    /** The provider's `retry-after`, when it sent one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
  /** Transient errors are retried with backoff; auth and bad requests never are. */
  get retryable(): boolean {
    return (
      this.kind === 'rate_limit' || this.kind === 'server' || this.kind === 'timeout' || this.kind === 'connection'
    );
  }
}

export interface LlmClientOptions {
  provider: LlmProvider;
  apiKey: string;
  /** Default: settings, then the provider's env var (OPENAI_BASE_URL, …), then the provider's public URL. */
  baseUrl?: string;
  /** Where the key came from, without the value ("secret ANTHROPIC_API_KEY"), for auth error messages. */
  keySource?: string;
}

/** What a concrete provider client is built with (the factory fills in URL and timeouts). */
export interface ProviderClientOptions {
  apiKey: string;
  baseUrl: string;
  keySource?: string;
  /** Until the response headers arrive. */
  requestTimeoutMs: number;
  /** Longest silence between two stream events once the answer has started. */
  idleTimeoutMs: number;
}

/** Builds a client for a provider with a resolved key; injected into the engine so tests can swap it. */
export interface LlmClientFactory {
  create(options: LlmClientOptions): LlmClient;
}
