import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type FakeProvider, startFakeProvider } from '@restflow/fake-provider';
import { createLlmClientFactory, type LlmClientFactoryOptions, LlmError, type RetryNotice } from '../src/index.ts';
// Not exported from the package: the SDK modules stay out of its static imports (llm/lazy-client.ts).
import { OpenAiClient, toOpenAiMessages } from '../src/llm/openai-client.ts';
import { collect, never, reassembleToolCalls } from './llm-helpers.ts';

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const KEY = 'sk-test-openai-0123456789';
const fast = { policy: { baseDelayMs: 5, maxDelayMs: 2000 } };
const factory = (options: LlmClientFactoryOptions = {}) =>
  createLlmClientFactory({ env: fake.env(), retry: fast, ...options });
const openai = (options?: LlmClientFactoryOptions) =>
  factory(options).create({ provider: 'openai', apiKey: KEY, keySource: 'secret OPENAI_API_KEY' });
const ask = { model: 'gpt-5', messages: [{ role: 'user' as const, content: 'hi' }] };

describe('OpenAI client — streaming', () => {
  it('streams text token by token: several text chunks arrive well before the stream ends', async () => {
    fake.script({ text: 'one two three four five', tokenDelayMs: 25, usage: { input_tokens: 12, output_tokens: 5 } });
    const result = await collect(openai().stream(ask, never()));
    expect(result.error).toBeUndefined();
    const texts = result.seen.filter((s) => s.chunk.type === 'text');
    expect(texts.map((s) => s.chunk)).toEqual(
      ['one ', 'two ', 'three ', 'four ', 'five'].map((text) => ({ type: 'text', text })),
    );
    const end = result.seen.at(-1)!;
    // The first token reached us while the provider was still producing the other four.
    expect(end.at - texts[0]!.at).toBeGreaterThanOrEqual(4 * 25 - 15);
    expect(result.chunks.slice(-2)).toEqual([
      {
        type: 'usage',
        usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17, cached_tokens: 0, reasoning_tokens: 0 },
      },
      { type: 'finish', finish_reason: 'stop' },
    ]);
    const [request] = fake.requests;
    expect(request).toMatchObject({
      api: 'openai',
      path: '/v1/chat/completions',
      stream: true,
      completed: true,
      body: { model: 'gpt-5', stream: true, stream_options: { include_usage: true } },
    });
    expect(request!.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('reports cached and reasoning tokens from the usage details the provider streams', async () => {
    fake.script({
      text: 'thought about it',
      usage: { input_tokens: 900, output_tokens: 120, cached_tokens: 640, reasoning_tokens: 80 },
    });
    const result = await collect(openai().stream(ask, never()));
    expect(result.chunks.find((c) => c.type === 'usage')).toEqual({
      type: 'usage',
      usage: {
        prompt_tokens: 900,
        completion_tokens: 120,
        total_tokens: 1020,
        cached_tokens: 640,
        reasoning_tokens: 80,
      },
    });
  });

  it('sends messages, tools, temperature and the right max-tokens field per provider', async () => {
    fake.script({ text: 'a' }, { text: 'b' });
    const request = {
      model: 'gpt-5',
      messages: [
        { role: 'system' as const, content: 'Be brief.' },
        { role: 'user' as const, content: 'Weather?' },
        {
          role: 'assistant' as const,
          content: '',
          tool_calls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
        },
        { role: 'tool' as const, content: '{"temp":21}', tool_call_id: 'call_1', name: 'get_weather' },
        { role: 'assistant' as const, content: 'It is 21.' },
      ],
      tools: [
        {
          name: 'get_weather',
          description: 'Weather of a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } } },
        },
      ],
      temperature: 0.3,
      max_tokens: 256,
    };
    await collect(openai().stream(request, never()));
    await collect(factory().create({ provider: 'deepseek', apiKey: KEY }).stream(request, never()));
    const [toOpenAi, toDeepSeek] = fake.requests.map((r) => r.body);
    expect(toOpenAi).toMatchObject({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '{"temp":21}' },
        { role: 'assistant', content: 'It is 21.' },
      ],
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', description: 'Weather of a city', parameters: request.tools[0]!.parameters },
        },
      ],
      temperature: 0.3,
      max_completion_tokens: 256,
    });
    expect(toOpenAi!.max_tokens).toBeUndefined();
    expect(toDeepSeek).toMatchObject({ max_tokens: 256 });
    expect(toDeepSeek!.max_completion_tokens).toBeUndefined();
    // No tools, no temperature, no max tokens → none of those fields at all.
    const bare = new OpenAiClient({
      provider: 'openai',
      apiKey: KEY,
      baseUrl: fake.openaiBaseUrl,
      requestTimeoutMs: 1000,
      idleTimeoutMs: 1000,
    }).buildParams(ask);
    expect(Object.keys(bare).sort()).toEqual(['messages', 'model', 'stream', 'stream_options']);
  });

  it('reassembles parallel tool calls from interleaved deltas', async () => {
    fake.script({
      text: 'Checking.',
      toolCalls: [
        { name: 'get_weather', arguments: { city: 'Paris', unit: 'c' }, chunks: 4 },
        { id: 'call_time', name: 'get_time', arguments: { tz: 'Europe/Paris' }, chunks: 3 },
        { name: 'no_args', arguments: {} },
      ],
      interleaveToolCalls: true,
    });
    const result = await collect(openai().stream(ask, never()));
    expect(result.text).toBe('Checking.');
    const indexes = result.chunks.flatMap((c) => (c.type === 'tool_call_delta' ? [c.index] : []));
    expect(indexes.slice(0, 3)).toEqual([0, 1, 2]); // interleaved: each call opens before the first finishes
    const calls = reassembleToolCalls(result.chunks);
    expect(calls).toEqual([
      { id: expect.stringMatching(/^call_/), name: 'get_weather', arguments: { city: 'Paris', unit: 'c' } },
      { id: 'call_time', name: 'get_time', arguments: { tz: 'Europe/Paris' } },
      { id: expect.stringMatching(/^call_/), name: 'no_args', arguments: {} },
    ]);
    expect(result.chunks.at(-1)).toEqual({ type: 'finish', finish_reason: 'tool_calls' });
  });

  it('maps length to max_tokens and DeepSeek reasoning_content to thinking', async () => {
    fake.script({ thinking: 'First, think.', text: 'Trunc', finishReason: 'max_tokens' });
    const client = factory().create({ provider: 'deepseek', apiKey: KEY });
    expect(client.provider).toBe('deepseek');
    const result = await collect(client.stream({ ...ask, model: 'deepseek-reasoner' }, never()));
    expect(result.thinking).toBe('First, think.');
    expect(result.text).toBe('Trunc');
    expect(result.chunks.at(-1)).toEqual({ type: 'finish', finish_reason: 'max_tokens' });
  });

  it('converts assistant messages without tool calls as plain content', () => {
    expect(toOpenAiMessages([{ role: 'tool', content: 'x' }])).toEqual([
      { role: 'tool', tool_call_id: '', content: 'x' },
    ]);
    expect(
      toOpenAiMessages([{ role: 'assistant', content: 'Sure', tool_calls: [{ id: 'c', name: 'f', arguments: '{}' }] }]),
    ).toEqual([
      {
        role: 'assistant',
        content: 'Sure',
        tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }],
      },
    ]);
  });
});

