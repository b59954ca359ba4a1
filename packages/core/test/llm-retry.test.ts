import { describe, expect, it } from '@jest/globals';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  InternalServerError,
} from 'openai';
import {
  type CompletionRequest,
  DEFAULT_RETRY_POLICY,
  type LlmClient,
  LlmError,
  RetryingLlmClient,
  type RetryNotice,
  retryAfterMs,
  retryDelayMs,
  type StreamChunk,
  toLlmError,
  withRetry,
} from '../src/index.ts';
import { collect, never } from './llm-helpers.ts';

type Step = StreamChunk[] | { chunks?: StreamChunk[]; error: LlmError | Error };

/** A client that plays one step per call: a full answer, or some chunks then an error. */
function scripted(steps: Step[]): LlmClient & { calls: number } {
  const client = {
    provider: 'openai' as const,
    calls: 0,
    async *stream(_request: CompletionRequest, _signal: AbortSignal): AsyncGenerator<StreamChunk> {
      const step = steps[client.calls++];
      if (!step) throw new Error('no more steps');
      if (Array.isArray(step)) {
        yield* step;
        return;
      }
      yield* step.chunks ?? [];
      throw step.error;
    },
  };
  return client;
}

const request: CompletionRequest = { model: 'm', messages: [] };
const answer: StreamChunk[] = [
  { type: 'text', text: 'hi' },
  { type: 'finish', finish_reason: 'stop' },
];
const fast = { policy: { baseDelayMs: 1, maxDelayMs: 50 } };

describe('retryDelayMs', () => {
  const policy = { ...DEFAULT_RETRY_POLICY };
  const server = new LlmError('boom', 'server', 500);

  it('doubles from the base delay with ± jitter, capped', () => {
    expect(retryDelayMs(1, server, policy, () => 0.5)).toBe(1000);
    expect(retryDelayMs(2, server, policy, () => 0.5)).toBe(2000);
    expect(retryDelayMs(3, server, policy, () => 0.5)).toBe(4000);
    expect(retryDelayMs(1, server, policy, () => 0)).toBe(750);
    expect(retryDelayMs(1, server, policy, () => 1)).toBe(1250);
    expect(retryDelayMs(10, server, policy, () => 1)).toBe(30_000);
  });

  it("uses the provider's retry-after instead, capped at the max delay", () => {
    expect(retryDelayMs(1, new LlmError('slow down', 'rate_limit', 429, 7000), policy)).toBe(7000);
    expect(retryDelayMs(1, new LlmError('slow down', 'rate_limit', 429, 120_000), policy)).toBe(30_000);
  });
});

describe('RetryingLlmClient', () => {
  it('retries transient errors before the first chunk, then passes the answer through', async () => {
    const inner = scripted([
      { error: new LlmError('limited', 'rate_limit', 429, 0) },
      { error: new LlmError('down', 'server', 503) },
      { error: new LlmError('slow', 'timeout') },
      { error: new LlmError('reset', 'connection') },
      answer,
    ]);
    const notices: RetryNotice[] = [];
    const client = withRetry(inner, { policy: { ...fast.policy, maxAttempts: 5 }, onRetry: (n) => notices.push(n) });
    expect(client.provider).toBe('openai');
    const result = await collect(client.stream(request, never()));
    expect(result.chunks).toEqual(answer);
    expect(inner.calls).toBe(5);
    expect(notices.map((n) => [n.attempt, n.error.kind])).toEqual([
      [1, 'rate_limit'],
      [2, 'server'],
      [3, 'timeout'],
      [4, 'connection'],
    ]);
  });

  it('never retries auth, bad requests or cancellations', async () => {
    for (const kind of ['auth', 'bad_request', 'cancelled'] as const) {
      const inner = scripted([{ error: new LlmError(kind, kind) }, answer]);
      const result = await collect(withRetry(inner, fast).stream(request, never()));
      expect(result.error).toMatchObject({ kind });
      expect(inner.calls).toBe(1);
    }
    const bug = scripted([{ error: new TypeError('a bug, not a provider failure') }, answer]);
    expect((await collect(withRetry(bug, fast).stream(request, never()))).error).toBeInstanceOf(TypeError);
    expect(bug.calls).toBe(1);
  });

  it('never retries once a chunk reached the caller', async () => {
    const inner = scripted([{ chunks: [{ type: 'text', text: 'half' }], error: new LlmError('reset', 'connection') }]);
    const result = await collect(withRetry(inner, fast).stream(request, never()));
    expect(result.text).toBe('half');
    expect(result.error).toMatchObject({ kind: 'connection', message: 'reset' });
    expect(inner.calls).toBe(1);
  });

  it('gives up after maxAttempts, saying so; a single attempt keeps the original error', async () => {
    const failing = () => scripted(Array.from({ length: 5 }, () => ({ error: new LlmError('down', 'server', 500) })));
    const three = failing();
    const result = await collect(
      new RetryingLlmClient(three, { policy: { ...fast.policy, maxAttempts: 3 } }).stream(request, never()),
    );
    expect(result.error).toMatchObject({ kind: 'server', status: 500, message: 'down (gave up after 3 attempts)' });
    expect(three.calls).toBe(3);
    const one = failing();
    const single = await collect(withRetry(one, { policy: { maxAttempts: 1 } }).stream(request, never()));
    expect(single.error).toMatchObject({ message: 'down' });
    expect(one.calls).toBe(1);
  });

  it('a cancel during the backoff wait ends it at once as cancelled', async () => {
    const inner = scripted([{ error: new LlmError('limited', 'rate_limit', 429, 10_000) }, answer]);
    const controller = new AbortController();
    const client = withRetry(inner, { policy: { maxDelayMs: 60_000 }, onRetry: () => controller.abort() });
    const started = Date.now();
    const result = await collect(client.stream(request, controller.signal));
    expect(result.error).toMatchObject({ kind: 'cancelled' });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(inner.calls).toBe(1);
  });
});

