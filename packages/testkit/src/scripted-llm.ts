// An in-process LlmClient scripted per test (each stream() call plays the next turn), for engine unit and
// router tests; e2e tests use the fake provider server instead.
import {
  type CompletionRequest,
  type LlmClient,
  type LlmClientFactory,
  LlmError,
  type StreamChunk,
} from '@restflow/core';

export type Turn =
  | { chunks: StreamChunk[]; delayMs?: number }
  | { error: LlmError }
  /** Streams `chunks`, then waits; `ignoreAbort` keeps waiting even when the signal fires. */
  | { hangAfter: StreamChunk[]; ignoreAbort?: boolean };

export const textTurn = (...pieces: string[]): Turn => ({
  chunks: [...pieces.map((text): StreamChunk => ({ type: 'text', text })), { type: 'finish', finish_reason: 'stop' }],
});

export const toolTurn = (calls: { id: string; name: string; args: unknown }[], text = ''): Turn => ({
  chunks: [
    ...(text ? [{ type: 'text', text } as StreamChunk] : []),
    ...calls.flatMap((call, index): StreamChunk[] => {
      const json = JSON.stringify(call.args);
      const half = Math.floor(json.length / 2);
      // Split like a provider does: id and name first, the arguments in pieces.
      return [
        { type: 'tool_call_delta', index, id: call.id, name: call.name },
        { type: 'tool_call_delta', index, arguments: json.slice(0, half) },
        { type: 'tool_call_delta', index, arguments: json.slice(half) },
      ];
    }),
    { type: 'usage', usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } },
    { type: 'finish', finish_reason: 'tool_calls' },
  ],
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ScriptedLlm implements LlmClient {
  readonly provider = 'anthropic' as const;
  readonly requests: CompletionRequest[] = [];
  private readonly turns: Turn[];

  constructor(turns: Turn[]) {
    this.turns = [...turns];
  }

  push(...turns: Turn[]): void {
    this.turns.push(...turns);
  }

  async *stream(request: CompletionRequest, signal: AbortSignal): AsyncGenerator<StreamChunk> {
    this.requests.push(structuredClone(request));
    const turn = this.turns.shift();
    if (!turn) throw new LlmError('no scripted turn left', 'bad_request', 400);
    if ('error' in turn) throw turn.error;
    if ('hangAfter' in turn) {
      for (const chunk of turn.hangAfter) yield chunk;
      await new Promise<void>((_, reject) => {
        if (!turn.ignoreAbort)
          signal.addEventListener('abort', () => reject(new LlmError('aborted', 'cancelled')), { once: true });
      });
      return;
    }
    for (const chunk of turn.chunks) {
      if (turn.delayMs) await sleep(turn.delayMs);
      if (signal.aborted) throw new LlmError('aborted', 'cancelled');
      yield chunk;
    }
  }
}

/** A factory handing out one shared scripted client, recording the keys it was asked for. */
export function scriptedFactory(client: ScriptedLlm): LlmClientFactory & { keys: string[] } {
  const keys: string[] = [];
  return {
    keys,
    create: ({ apiKey }) => {
      keys.push(apiKey);
      return client;
    },
  };
}