describe('OpenAI client — cancellation and timeouts', () => {
  it('cancel mid-stream stops the HTTP request within 500 ms', async () => {
    fake.script({ text: 'word '.repeat(200), tokenDelayMs: 20 });
    const controller = new AbortController();
    let abortedAt = 0;
    let texts = 0;
    const result = await collect(openai().stream(ask, controller.signal), (chunk) => {
      if (chunk.type === 'text' && ++texts === 3) {
        abortedAt = Date.now();
        controller.abort();
      }
    });
    expect(result.error).toBeInstanceOf(LlmError);
    expect(result.error).toMatchObject({ kind: 'cancelled', retryable: false });
    expect(result.text.length).toBeGreaterThan(0);
    expect((await fake.ended(0, 500)).aborted).toBe(true);
    expect(fake.requests[0]!.endedAt! - abortedAt).toBeLessThan(500);
    expect(fake.requests).toHaveLength(1); // a cancel is never retried
  });

  it('a reader that stops early aborts the request too', async () => {
    fake.script({ text: 'word '.repeat(100), tokenDelayMs: 10 });
    let count = 0;
    for await (const chunk of openai().stream(ask, never())) {
      if (chunk.type === 'text' && ++count === 2) break;
    }
    expect((await fake.ended(0, 500)).aborted).toBe(true);
  });

  it('an already aborted signal sends nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await collect(openai().stream(ask, controller.signal));
    expect(result.error).toMatchObject({ kind: 'cancelled' });
    expect(fake.requests).toHaveLength(0);
  });

  it('a provider that goes silent after the headers is abandoned after the idle timeout', async () => {
    fake.script({ hang: true });
    const started = Date.now();
    const result = await collect(openai({ retry: false, timeouts: { idleMs: 150 } }).stream(ask, never()));
    expect(result.error).toMatchObject({ kind: 'timeout' });
    expect((result.error as Error).message).toMatch(/OpenAI sent nothing for 150 ms/);
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await fake.ended(0, 500)).aborted).toBe(true);
  });

  it('a provider that never sends headers hits the request timeout', async () => {
    fake.script({ text: 'late', delayMs: 400 });
    const result = await collect(openai({ retry: false, timeouts: { requestMs: 100 } }).stream(ask, never()));
    expect(result.error).toMatchObject({ kind: 'timeout', retryable: true });
    expect((result.error as Error).message).toBe('OpenAI did not answer within 100 ms; the request was abandoned');
  });
});

