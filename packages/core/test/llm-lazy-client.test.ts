// Provider clients load their SDK on the first request, once, and stream exactly what the real client streams.
import { describe, expect, it } from '@jest/globals';
import { lazyClient } from '../src/llm/lazy-client.ts';
import { type LlmClient, LlmError, type StreamChunk } from '../src/llm/types.ts';

const request = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }] };

async function collect(stream: AsyncIterable<StreamChunk>): Promise<StreamChunk[]> {
  const out: StreamChunk[] = [];
  for await (const chunk of stream) out.push(chunk);
  return out;
}

describe('lazyClient', () => {
  it('builds the real client on the first completion only, then reuses it', async () => {
    let loads = 0;
    const real: LlmClient = {
      provider: 'openai',
      async *stream(req) {
        yield { type: 'text', text: `echo ${req.messages[0]?.content}` };
        yield { type: 'finish', finish_reason: 'stop' };
      },
    };
    const client = lazyClient('openai', async () => {
      loads += 1;
      return real;
    });
    expect(client.provider).toBe('openai');
    expect(loads).toBe(0);
    const signal = new AbortController().signal;
    const first = await collect(client.stream(request, signal));
    await collect(client.stream(request, signal));
    expect(loads).toBe(1);
    expect(first).toEqual([
      { type: 'text', text: 'echo hi' },
      { type: 'finish', finish_reason: 'stop' },
    ]);
  });

  it("passes the real client's errors through unchanged", async () => {
    const client = lazyClient('anthropic', async () => ({
      provider: 'anthropic',
      // biome-ignore lint/correctness/useYield: fails before its first chunk, as a refused key does
      async *stream() {
        throw new LlmError('Anthropic rejected the API key', 'auth');
      },
    }));
    await expect(collect(client.stream(request, new AbortController().signal))).rejects.toMatchObject({
      kind: 'auth',
      message: 'Anthropic rejected the API key',
    });
  });
});
