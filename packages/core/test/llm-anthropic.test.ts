import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type FakeProvider, startFakeProvider } from '@restflow/fake-provider';
import { createLlmClientFactory, type LlmClientFactoryOptions, LlmError, type RetryNotice } from '../src/index.ts';
// Not exported from the package: the SDK modules stay out of its static imports (llm/lazy-client.ts).
import { ANTHROPIC_DEFAULT_MAX_TOKENS, toAnthropicMessages } from '../src/llm/anthropic-client.ts';
import { collect, never, reassembleToolCalls } from './llm-helpers.ts';

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const KEY = 'sk-ant-api03-test-0123456789';
const factory = (options: LlmClientFactoryOptions = {}) =>
  createLlmClientFactory({ env: fake.env(), retry: { policy: { baseDelayMs: 5, maxDelayMs: 2000 } }, ...options });
const anthropic = (options?: LlmClientFactoryOptions, apiKey = KEY) =>
  factory(options).create({ provider: 'anthropic', apiKey, keySource: 'secret ANTHROPIC_API_KEY' });
const ask = { model: 'claude-haiku-4-5', messages: [{ role: 'user' as const, content: 'hi' }] };

describe('Anthropic client — streaming', () => {
  it('streams thinking, then text token by token, then a tool call, with usage and stop reason', async () => {
    fake.script({
      thinking: 'The user wants weather.',
      text: 'Let me look that up for you.',
      toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' }, chunks: 3 }],
      tokenDelayMs: 15,
      usage: { input_tokens: 40, output_tokens: 12 },
    });
    const client = anthropic();
    expect(client.provider).toBe('anthropic');
    const result = await collect(client.stream(ask, never()));
    expect(result.error).toBeUndefined();
    expect(result.thinking).toBe('The user wants weather.');
    expect(result.text).toBe('Let me look that up for you.');
    const texts = result.seen.filter((s) => s.chunk.type === 'text');
    expect(texts.length).toBe(7);
    expect(result.seen.at(-1)!.at - texts[0]!.at).toBeGreaterThanOrEqual(6 * 15);
    const kinds = result.chunks.map((c) => c.type);
    expect(kinds.indexOf('thinking')).toBeLessThan(kinds.indexOf('text'));
    expect(kinds.lastIndexOf('text')).toBeLessThan(kinds.indexOf('tool_call_delta'));
    expect(reassembleToolCalls(result.chunks)).toEqual([
      { id: expect.stringMatching(/^toolu_/), name: 'get_weather', arguments: { city: 'Oslo' } },
    ]);
    expect(result.chunks.slice(-2)).toEqual([
      {
        type: 'usage',
        usage: { prompt_tokens: 40, completion_tokens: 12, total_tokens: 52, cached_tokens: 0, reasoning_tokens: 0 },
      },
      { type: 'finish', finish_reason: 'tool_calls' },
    ]);
  });

  it('counts cache reads as input and reports them as cached tokens', async () => {
    fake.script({ text: 'cached', usage: { input_tokens: 500, output_tokens: 7, cached_tokens: 300 } });
    const result = await collect(anthropic().stream(ask, never()));
    expect(result.chunks.find((c) => c.type === 'usage')).toEqual({
      type: 'usage',
      usage: { prompt_tokens: 500, completion_tokens: 7, total_tokens: 507, cached_tokens: 300, reasoning_tokens: 0 },
    });
    const start = fake.requests.at(-1);
    expect(start?.completed).toBe(true);
  });

  it('numbers several tool calls 0, 1, … and maps end_turn / max_tokens', async () => {
    fake.script(
      {
        toolCalls: [
          { name: 'a', arguments: { x: 1 } },
          { name: 'b', arguments: { y: [1, 2] }, chunks: 5 },
        ],
      },
      { text: 'done' },
      { text: 'cut off', finishReason: 'max_tokens' },
    );
    const tools = await collect(anthropic().stream(ask, never()));
    expect(reassembleToolCalls(tools.chunks).map((c) => [c.name, c.arguments])).toEqual([
      ['a', { x: 1 }],
      ['b', { y: [1, 2] }],
    ]);
    expect((await collect(anthropic().stream(ask, never()))).chunks.at(-1)).toEqual({
      type: 'finish',
      finish_reason: 'stop',
    });
    expect((await collect(anthropic().stream(ask, never()))).chunks.at(-1)).toEqual({
      type: 'finish',
      finish_reason: 'max_tokens',
    });
  });

  it('sends the Messages API shape: x-api-key, version, system, default max_tokens, tools, tool results', async () => {
    fake.script({ text: 'ok' }, { text: 'ok' });
    await collect(
      anthropic().stream(
        {
          model: 'claude-opus-5-5',
          messages: [
            { role: 'system', content: 'You are terse.' },
            { role: 'user', content: 'Weather in Oslo and Rome?' },
            {
              role: 'assistant',
              content: 'Checking both.',
              tool_calls: [
                { id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Oslo"}' },
                { id: 'toolu_2', name: 'get_weather', arguments: '{"city":"Rome"}' },
              ],
            },
            { role: 'tool', content: '5°C', tool_call_id: 'toolu_1' },
            { role: 'tool', content: '20°C', tool_call_id: 'toolu_2' },
          ],
          tools: [{ name: 'get_weather', description: 'Weather', parameters: { properties: { city: {} } } }],
          temperature: 0.2,
        },
        never(),
      ),
    );
    const [request] = fake.requests;
    expect(request).toMatchObject({ api: 'anthropic', path: '/v1/messages', stream: true });
    expect(request!.headers['x-api-key']).toBe(KEY);
    expect(request!.headers.authorization).toBeUndefined();
    expect(request!.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(request!.body).toEqual({
      model: 'claude-opus-5-5',
      max_tokens: ANTHROPIC_DEFAULT_MAX_TOKENS,
      stream: true,
      system: 'You are terse.',
      temperature: 0.2,
      tools: [
        { name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: {} } } },
      ],
      messages: [
        { role: 'user', content: 'Weather in Oslo and Rome?' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Checking both.' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } },
            { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Rome' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: '5°C' },
            { type: 'tool_result', tool_use_id: 'toolu_2', content: '20°C' },
          ],
        },
      ],
    });
    await collect(anthropic().stream({ ...ask, max_tokens: 99 }, never()));
    expect(fake.requests[1]!.body.max_tokens).toBe(99);
    expect(fake.requests[1]!.body.system).toBeUndefined();
  });

  it('sends Claude OAuth tokens (sk-ant-oat…) as a Bearer token with the OAuth beta flag', async () => {
    fake.script({ text: 'hello' });
    const token = 'sk-ant-oat01-test-token-0123456789';
    const result = await collect(anthropic({}, token).stream(ask, never()));
    expect(result.text).toBe('hello');
    const { headers } = fake.requests[0]!;
    expect(headers.authorization).toBe(`Bearer ${token}`);
    expect(headers['x-api-key']).toBeUndefined();
    expect(headers['anthropic-beta']).toBe('oauth-2025-04-20');
  });

  it('keeps empty text out and malformed tool arguments visible', () => {
    expect(
      toAnthropicMessages([
        { role: 'user', content: 'a' },
        { role: 'user', content: 'b' },
        { role: 'assistant', content: '', tool_calls: [{ id: 't', name: 'f', arguments: 'not json' }] },
      ]),
    ).toEqual({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'a' },
            { type: 'text', text: 'b' },
          ],
        },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'f', input: { invalid_json: 'not json' } }] },
      ],
    });
  });
});