describe('OpenAI client — errors and retries', () => {
  it('retries 429 and 5xx with backoff, honouring retry-after, then streams the answer', async () => {
    fake.script({ error: 429, retryAfter: 0 }, { error: 500 }, { error: 503 }, { text: 'finally ok' });
    const notices: RetryNotice[] = [];
    const client = openai({ retry: { ...fast, onRetry: (n) => notices.push(n) } });
    const result = await collect(client.stream(ask, never()));
    expect(result.error).toBeUndefined();
    expect(result.text).toBe('finally ok');
    expect(fake.requests).toHaveLength(4);
    expect(notices.map((n) => [n.attempt, n.error.kind, n.error.status])).toEqual([
      [1, 'rate_limit', 429],
      [2, 'server', 500],
      [3, 'server', 503],
    ]);
    expect(notices[0]!.delayMs).toBe(0); // retry-after: 0
    expect(notices[2]!.delayMs).toBeGreaterThan(notices[1]!.delayMs); // exponential
  });

  it('waits for the retry-after the provider asked for', async () => {
    fake.script({ error: 429, retryAfter: 1 }, { text: 'ok' });
    const started = Date.now();
    const result = await collect(openai().stream(ask, never()));
    expect(result.text).toBe('ok');
    expect(fake.requests[1]!.startedAt - started).toBeGreaterThanOrEqual(950);
  });

  it('a daemon can be tuned through env: attempts and backoff', async () => {
    fake.script({ error: 503 }, { error: 503 }, { text: 'not reached' });
    const env = { ...fake.env(), RESTFLOW_LLM_MAX_ATTEMPTS: '2', RESTFLOW_LLM_RETRY_BASE_MS: '1' };
    const client = createLlmClientFactory({ env }).create({ provider: 'openai', apiKey: KEY });
    const result = await collect(client.stream(ask, never()));
    expect((result.error as Error).message).toMatch(/gave up after 2 attempts/);
    expect(fake.requests).toHaveLength(2);
  });

  it('gives up after the configured attempts with the last error', async () => {
    fake.script({ error: 500 }, { error: 500 }, { error: 500 });
    const result = await collect(
      openai({ retry: { policy: { maxAttempts: 3, baseDelayMs: 1 } } }).stream(ask, never()),
    );
    expect(result.error).toMatchObject({ kind: 'server', status: 500 });
    expect((result.error as Error).message).toMatch(/OpenAI server error \(HTTP 500\).*gave up after 3 attempts/);
    expect(fake.requests).toHaveLength(3);
  });

  it('401 fails at once with a clear auth error naming the key source, never the key', async () => {
    fake.script({ error: 401 }, { text: 'not reached' });
    const result = await collect(openai().stream(ask, never()));
    const error = result.error as LlmError;
    expect(error).toBeInstanceOf(LlmError);
    expect(error).toMatchObject({ kind: 'auth', status: 401, retryable: false });
    expect(error.message).toMatch(
      /^OpenAI rejected the API key \(from secret OPENAI_API_KEY\) \(HTTP 401\): Incorrect/,
    );
    expect(error.message).not.toContain(KEY);
    expect(fake.requests).toHaveLength(1);
    expect(fake.pending()).toBe(1);
  });

  it('403 and 400 are not retried either', async () => {
    fake.script({ error: 403 }, { error: 400, message: `bad key ${KEY} in body` });
    const forbidden = await collect(openai().stream(ask, never()));
    expect(forbidden.error).toMatchObject({ kind: 'auth', status: 403 });
    expect((forbidden.error as Error).message).toMatch(/OpenAI refused the request made with the API key/);
    const bad = await collect(openai().stream(ask, never()));
    expect(bad.error).toMatchObject({ kind: 'bad_request', status: 400 });
    expect((bad.error as Error).message).toBe('OpenAI rejected the request (HTTP 400): bad key *** in body');
    expect(fake.requests).toHaveLength(2);
  });

  it('a stream cut after the first tokens is not retried, so the answer is never duplicated', async () => {
    fake.script({ text: 'alpha beta gamma delta', dropAfterTokens: 2, tokenDelayMs: 30 }, { text: 'second answer' });
    const result = await collect(openai().stream(ask, never()));
    expect(result.text).toBe('alpha beta ');
    expect(result.error).toBeInstanceOf(LlmError);
    expect((result.error as LlmError).retryable).toBe(true); // retryable in kind, yet not retried
    expect(fake.requests).toHaveLength(1);
    expect(fake.pending()).toBe(1);
  });

  it('an unreachable server is a connection error naming the URL', async () => {
    const gone = await startFakeProvider();
    await gone.close();
    const client = createLlmClientFactory({
      env: { OPENAI_COMPATIBLE_BASE_URL: gone.openaiBaseUrl },
      retry: { policy: { maxAttempts: 2, baseDelayMs: 1 } },
    }).create({ provider: 'openai_compatible', apiKey: 'not-needed' });
    const result = await collect(client.stream(ask, never()));
    expect(result.error).toMatchObject({ kind: 'connection' });
    expect((result.error as Error).message).toMatch(
      new RegExp(`^Cannot reach the OpenAI-compatible server at ${gone.openaiBaseUrl}: ECONNREFUSED`),
    );
    expect((result.error as Error).message).toMatch(/gave up after 2 attempts/);
  });
});

