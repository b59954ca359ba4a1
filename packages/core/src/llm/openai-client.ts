// OpenAI Chat Completions through the official SDK: OpenAI, DeepSeek, and any OpenAI-compatible server
// (Ollama, LM Studio, vLLM). SDK chunks are mapped to StreamChunk; the SDK parses the SSE.
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import { guardedStream } from './guarded-stream.ts';
import { PROVIDER_LABELS, toLlmError } from './provider-errors.ts';
import {
  type CompletionRequest,
  type FinishReason,
  type LlmClient,
  LlmError,
  type LlmMessage,
  type LlmUsage,
  type ProviderClientOptions,
  type StreamChunk,
} from './types.ts';

export interface OpenAiClientOptions extends ProviderClientOptions {
  provider: 'openai' | 'deepseek' | 'openai_compatible';
  organization?: string;
  project?: string;
}

const SDK_ERRORS = { APIError, APIUserAbortError, APIConnectionError, APIConnectionTimeoutError };

const FINISH: Record<string, FinishReason> = {
  stop: 'stop',
  tool_calls: 'tool_calls',
  function_call: 'tool_calls',
  length: 'max_tokens',
  content_filter: 'error',
};

export function toOpenAiMessages(messages: LlmMessage[]): ChatCompletionMessageParam[] {
  return messages.map((message): ChatCompletionMessageParam => {
    if (message.role === 'system') return { role: 'system', content: message.content };
    if (message.role === 'user') return { role: 'user', content: message.content };
    if (message.role === 'tool') {
      return { role: 'tool', tool_call_id: message.tool_call_id ?? '', content: message.content };
    }
    if (!message.tool_calls?.length) return { role: 'assistant', content: message.content };
    return {
      role: 'assistant',
      content: message.content === '' ? null : message.content,
      tool_calls: message.tool_calls.map((call) => ({
        id: call.id,
        type: 'function' as const,
        function: { name: call.name, arguments: call.arguments },
      })),
    };
  });
}

/** Reasoning deltas of OpenAI-compatible servers: DeepSeek's `reasoning_content`, vLLM/Ollama's `reasoning`. */
type ReasoningDelta = ChatCompletionChunk.Choice.Delta & {
  reasoning_content?: string | null;
  reasoning?: string | null;
};

/** DeepSeek reports cache hits in a field of its own instead of `prompt_tokens_details`. */
type ProviderUsage = CompletionUsage & { prompt_cache_hit_tokens?: number | null };

export function usageOf(usage: ProviderUsage): LlmUsage {
  const { prompt_tokens, completion_tokens, total_tokens } = usage;
  return {
    prompt_tokens,
    completion_tokens,
    total_tokens,
    cached_tokens: usage.prompt_tokens_details?.cached_tokens ?? usage.prompt_cache_hit_tokens ?? 0,
    reasoning_tokens: usage.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}

export class OpenAiClient implements LlmClient {
  readonly provider: OpenAiClientOptions['provider'];
  private readonly sdk: OpenAI;

  constructor(private readonly options: OpenAiClientOptions) {
    this.provider = options.provider;
    this.sdk = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseUrl,
      organization: options.organization ?? null,
      project: options.project ?? null,
      // retry.ts owns retries: it knows whether part of an answer already reached the caller.
      maxRetries: 0,
      // guardedStream times requests out itself, the same way for both SDKs; this is only a backstop.
      timeout: options.requestTimeoutMs + 60_000,
    });
  }

  buildParams(request: CompletionRequest): ChatCompletionCreateParamsStreaming {
    return {
      model: request.model,
      messages: toOpenAiMessages(request.messages),
      stream: true,
      stream_options: { include_usage: true },
      ...(request.tools?.length
        ? {
            tools: request.tools.map((tool) => ({
              type: 'function' as const,
              function: { name: tool.name, description: tool.description, parameters: tool.parameters },
            })),
          }
        : {}),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      // OpenAI's reasoning models only accept max_completion_tokens; compatible servers know max_tokens.
      ...(request.max_tokens === undefined
        ? {}
        : this.provider === 'openai'
          ? { max_completion_tokens: request.max_tokens }
          : { max_tokens: request.max_tokens }),
    };
  }

  stream(request: CompletionRequest, signal: AbortSignal): AsyncIterable<StreamChunk> {
    const { options } = this;
    const label = PROVIDER_LABELS[this.provider];
    let finish: FinishReason | undefined;
    return guardedStream<ChatCompletionChunk>({
      signal,
      label,
      requestTimeoutMs: options.requestTimeoutMs,
      idleTimeoutMs: options.idleTimeoutMs,
      open: (sdkSignal) => this.sdk.chat.completions.create(this.buildParams(request), { signal: sdkSignal }),
      *map(chunk) {
        if (chunk.usage) yield { type: 'usage', usage: usageOf(chunk.usage) };
        const choice = chunk.choices[0];
        if (!choice) return;
        const delta = (choice.delta ?? {}) as ReasoningDelta;
        const reasoning = delta.reasoning_content ?? delta.reasoning;
        if (reasoning) yield { type: 'thinking', text: reasoning };
        if (delta.content) yield { type: 'text', text: delta.content };
        for (const [position, call] of (delta.tool_calls ?? []).entries()) {
          yield {
            type: 'tool_call_delta',
            // Some compatible servers omit the index on single calls.
            index: call.index ?? position,
            ...(call.id ? { id: call.id } : {}),
            ...(call.function?.name ? { name: call.function.name } : {}),
            ...(call.function?.arguments ? { arguments: call.function.arguments } : {}),
          };
        }
        if (choice.finish_reason) finish = FINISH[choice.finish_reason] ?? 'stop';
      },
      *end() {
        if (!finish) {
          throw new LlmError(`${label} ended the stream before the answer was complete`, 'connection');
        }
        yield { type: 'finish', finish_reason: finish };
      },
      toError: (error) =>
        toLlmError(error, SDK_ERRORS, {
          provider: this.provider,
          baseUrl: options.baseUrl,
          apiKey: options.apiKey,
          keySource: options.keySource,
        }),
    });
  }
}
