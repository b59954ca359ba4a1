// A sliding-window limiter (webhook triggers: at most `limit` accepted requests per task in any 60 s window).
// Keeps the accept times of each key; memory is bounded by limit × keys, and idle keys are dropped.
import type { Clock } from '../runtime.ts';

export interface RateDecision {
  allowed: boolean;
  /** When refused: how long until the oldest request in the window leaves it. */
  retryAfterMs: number;
}

export class SlidingWindowRateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    private readonly windowMs = 60_000,
  ) {}

  /** Records the request when it is allowed; a refused request does not count. */
  take(key: string, limit: number): RateDecision {
    const now = this.clock.now();
    const since = now - this.windowMs;
    const recent = (this.hits.get(key) ?? []).filter((t) => t > since);
    if (recent.length >= limit) {
      this.hits.set(key, recent);
      return { allowed: false, retryAfterMs: Math.max(1, (recent[0] as number) - since) };
    }
    recent.push(now);
    this.hits.set(key, recent);
    if (this.hits.size > 1000) this.dropIdle(since);
    return { allowed: true, retryAfterMs: 0 };
  }

  /** What `take` would decide, without recording anything. */
  peek(key: string, limit: number): RateDecision {
    const since = this.clock.now() - this.windowMs;
    const recent = (this.hits.get(key) ?? []).filter((t) => t > since);
    if (recent.length < limit) return { allowed: true, retryAfterMs: 0 };
    return { allowed: false, retryAfterMs: Math.max(1, (recent[recent.length - limit] as number) - since) };
  }

  private dropIdle(since: number): void {
    for (const [key, times] of this.hits) if (!times.some((t) => t > since)) this.hits.delete(key);
  }
}