describe('Anthropic client — failures', () => {
  it('401 fails at once: "Anthropic rejected the API key (from secret ANTHROPIC_API_KEY)", one request', async () => {
    fake.script({ error: 401 }, { text: 'not reached' });
    const result = await collect(anthropic().stream(ask, never()));
    const error = result.error as LlmError;
    expect(error).toBeInstanceOf(LlmError);
    expect(error).toMatchObject({ kind: 'auth', status: 401 });
    expect(error.message).toBe(
      'Anthropic rejected the API key (from secret ANTHROPIC_API_KEY) (HTTP 401): invalid x-api-key',
    );
    expect(fake.requests).toHaveLength(1);
  });

  it('retries 529 overloaded and 429 rate limits, then streams', async () => {
    fake.script({ error: 529 }, { error: 429, retryAfter: 0 }, { error: 500 }, { text: 'made it' });
    const notices: RetryNotice[] = [];
    const client = anthropic({ retry: { policy: { baseDelayMs: 2 }, onRetry: (n) => notices.push(n) } });
    const result = await collect(client.stream(ask, never()));
    expect(result.text).toBe('made it');
    expect(notices.map((n) => n.error.kind)).toEqual(['server', 'rate_limit', 'server']);
    expect(notices[0]!.error.message).toBe('Anthropic server error (HTTP 529): Overloaded');
    expect(fake.requests).toHaveLength(4);
  });

  it('cancel mid-stream stops the request within 500 ms and is not retried', async () => {
    fake.script({ text: 'token '.repeat(200), tokenDelayMs: 20 });
    const controller = new AbortController();
    let abortedAt = 0;
    let texts = 0;
    const result = await collect(anthropic().stream(ask, controller.signal), (chunk) => {
      if (chunk.type === 'text' && ++texts === 3) {
        abortedAt = Date.now();
        controller.abort();
      }
    });
    expect(result.error).toMatchObject({ kind: 'cancelled' });
    expect((await fake.ended(0, 500)).aborted).toBe(true);
    expect(fake.requests[0]!.endedAt! - abortedAt).toBeLessThan(500);
    expect(fake.requests).toHaveLength(1);
  });

  it('a hang after the headers is abandoned after the idle timeout', async () => {
    fake.script({ hang: true });
    const result = await collect(anthropic({ retry: false, timeouts: { idleMs: 120 } }).stream(ask, never()));
    expect(result.error).toMatchObject({ kind: 'timeout' });
    expect((result.error as Error).message).toBe('Anthropic sent nothing for 120 ms; the request was abandoned');
    expect((await fake.ended(0, 500)).aborted).toBe(true);
  });

  it('a stream cut mid-answer surfaces as a connection error after the partial text', async () => {
    fake.script({ text: 'one two three four', tokenDelayMs: 20, dropAfterTokens: 2 }, { text: 'second' });
    const result = await collect(anthropic().stream(ask, never()));
    expect(result.text).toBe('one two ');
    expect(result.error).toMatchObject({ kind: 'connection' });
    expect(fake.requests).toHaveLength(1);
  });
});
