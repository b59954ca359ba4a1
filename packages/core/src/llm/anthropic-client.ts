// Anthropic Messages through the official SDK. Raw stream events (thinking / text / tool_use blocks,
// message_delta) are mapped to StreamChunk; tool calls are numbered 0, 1, … like OpenAI's.
import Anthropic, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk';
import type {
  ContentBlockParam,
  MessageCreateParamsStreaming,
  MessageParam,
  RawMessageStreamEvent,
} from '@anthropic-ai/sdk/resources/messages';
import { isClaudeOAuthToken } from '../auth/auth-types.ts';
import { guardedStream } from './guarded-stream.ts';
import { PROVIDER_LABELS, toLlmError } from './provider-errors.ts';
import {
  type CompletionRequest,
  type FinishReason,
  type LlmClient,
  LlmError,
  type LlmMessage,
  type ProviderClientOptions,
  type StreamChunk,
} from './types.ts';

export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

const SDK_ERRORS = { APIError, APIUserAbortError, APIConnectionError, APIConnectionTimeoutError };

const STOP: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  tool_use: 'tool_calls',
  max_tokens: 'max_tokens',
  model_context_window_exceeded: 'max_tokens',
  refusal: 'error',
};

function parseToolInput(text: string): unknown {
  try {
    return JSON.parse(text || '{}');
  } catch {
    // The model produced invalid JSON; keep it visible rather than dropping the call.
    return { invalid_json: text };
  }
}

/** System messages become the `system` field; tool results become user tool_result blocks; same roles merge. */
export function toAnthropicMessages(messages: LlmMessage[]): { system?: string; messages: MessageParam[] } {
  const system = messages
    .filter((m) => m.role === 'system')
    .map((m) => m.content)
    .join('\n\n');
  const out: { role: 'user' | 'assistant'; content: ContentBlockParam[] }[] = [];
  for (const message of messages) {
    if (message.role === 'system') continue;
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    const blocks: ContentBlockParam[] = [];
    if (message.role === 'tool') {
      blocks.push({ type: 'tool_result', tool_use_id: message.tool_call_id ?? '', content: message.content });
    } else {
      // Anthropic rejects empty text blocks.
      if (message.content !== '') blocks.push({ type: 'text', text: message.content });
      for (const call of message.tool_calls ?? []) {
        blocks.push({ type: 'tool_use', id: call.id, name: call.name, input: parseToolInput(call.arguments) });
      }
    }
    const previous = out.at(-1);
    // Anthropic wants alternating roles: parallel tool results travel in one user message.
    if (previous?.role === role) previous.content.push(...blocks);
    else out.push({ role, content: blocks });
  }
  return {
    ...(system ? { system } : {}),
    messages: out.map(({ role, content }) =>
      content.length === 1 && content[0]?.type === 'text' ? { role, content: content[0].text } : { role, content },
    ),
  };
}

export class AnthropicClient implements LlmClient {
  readonly provider = 'anthropic' as const;
  private readonly sdk: Anthropic;

  constructor(private readonly options: ProviderClientOptions) {
    const oauth = isClaudeOAuthToken(options.apiKey);
    this.sdk = new Anthropic({
      // Passing the credential keeps the SDK from reading env vars or profile files for another one.
      ...(oauth ? { authToken: options.apiKey } : { apiKey: options.apiKey }),
      baseURL: options.baseUrl,
      // retry.ts owns retries: it knows whether part of an answer already reached the caller.
      maxRetries: 0,
      // guardedStream times requests out itself, the same way for both SDKs; this is only a backstop.
      timeout: options.requestTimeoutMs + 60_000,
      defaultHeaders: oauth
        ? // OAuth tokens are only accepted on the Messages API with this beta flag.
          { 'anthropic-beta': 'oauth-2025-04-20' }
        : // This SDK sends API keys as a Bearer token; x-api-key is what the API documents and what
          // Anthropic-compatible proxies expect.
          { 'X-Api-Key': options.apiKey, Authorization: null },
    });
  }

