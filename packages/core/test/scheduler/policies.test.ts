// Pure policies on a ManualClock: backoff, which errors are transient, model cooldown, the sliding window.
import { describe, expect, it } from '@jest/globals';
import {
  abortableSleep,
  DEFAULT_TASK_RETRY_POLICY,
  isTransientError,
  LlmError,
  ManualClock,
  ModelChainError,
  ModelFailover,
  retryBackoffMs,
  SlidingWindowRateLimiter,
  UnavailableError,
} from '../../src/index.ts';

describe('retry backoff', () => {
  it('doubles from the initial delay, caps at the maximum, and jitters ±25 %', () => {
    const policy = DEFAULT_TASK_RETRY_POLICY;
    const middle = () => 0.5;
    expect([1, 2, 3, 4].map((n) => retryBackoffMs(n, policy, middle))).toEqual([60_000, 120_000, 240_000, 480_000]);
    expect(retryBackoffMs(10, policy, middle)).toBe(3_600_000);
    expect(retryBackoffMs(1, policy, () => 0)).toBe(45_000);
    expect(retryBackoffMs(1, policy, () => 1)).toBe(75_000);
    expect(retryBackoffMs(20, policy, () => 1)).toBe(3_600_000);
  });

  it('retries only transient errors', () => {
    const transient = [
      new LlmError('rate limited', 'rate_limit', 429),
      new LlmError('bad gateway', 'server', 502),
      new LlmError('timed out', 'timeout'),
      new LlmError('socket closed', 'connection'),
      Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
      new Error('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) }),
      new Error('Request timed out after 30s'),
      new Error('The server is overloaded, retry after 5s'),
      new Error('HTTP 503 from upstream'),
    ];
    const permanent = [
      new LlmError('invalid key', 'auth', 401),
      new LlmError('bad request', 'bad_request', 400),
      new LlmError('aborted', 'cancelled'),
      new UnavailableError('no API key configured for anthropic'),
      new Error('HTTP 401 unauthorized (timeout while reading body)'),
      new Error('HTTP 404 model not found'),
      new Error('tool exploded'),
      'a string',
    ];
    for (const error of transient) expect([String(error), isTransientError(error)]).toEqual([String(error), true]);
    for (const error of permanent) expect([String(error), isTransientError(error)]).toEqual([String(error), false]);
    const chain = new ModelChainError([
      { model: 'a', error: new LlmError('overloaded', 'server', 529) },
      { model: 'b', error: new UnavailableError('no key') },
    ]);
    expect(isTransientError(chain)).toBe(true);
    expect(chain.message).toBe('a: overloaded; b: no key');
  });

  it('sleeps until the delay or rejects with the abort reason', async () => {
    await expect(abortableSleep(5, new AbortController().signal)).resolves.toBeUndefined();
    const controller = new AbortController();
    const sleeping = abortableSleep(60_000, controller.signal);
    controller.abort('cancel');
    await expect(sleeping).rejects.toBe('cancel');
    await expect(abortableSleep(1, controller.signal)).rejects.toBe('cancel');
  });
});

describe('ModelFailover', () => {
  it('cools a model down for 5 minutes after 3 failures in a row; a success resets the count', () => {
    const clock = new ManualClock();
    const failover = new ModelFailover(clock);
    expect(failover.candidates('a', ['b', 'a', 'c'])).toEqual(['a', 'b', 'c']);
    failover.recordFailure('a');
    failover.recordFailure('a');
    failover.recordSuccess('a');
    failover.recordFailure('a');
    failover.recordFailure('a');
    expect(failover.inCooldown('a')).toBe(false);
    failover.recordFailure('a');
    expect(failover.inCooldown('a')).toBe(true);
    expect(failover.candidates('a', ['b'])).toEqual(['b']);
    clock.advance(299_999);
    expect(failover.candidates('a', ['b'])).toEqual(['b']);
    clock.advance(1);
    expect(failover.candidates('a', ['b'])).toEqual(['a', 'b']);
  });

  it('tries the primary when every model is cooling down', () => {
    const clock = new ManualClock();
    const failover = new ModelFailover(clock, { failureThreshold: 1, cooldownMs: 1000 });
    failover.recordFailure('a');
    failover.recordFailure('b');
    expect(failover.candidates('a', ['b'])).toEqual(['a']);
  });

  it('moves on after model errors only, and reports every model when all fail', async () => {
    const failover = new ModelFailover(new ManualClock());
    const seen: string[] = [];
    await expect(
      failover.run('a', ['b'], async (model) => {
        seen.push(model);
        throw new Error('a tool broke');
      }),
    ).rejects.toThrow('a tool broke');
    expect(seen).toEqual(['a']);

    const notices: string[] = [];
    const all = failover.run(
      'a',
      ['b'],
      async (model) => {
        throw new LlmError(`${model} down`, 'server', 500);
      },
      (from, to) => notices.push(`${from}->${to}`),
    );
    await expect(all).rejects.toBeInstanceOf(ModelChainError);
    await expect(all).rejects.toThrow('a: a down; b: b down');
    expect(notices).toEqual(['a->b']);

    const single = new ModelFailover(new ManualClock());
    await expect(
      single.run('only', [], async () => {
        throw new UnavailableError('no key');
      }),
    ).rejects.toBeInstanceOf(UnavailableError);
  });
});

describe('SlidingWindowRateLimiter', () => {
  it('allows `limit` requests in any 60 s window and says when the next one may come', () => {
    const clock = new ManualClock();
    const limiter = new SlidingWindowRateLimiter(clock);
    expect(limiter.take('t', 2).allowed).toBe(true);
    clock.advance(10_000);
    expect(limiter.take('t', 2).allowed).toBe(true);
    clock.advance(10_000);
    expect(limiter.take('t', 2)).toEqual({ allowed: false, retryAfterMs: 40_000 });
    expect(limiter.take('other', 2).allowed).toBe(true);
    clock.advance(40_000);
    // The first request left the window; refused ones never counted.
    expect(limiter.take('t', 2).allowed).toBe(true);
    expect(limiter.take('t', 2).allowed).toBe(false);
  });

  it('forgets idle keys once it tracks many', () => {
    const clock = new ManualClock();
    const limiter = new SlidingWindowRateLimiter(clock, 1000);
    for (let i = 0; i < 1001; i++) limiter.take(`k${i}`, 1);
    clock.advance(2000);
    expect(limiter.take('fresh', 1).allowed).toBe(true);
    expect(limiter.take('k0', 1).allowed).toBe(true);
  });
});