describe('provider error mapping', () => {
  const classes = { APIError, APIUserAbortError, APIConnectionError, APIConnectionTimeoutError };
  const ctx = { provider: 'openai' as const, baseUrl: 'https://api.openai.com/v1', apiKey: 'sk-secret-value-123' };
  const headers = (h: Record<string, string>) => new Headers(h);

  it('reads retry-after-ms, retry-after seconds and HTTP dates', () => {
    expect(retryAfterMs(headers({ 'retry-after-ms': '250' }))).toBe(250);
    expect(retryAfterMs(headers({ 'retry-after': '3' }))).toBe(3000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs(headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), now)).toBe(5000);
    expect(retryAfterMs(headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterMs(headers({ 'retry-after': '-1' }))).toBeUndefined();
    expect(retryAfterMs(headers({}))).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });

  it('maps statuses and SDK classes to kinds with messages that never hold the key', () => {
    const auth = toLlmError(
      new AuthenticationError(401, { message: 'bad key sk-secret-value-123' }, undefined, headers({})),
      classes,
      ctx,
    );
    expect(auth).toMatchObject({ kind: 'auth', status: 401 });
    expect(auth.message).toBe('OpenAI rejected the API key (from the configured key) (HTTP 401): bad key ***');
    const limited = toLlmError(
      APIError.generate(429, { error: { message: 'slow' } }, undefined, headers({ 'retry-after': '2' })),
      classes,
      ctx,
    );
    expect(limited).toMatchObject({ kind: 'rate_limit', retryAfterMs: 2000 });
    expect(toLlmError(APIError.generate(408, {}, 'timeout', headers({})), classes, ctx)).toMatchObject({
      kind: 'timeout',
    });
    expect(toLlmError(new InternalServerError(502, undefined, 'bad gateway', headers({})), classes, ctx).kind).toBe(
      'server',
    );
    // An error event inside a stream has no status.
    expect(
      toLlmError(new APIError(undefined, { message: 'overloaded' }, undefined, undefined), classes, ctx),
    ).toMatchObject({ kind: 'server', message: 'OpenAI server error: overloaded' });
    expect(toLlmError(new APIUserAbortError(), classes, ctx).kind).toBe('cancelled');
    expect(toLlmError(new APIConnectionTimeoutError(), classes, ctx).kind).toBe('timeout');
    const plain = toLlmError(new Error('socket hang up sk-secret-value-123'), classes, ctx);
    expect(plain).toMatchObject({ kind: 'connection', message: 'OpenAI request failed: Error: socket hang up ***' });
    const same = new LlmError('x', 'server');
    expect(toLlmError(same, classes, ctx)).toBe(same);
  });

  it('names the compatible server by URL and classifies Anthropic error types without a status', () => {
    const compat = { ...ctx, provider: 'openai_compatible' as const, baseUrl: 'http://localhost:11434/v1' };
    const error = toLlmError(
      new APIError(
        undefined,
        { type: 'error', error: { type: 'rate_limit_error', message: 'later' } },
        undefined,
        undefined,
      ),
      classes,
      compat,
    );
    expect(error).toMatchObject({
      kind: 'rate_limit',
      message: 'The OpenAI-compatible server at http://localhost:11434/v1 rate limit reached: later',
    });
  });
});
