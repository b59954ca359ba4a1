// Task-level retries (docs/lifecycle.md#retries): only transient failures — provider rate limits,
// 5xx, timeouts, dropped connections — are retried, with exponential backoff and jitter; auth errors and bad
// requests never are, since another try cannot fix them.
import { UnavailableError } from '../errors.ts';
import { LlmError } from '../llm/types.ts';
import { WorkerLostError } from '../workers/execution-backend.ts';

export interface TaskRetryPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  multiplier: number;
  /** ± fraction of each delay that is random, so tasks that failed together do not retry together. */
  jitter: number;
}

/** Initial 60 s, max 1 h, ×2, ±25 %; the number of retries comes from SystemConfig. */
export const DEFAULT_TASK_RETRY_POLICY: Readonly<TaskRetryPolicy> = Object.freeze({
  initialDelayMs: 60_000,
  maxDelayMs: 3_600_000,
  multiplier: 2,
  jitter: 0.25,
});

/**
 * RESTFLOW_TASK_RETRY_INITIAL_MS and RESTFLOW_TASK_RETRY_MAX_MS (positive integers, read by the daemon): a deployment
 * whose retries go to other workers (docs/workers.md) may want them sooner than a minute.
 */
export function retryPolicyFromEnv(env: NodeJS.ProcessEnv): Partial<TaskRetryPolicy> {
  const read = (name: string) => {
    const value = Number(env[name]);
    return env[name] && Number.isInteger(value) && value > 0 ? value : undefined;
  };
  const initialDelayMs = read('RESTFLOW_TASK_RETRY_INITIAL_MS');
  const maxDelayMs = read('RESTFLOW_TASK_RETRY_MAX_MS');
  return { ...(initialDelayMs ? { initialDelayMs } : {}), ...(maxDelayMs ? { maxDelayMs } : {}) };
}

/** The wait before retry number `retry` (1-based). */
export function retryBackoffMs(retry: number, policy: TaskRetryPolicy, random: () => number = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** (retry - 1));
  const jittered = base * (1 + policy.jitter * (2 * random() - 1));
  return Math.round(Math.min(policy.maxDelayMs, Math.max(0, jittered)));
}

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
]);

const PERMANENT_TEXT =
  /\b(400|401|403|404)\b|unauthori[sz]ed|forbidden|authenticat|invalid (api )?key|permission denied|bad request/i;
const TRANSIENT_TEXT =
  /time[d ]?\s?out|timeout|connection (reset|refused|closed|error)|socket hang up|rate.?limit|too many requests|overloaded|retry.?after|temporar(il)?y unavailable|service unavailable|\b(429|5\d\d)\b/i;

/** An error that wraps the errors of several models (failover); the primary model's error decides. */
export interface HasPrimaryError {
  readonly primary: unknown;
}

const hasPrimary = (error: unknown): error is HasPrimaryError =>
  typeof error === 'object' && error !== null && 'primary' in error;

export function isTransientError(error: unknown): boolean {
  if (hasPrimary(error)) return isTransientError(error.primary);
  if (error instanceof LlmError) return error.retryable;
  // The worker running it died: another worker can run it (docs/workers.md).
  if (error instanceof WorkerLostError) return true;
  // "No API key", "unknown model": configuration, not luck.
  if (error instanceof UnavailableError) return false;
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code ?? (error.cause as NodeJS.ErrnoException | undefined)?.code;
  if (code && TRANSIENT_CODES.has(code)) return true;
  if (PERMANENT_TEXT.test(error.message)) return false;
  return TRANSIENT_TEXT.test(error.message);
}

/** Resolves after `ms`, or rejects with the signal's reason once it aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