describe('OpenAI client — base URLs', () => {
  it('honours the env base URL, lets settings override it, and an explicit URL wins', async () => {
    fake.script({ text: 'via env' }, { text: 'via settings' }, { text: 'explicit' });
    const viaEnv = createLlmClientFactory({ env: { OPENAI_BASE_URL: fake.openaiBaseUrl } }).create({
      provider: 'openai',
      apiKey: KEY,
    });
    expect((await collect(viaEnv.stream(ask, never()))).text).toBe('via env');
    const dead = 'http://127.0.0.1:9/v1';
    const viaSettings = createLlmClientFactory({
      env: { OPENAI_BASE_URL: dead },
      settings: () => ({ openai: { base_url: fake.openaiBaseUrl } }),
    }).create({ provider: 'openai', apiKey: KEY });
    expect((await collect(viaSettings.stream(ask, never()))).text).toBe('via settings');
    const explicit = createLlmClientFactory({
      env: { OPENAI_BASE_URL: dead },
      settings: () => ({ openai: { base_url: dead } }),
    }).create({ provider: 'openai', apiKey: KEY, baseUrl: `${fake.openaiBaseUrl}/` });
    expect((await collect(explicit.stream(ask, never()))).text).toBe('explicit');
    expect(fake.requests.map((r) => r.path)).toEqual(Array(3).fill('/v1/chat/completions'));
  });

  it('sends OPENAI_ORG_ID / OPENAI_PROJECT_ID from the injected env to OpenAI only', async () => {
    fake.script({ text: 'a' }, { text: 'b' });
    const env = { ...fake.env(), OPENAI_ORG_ID: 'org-1', OPENAI_PROJECT_ID: 'proj-1' };
    await collect(createLlmClientFactory({ env }).create({ provider: 'openai', apiKey: KEY }).stream(ask, never()));
    await collect(createLlmClientFactory({ env }).create({ provider: 'deepseek', apiKey: KEY }).stream(ask, never()));
    expect(fake.requests[0]!.headers).toMatchObject({ 'openai-organization': 'org-1', 'openai-project': 'proj-1' });
    expect(fake.requests[1]!.headers['openai-organization']).toBeUndefined();
  });
});