  buildParams(request: CompletionRequest): MessageCreateParamsStreaming {
    const { system, messages } = toAnthropicMessages(request.messages);
    const params: MessageCreateParamsStreaming = {
      model: request.model,
      max_tokens: request.max_tokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS,
      messages,
      stream: true,
      ...(system ? { system } : {}),
      ...(request.tools?.length
        ? {
            tools: request.tools.map((tool) => ({
              name: tool.name,
              description: tool.description,
              input_schema: { type: 'object' as const, ...tool.parameters },
            })),
          }
        : {}),
    };
    // The Messages API accepts temperature; this SDK version no longer types it, so it travels untyped.
    if (request.temperature !== undefined) Object.assign(params, { temperature: request.temperature });
    return params;
  }

  stream(request: CompletionRequest, signal: AbortSignal): AsyncIterable<StreamChunk> {
    const { options } = this;
    const label = PROVIDER_LABELS.anthropic;
    let inputTokens = 0;
    let cachedTokens = 0;
    let outputTokens = 0;
    let finish: FinishReason | undefined;
    let nextToolIndex = 0;
    const toolIndexOfBlock = new Map<number, number>();
    return guardedStream<RawMessageStreamEvent>({
      signal,
      label,
      requestTimeoutMs: options.requestTimeoutMs,
      idleTimeoutMs: options.idleTimeoutMs,
      open: (sdkSignal) => this.sdk.messages.create(this.buildParams(request), { signal: sdkSignal }),
      *map(event) {
        switch (event.type) {
          case 'message_start': {
            const usage = event.message.usage;
            // Anthropic's input_tokens leaves out cache writes and reads; the run counts every input token.
            inputTokens =
              usage.input_tokens + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0);
            cachedTokens = usage.cache_read_input_tokens ?? 0;
            outputTokens = usage.output_tokens;
            return;
          }
          case 'content_block_start': {
            const block = event.content_block;
            if (block.type === 'tool_use') {
              const index = nextToolIndex++;
              toolIndexOfBlock.set(event.index, index);
              yield { type: 'tool_call_delta', index, id: block.id, name: block.name };
            } else if (block.type === 'text' && block.text) {
              yield { type: 'text', text: block.text };
            } else if (block.type === 'thinking' && block.thinking) {
              yield { type: 'thinking', text: block.thinking };
            }
            return;
          }
          case 'content_block_delta': {
            const delta = event.delta;
            if (delta.type === 'text_delta') yield { type: 'text', text: delta.text };
            else if (delta.type === 'thinking_delta') yield { type: 'thinking', text: delta.thinking };
            else if (delta.type === 'input_json_delta') {
              const index = toolIndexOfBlock.get(event.index);
              if (index !== undefined && delta.partial_json) {
                yield { type: 'tool_call_delta', index, arguments: delta.partial_json };
              }
            }
            return;
          }
          case 'message_delta': {
            if (event.delta.stop_reason) finish = STOP[event.delta.stop_reason] ?? 'stop';
            outputTokens = event.usage.output_tokens;
            if (event.usage.input_tokens != null) {
              inputTokens =
                event.usage.input_tokens +
                (event.usage.cache_creation_input_tokens ?? 0) +
                (event.usage.cache_read_input_tokens ?? 0);
              cachedTokens = event.usage.cache_read_input_tokens ?? cachedTokens;
            }
            return;
          }
          default:
            return;
        }
      },
      *end() {
        if (!finish) {
          throw new LlmError(`${label} ended the stream before the answer was complete`, 'connection');
        }
        yield {
          type: 'usage',
          usage: {
            prompt_tokens: inputTokens,
            completion_tokens: outputTokens,
            total_tokens: inputTokens + outputTokens,
            cached_tokens: cachedTokens,
            // Thinking is billed as output and not reported apart.
            reasoning_tokens: 0,
          },
        };
        yield { type: 'finish', finish_reason: finish };
      },
      toError: (error) =>
        toLlmError(error, SDK_ERRORS, {
          provider: 'anthropic',
          baseUrl: options.baseUrl,
          apiKey: options.apiKey,
          keySource: options.keySource,
        }),
    });
  }
}
