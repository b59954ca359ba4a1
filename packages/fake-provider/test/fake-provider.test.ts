import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type FakeProvider, splitText, startFakeProvider } from '../src/index.ts';

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

interface SseFrame {
  event?: string;
  data: string;
}

function parseSse(text: string): SseFrame[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const frame: SseFrame = { data: '' };
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) frame.event = line.slice(7);
        if (line.startsWith('data: ')) frame.data += line.slice(6);
      }
      return frame;
    });
}

const post = (path: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal) =>
  fetch(`${fake.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal,
  });

/** Parsed JSON body, loosely typed for assertions. */
const json = async (res: Response | Promise<Response>) => JSON.parse(await (await res).text());

describe('OpenAI chat completions', () => {
  it('streams text token by token, then finish_reason, usage and [DONE]; records the request', async () => {
    fake.script({ text: 'Hello there, world', usage: { input_tokens: 7, output_tokens: 3 } });
    const res = await post(
      '/v1/chat/completions',
      {
        model: 'gpt-5',
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: 'hi' }],
      },
      { authorization: 'Bearer sk-test-123456' },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const frames = parseSse(await res.text());
    expect(frames.at(-1)?.data).toBe('[DONE]');
    const chunks = frames.slice(0, -1).map((f) => JSON.parse(f.data));
    expect(chunks[0]).toMatchObject({ object: 'chat.completion.chunk', model: 'gpt-5', usage: null });
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    const texts = chunks.flatMap((c) => c.choices.map((ch: { delta: { content?: string } }) => ch.delta.content ?? ''));
    expect(texts.filter((t) => t !== '')).toEqual(['Hello ', 'there, ', 'world']);
    expect(chunks.at(-2).choices[0].finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: {
        prompt_tokens: 7,
        completion_tokens: 3,
        total_tokens: 10,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({
      api: 'openai',
      path: '/v1/chat/completions',
      stream: true,
      completed: true,
      aborted: false,
      body: { model: 'gpt-5', messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(fake.requests[0]!.headers.authorization).toBe('Bearer sk-test-123456');
  });

  it('streams parallel tool calls (interleaved) with id, name and argument pieces, and reasoning_content', async () => {
    fake.script({
      thinking: 'Let me think',
      toolCalls: [
        { name: 'get_weather', arguments: { city: 'Paris' }, chunks: 2 },
        { id: 'call_b', name: 'get_time', arguments: { tz: 'UTC' }, chunks: 2 },
      ],
      interleaveToolCalls: true,
    });
    const res = await post('/v1/chat/completions', { model: 'deepseek-reasoner', stream: true, messages: [] });
    const chunks = parseSse(await res.text())
      .slice(0, -1)
      .map((f) => JSON.parse(f.data));
    expect(chunks[0].usage).toBeUndefined(); // no include_usage → no usage field at all
    const deltas = chunks.map((c) => c.choices[0]?.delta);
    expect(
      deltas
        .map((d) => d.reasoning_content)
        .filter(Boolean)
        .join(''),
    ).toBe('Let me think');
    const toolDeltas = deltas.flatMap((d) => d.tool_calls ?? []);
    expect(toolDeltas.map((t: { index: number }) => t.index)).toEqual([0, 1, 0, 1]);
    expect(toolDeltas[0]).toMatchObject({ index: 0, type: 'function', function: { name: 'get_weather' } });
    expect(toolDeltas[0].id).toMatch(/^call_/);
    expect(toolDeltas[1]).toMatchObject({ index: 1, id: 'call_b', function: { name: 'get_time' } });
    expect(toolDeltas[2].id).toBeUndefined();
    const args = (i: number) =>
      toolDeltas
        .filter((t: { index: number }) => t.index === i)
        .map((t: { function: { arguments: string } }) => t.function.arguments)
        .join('');
    expect(JSON.parse(args(0))).toEqual({ city: 'Paris' });
    expect(JSON.parse(args(1))).toEqual({ tz: 'UTC' });
    expect(chunks.at(-1).choices[0].finish_reason).toBe('tool_calls');
  });

  it('answers non-streaming requests with a chat.completion', async () => {
    fake.script(
      { text: 'Plain answer', finishReason: 'max_tokens' },
      { toolCalls: [{ name: 'f', arguments: '{"a":1}' }] },
    );
    const first = await json(post('/v1/chat/completions', { model: 'm', messages: [] }));
    expect(first).toMatchObject({
      object: 'chat.completion',
      choices: [{ message: { role: 'assistant', content: 'Plain answer' }, finish_reason: 'length' }],
      usage: { completion_tokens: 2 },
    });
    const second = await json(post('/chat/completions', { model: 'm', messages: [] }));
    expect(second.choices[0]).toMatchObject({
      message: { content: null, tool_calls: [{ type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] },
      finish_reason: 'tool_calls',
    });
  });

  it('answers errors with the real error body, masking the key, and retry-after', async () => {
    fake.script({ error: 401 }, { error: 429, retryAfter: 2 }, { error: 500 }, { error: 403 }, { error: 422 });
    const auth = await post(
      '/v1/chat/completions',
      { model: 'm', messages: [] },
      { authorization: 'Bearer sk-wrong-key-1' },
    );
    expect(auth.status).toBe(401);
    const authBody = await json(auth);
    expect(authBody.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_api_key' });
    expect(authBody.error.message).toContain('Incorrect API key provided: sk-***ey-1');
    const limited = await post('/v1/chat/completions', { model: 'm', messages: [] });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect((await json(limited)).error.code).toBe('rate_limit_exceeded');
    const server = await post('/v1/chat/completions', { model: 'm', messages: [] });
    expect(server.status).toBe(500);
    expect((await json(server)).error.type).toBe('server_error');
    expect((await post('/v1/chat/completions', { model: 'm', messages: [] })).status).toBe(403);
    expect((await post('/v1/chat/completions', { model: 'm', messages: [] })).status).toBe(422);
  });
});

describe('usage in both formats', () => {
  const usage = { input_tokens: 1000, output_tokens: 200, cached_tokens: 600, reasoning_tokens: 50 };

  it('OpenAI: cached tokens in prompt_tokens_details, reasoning in completion_tokens_details', async () => {
    fake.script({ text: 'ok', usage });
    const res = await post('/v1/chat/completions', {
      model: 'gpt-5',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'hi' }],
    });
    const frames = parseSse(await res.text());
    expect(JSON.parse(frames.at(-2)!.data).usage).toMatchObject({
      prompt_tokens: 1000,
      completion_tokens: 200,
      total_tokens: 1200,
      prompt_tokens_details: { cached_tokens: 600 },
      completion_tokens_details: { reasoning_tokens: 50 },
    });
  });

  it('Anthropic: cache reads apart from input_tokens, as the Messages API counts them', async () => {
    fake.script({ text: 'ok', usage }, { text: 'ok', usage });
    const headers = { 'anthropic-version': '2023-06-01' };
    const body = { model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] };
    const frames = parseSse(await (await post('/v1/messages', { ...body, stream: true }, headers)).text());
    expect(JSON.parse(frames[0]!.data).message.usage).toEqual({
      input_tokens: 400,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 600,
      output_tokens: 1,
    });
    expect(JSON.parse(frames.at(-2)!.data).usage).toEqual({ output_tokens: 200 });
    const whole = await json(post('/v1/messages', body, headers));
    expect(whole.usage).toEqual({
      input_tokens: 400,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 600,
      output_tokens: 200,
    });
  });
});

describe('Anthropic messages', () => {
  it('streams thinking, text and tool_use blocks as named events with stop_reason and usage', async () => {
    fake.script({
      thinking: 'Hmm, weather',
      text: 'Checking now',
      toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' }, chunks: 3 }],
      usage: { input_tokens: 11, output_tokens: 9 },
    });
    const res = await post(
      '/v1/messages',
      { model: 'claude-haiku-4-5', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'hi' }] },
      { 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01' },
    );
    const frames = parseSse(await res.text());
    const events = frames.map((f) => f.event);
    expect(events[0]).toBe('message_start');
    expect(events[1]).toBe('ping');
    expect(events.at(-2)).toBe('message_delta');
    expect(events.at(-1)).toBe('message_stop');
    const data = frames.map((f) => JSON.parse(f.data));
    for (const [i, d] of data.entries()) expect(d.type).toBe(events[i]);
    expect(data[0].message).toMatchObject({
      role: 'assistant',
      model: 'claude-haiku-4-5',
      usage: { input_tokens: 11 },
    });
    const starts = data.filter((d) => d.type === 'content_block_start');
    expect(starts.map((s) => [s.index, s.content_block.type])).toEqual([
      [0, 'thinking'],
      [1, 'text'],
      [2, 'tool_use'],
    ]);
    expect(starts[2].content_block).toMatchObject({ name: 'get_weather', input: {} });
    expect(starts[2].content_block.id).toMatch(/^toolu_/);
    const deltas = data.filter((d) => d.type === 'content_block_delta');
    const joined = (type: string, field: string) =>
      deltas
        .filter((d) => d.delta.type === type)
        .map((d) => d.delta[field])
        .join('');
    expect(joined('thinking_delta', 'thinking')).toBe('Hmm, weather');
    expect(deltas.some((d) => d.delta.type === 'signature_delta')).toBe(true);
    expect(joined('text_delta', 'text')).toBe('Checking now');
    expect(JSON.parse(joined('input_json_delta', 'partial_json'))).toEqual({ city: 'Oslo' });
    expect(data.filter((d) => d.type === 'content_block_stop').map((d) => d.index)).toEqual([0, 1, 2]);
    expect(data.at(-2)).toMatchObject({ delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 9 } });
    expect(fake.requests[0]).toMatchObject({ api: 'anthropic', stream: true, completed: true });
    expect(fake.requests[0]!.headers['x-api-key']).toBe('sk-ant-test');
  });

  it('answers non-streaming requests and errors in the Anthropic shapes', async () => {
    fake.script(
      { text: 'Done.', thinking: 'ok', toolCalls: [{ id: 'toolu_x', name: 'f', arguments: { a: 1 } }] },
      { error: 401 },
      { error: 401 },
      { error: 529 },
      { error: 429, retryAfter: 1 },
      { error: 500 },
      { error: 403 },
      { error: 404 },
      { error: 400, message: 'messages: field required' },
    );
    const ok = await json(post('/v1/messages', { model: 'claude-haiku-4-5', messages: [] }));
    expect(ok).toMatchObject({
      type: 'message',
      content: [
        { type: 'thinking', thinking: 'ok' },
        { type: 'text', text: 'Done.' },
        { type: 'tool_use', id: 'toolu_x', name: 'f', input: { a: 1 } },
      ],
      stop_reason: 'tool_use',
    });
    const byKey = await post('/v1/messages', { messages: [] }, { 'x-api-key': 'bad' });
    expect(byKey.status).toBe(401);
    expect(await json(byKey)).toMatchObject({
      type: 'error',
      error: { type: 'authentication_error', message: 'invalid x-api-key' },
    });
    const byToken = await post('/v1/messages', { messages: [] }, { authorization: 'Bearer sk-ant-oat-x' });
    expect((await json(byToken)).error.message).toBe('Invalid bearer token');
    expect((await json(post('/v1/messages', {}))).error.type).toBe('overloaded_error');
    const limited = await post('/v1/messages', {});
    expect(limited.headers.get('retry-after')).toBe('1');
    expect((await json(limited)).error.type).toBe('rate_limit_error');
    expect((await json(post('/v1/messages', {}))).error.type).toBe('api_error');
    expect((await json(post('/v1/messages', {}))).error.type).toBe('permission_error');
    expect((await json(post('/v1/messages', {}))).error.type).toBe('not_found_error');
    expect((await json(post('/v1/messages', {}))).error.message).toBe('messages: field required');
  });
});

describe('failures and timing', () => {
  it('a hang sends headers then nothing; the client abort is recorded', async () => {
    fake.script({ hang: true });
    const controller = new AbortController();
    const res = await post('/v1/messages', { stream: true, messages: [] }, {}, controller.signal);
    expect(res.status).toBe(200);
    const reading = res.text();
    // The subject is a window in which nothing arrives and the request stays open.
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.requests[0]).toMatchObject({ aborted: false, completed: false });
    controller.abort();
    await expect(reading).rejects.toThrow();
    expect((await fake.ended(0, 2000)).aborted).toBe(true);
    expect(fake.requests[0]!.completed).toBe(false);
  });

  it('drops the connection mid-stream, delays the first byte and paces tokens', async () => {
    fake.script({ text: 'one two three four', dropAfterTokens: 2 }, { text: 'a b c', delayMs: 60, tokenDelayMs: 20 });
    const dropped = await post('/v1/chat/completions', { stream: true, messages: [] });
    await expect(dropped.text()).rejects.toThrow();
    await fake.ended(0);
    expect(fake.requests[0]).toMatchObject({ dropped: true, aborted: false, completed: false });

    const started = Date.now();
    const slow = await post('/v1/chat/completions', { stream: true, messages: [] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
    await slow.text();
    expect(Date.now() - started).toBeGreaterThanOrEqual(55 + 3 * 18);
  });

  it('falls back when the script is empty, and rejects unknown routes and bad bodies', async () => {
    const empty = await post('/v1/chat/completions', { messages: [] });
    expect(empty.status).toBe(400);
    expect((await json(empty)).error.message).toMatch(/no scripted reply/);
    const notFound = await fetch(`${fake.url}/v1/embeddings`);
    expect(notFound.status).toBe(404);
    const bad = await post('/v1/messages', 'not json');
    expect(bad.status).toBe(400);
    expect(fake.pending()).toBe(0);
    expect(fake.env()).toEqual({
      OPENAI_BASE_URL: `${fake.url}/v1`,
      ANTHROPIC_BASE_URL: fake.url,
      DEEPSEEK_BASE_URL: `${fake.url}/v1`,
      OPENAI_COMPATIBLE_BASE_URL: `${fake.url}/v1`,
    });
  });

  it('uses a custom fallback reply', async () => {
    const other = await startFakeProvider({ fallback: { text: 'always' } });
    try {
      const res = await fetch(`${other.openaiBaseUrl}/chat/completions`, {
        method: 'POST',
        body: JSON.stringify({ messages: [] }),
      });
      expect((await json(res)).choices[0].message.content).toBe('always');
    } finally {
      await other.close();
    }
  });
});

describe('replies per caller, held replies', () => {
  it('scriptFor: matching requests take their own replies first, whatever order they arrive in', async () => {
    const bySystem = (name: string) => (body: Record<string, unknown>) => body.system === name;
    fake.scriptFor(bySystem('b'), { text: 'for b' });
    fake.scriptFor(bySystem('a'), { text: 'for a' });
    fake.script({ text: 'shared' });
    expect(fake.pending()).toBe(3);
    const answer = async (system?: string) =>
      (await json(post('/v1/messages', { ...(system ? { system } : {}), messages: [] }))).content[0].text;
    expect(await answer('a')).toBe('for a');
    expect(await answer('c')).toBe('shared');
    expect(await answer('b')).toBe('for b');
    expect(fake.pending()).toBe(0);
  });

  it('holdUntil: responses wait for release; received() resolves once the requests have arrived', async () => {
    fake.script({ text: 'one', holdUntil: 'gate' }, { text: 'two', holdUntil: 'gate' });
    const first = json(post('/v1/messages', { messages: [] }));
    const second = json(post('/v1/messages', { messages: [] }));
    const arrived = await fake.received(2, 5000);
    expect(arrived.map((request) => request.endedAt)).toEqual([undefined, undefined]);
    fake.release('gate');
    expect([(await first).content[0].text, (await second).content[0].text]).toEqual(['one', 'two']);
    // Once released, a later hold on the same name passes at once.
    fake.script({ text: 'three', holdUntil: 'gate' });
    expect((await json(post('/v1/messages', { messages: [] }))).content[0].text).toBe('three');
    await expect(fake.received(9, 50)).rejects.toThrow(/9 requests had not arrived \(3 did\) within 50 ms/);
  });

  it('a held response the client gives up on is recorded as aborted', async () => {
    fake.script({ text: 'never', holdUntil: 'closed-gate' });
    const controller = new AbortController();
    const pending = post('/v1/messages', { messages: [] }, {}, controller.signal);
    await fake.received(1);
    controller.abort();
    await expect(pending).rejects.toThrow();
    expect((await fake.ended(0, 2000)).aborted).toBe(true);
  });
});

describe('splitText', () => {
  it('splits by words by default, into N pieces, or takes exact pieces', () => {
    expect(splitText('a bc  d', undefined)).toEqual(['a ', 'bc  ', 'd']);
    expect(splitText('abcdef', 3)).toEqual(['ab', 'cd', 'ef']);
    expect(splitText('abc', 10)).toEqual(['a', 'b', 'c']);
    expect(splitText('x', ['p', 'q'])).toEqual(['p', 'q']);
    expect(splitText('', 4)).toEqual([]);
  });
});

describe('GET /v1/models', () => {
  it('lists in OpenAI’s format, or Anthropic’s when asked with anthropic-version; consumes no scripted reply', async () => {
    const fake = await startFakeProvider({ models: { openai: ['m-1', 'm-2'] } });
    try {
      fake.script({ text: 'kept for the next chat request' });
      const openai = (await (await fetch(`${fake.openaiBaseUrl}/models`)).json()) as {
        object: string;
        data: unknown[];
      };
      expect(openai).toEqual({
        object: 'list',
        data: [
          { id: 'm-1', object: 'model', created: expect.any(Number), owned_by: 'fake-provider' },
          { id: 'm-2', object: 'model', created: expect.any(Number), owned_by: 'fake-provider' },
        ],
      });
      const anthropic = await fetch(`${fake.url}/v1/models?limit=1`, {
        headers: { 'anthropic-version': '2023-06-01' },
      });
      expect(await anthropic.json()).toMatchObject({
        data: [{ type: 'model', id: 'claude-sonnet-5-5', display_name: 'claude-sonnet-5-5' }],
        has_more: true,
        first_id: 'claude-sonnet-5-5',
        last_id: 'claude-sonnet-5-5',
      });
      fake.setModels('openai', { error: 401 });
      expect((await fetch(`${fake.openaiBaseUrl}/models`)).status).toBe(401);
      expect(fake.modelRequests.map((r) => r.api)).toEqual(['openai', 'anthropic', 'openai']);
      expect([fake.pending(), fake.requests.length]).toEqual([1, 0]);
    } finally {
      await fake.close();
    }
  });
});
