// Retries of transient provider failures (rate limits, 5xx, timeouts, connection drops) with exponential
// backoff and jitter, honouring retry-after. Only before the first chunk: once part of an answer has reached
// the caller, a retry would duplicate it, so the error goes up instead.
import { setTimeout as sleep } from 'node:timers/promises';
import { cancelledError } from './provider-errors.ts';
import { type CompletionRequest, type LlmClient, LlmError, type StreamChunk } from './types.ts';

export interface RetryPolicy {
  /** Tries in all, the first included. */
  maxAttempts: number;
  /** The first backoff; doubles on each retry. */
  baseDelayMs: number;
  /** Cap of one backoff, also of a provider's retry-after. */
  maxDelayMs: number;
  /** ± fraction of randomness added to each backoff, so clients that failed together do not retry together. */
  jitter: number;
}

/** Up to 3 retries of transient errors. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 4,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  jitter: 0.25,
});

export interface RetryNotice {
  attempt: number;
  delayMs: number;
  error: LlmError;
}

export interface RetryOptions {
  policy?: Partial<RetryPolicy>;
  /** Told before each wait, e.g. to show "rate limited, retrying in 2 s". */
  onRetry?: (notice: RetryNotice) => void;
  random?: () => number;
}

/** The wait before retry number `retry` (1-based): the provider's retry-after when sent, else backoff. */
export function retryDelayMs(retry: number, error: LlmError, policy: RetryPolicy, random = Math.random): number {
  if (error.retryAfterMs !== undefined) return Math.min(error.retryAfterMs, policy.maxDelayMs);
  const backoff = policy.baseDelayMs * 2 ** (retry - 1);
  const jittered = backoff * (1 + policy.jitter * (2 * random() - 1));
  return Math.round(Math.min(policy.maxDelayMs, Math.max(0, jittered)));
}

export class RetryingLlmClient implements LlmClient {
  readonly provider: LlmClient['provider'];
  readonly policy: RetryPolicy;

  constructor(
    private readonly inner: LlmClient,
    private readonly options: RetryOptions = {},
  ) {
    this.provider = inner.provider;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.policy };
  }

  async *stream(request: CompletionRequest, signal: AbortSignal): AsyncGenerator<StreamChunk> {
    for (let attempt = 1; ; attempt++) {
      let yielded = false;
      try {
        for await (const chunk of this.inner.stream(request, signal)) {
          yielded = true;
          yield chunk;
        }
        return;
      } catch (error) {
        const retryable = error instanceof LlmError && error.retryable;
        if (yielded || !retryable || signal.aborted) throw error;
        if (attempt >= this.policy.maxAttempts) {
          if (attempt === 1) throw error;
          throw new LlmError(
            `${error.message} (gave up after ${attempt} attempts)`,
            error.kind,
            error.status,
            error.retryAfterMs,
          );
        }
        const delayMs = retryDelayMs(attempt, error, this.policy, this.options.random);
        this.options.onRetry?.({ attempt, delayMs, error });
        try {
          await sleep(delayMs, undefined, { signal });
        } catch {
          throw cancelledError();
        }
      }
    }
  }
}

export function withRetry(client: LlmClient, options?: RetryOptions): LlmClient {
  return new RetryingLlmClient(client, options);
}
