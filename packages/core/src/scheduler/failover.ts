// Model failover (docs/lifecycle.md#failover): a run tries the agent's own model first, then the
// fallbacks. A model that failed 3 times in a row cools down for 5 minutes, so runs stop paying for a provider
// that is down; a success resets its count.
import { UnavailableError } from '../errors.ts';
import { LlmError } from '../llm/types.ts';
import type { Clock } from '../runtime.ts';
import type { HasPrimaryError } from './retry.ts';

export const DEFAULT_FALLBACK_MODELS: readonly string[] = ['gpt-5', 'deepseek-chat'];

export interface FailoverPolicy {
  /** Consecutive failures that put a model in cooldown. */
  failureThreshold: number;
  cooldownMs: number;
}

export const DEFAULT_FAILOVER_POLICY: Readonly<FailoverPolicy> = Object.freeze({
  failureThreshold: 3,
  cooldownMs: 300_000,
});

/** Errors that another model might not have: provider errors and a missing key or model. */
export function isModelError(error: unknown): boolean {
  if (error instanceof LlmError) return error.kind !== 'cancelled';
  return error instanceof UnavailableError;
}

/** Every model of the chain failed; the message names each, `primary` is the first model's error. */
export class ModelChainError extends Error implements HasPrimaryError {
  override name = 'ModelChainError';
  constructor(readonly failures: { model: string; error: unknown }[]) {
    super(failures.map((f) => `${f.model}: ${(f.error as Error).message ?? String(f.error)}`).join('; '));
  }
  get primary(): unknown {
    return this.failures[0]?.error;
  }
}

interface ModelHealth {
  failures: number;
  cooldownUntil: number;
}

export class ModelFailover {
  private readonly health = new Map<string, ModelHealth>();

  constructor(
    private readonly clock: Clock,
    private readonly policy: FailoverPolicy = DEFAULT_FAILOVER_POLICY,
  ) {}

  /** The chain without duplicates and without models in cooldown; the primary when all are cooling down. */
  candidates(primary: string, fallbacks: readonly string[]): string[] {
    const chain = [...new Set([primary, ...fallbacks])];
    const now = this.clock.now();
    const available = chain.filter((model) => (this.health.get(model)?.cooldownUntil ?? 0) <= now);
    return available.length > 0 ? available : [primary];
  }

  inCooldown(model: string): boolean {
    return (this.health.get(model)?.cooldownUntil ?? 0) > this.clock.now();
  }

  recordSuccess(model: string): void {
    this.health.delete(model);
  }

  recordFailure(model: string): void {
    const health = this.health.get(model) ?? { failures: 0, cooldownUntil: 0 };
    health.failures += 1;
    if (health.failures >= this.policy.failureThreshold) {
      health.failures = 0;
      health.cooldownUntil = this.clock.now() + this.policy.cooldownMs;
    }
    this.health.set(model, health);
  }

  /**
   * Runs `attempt` with each candidate model until one succeeds. Model errors move on to the next model;
   * any other error (a cancelled run, a failing tool) ends the chain at once.
   */
  async run<T>(
    primary: string,
    fallbacks: readonly string[],
    attempt: (model: string) => Promise<T>,
    onFailover?: (from: string, to: string, error: unknown) => void,
  ): Promise<{ model: string; result: T }> {
    const models = this.candidates(primary, fallbacks);
    const failures: { model: string; error: unknown }[] = [];
    for (const [index, model] of models.entries()) {
      try {
        const result = await attempt(model);
        this.recordSuccess(model);
        return { model, result };
      } catch (error) {
        if (!isModelError(error)) throw error;
        this.recordFailure(model);
        failures.push({ model, error });
        const next = models[index + 1];
        if (next) onFailover?.(model, next, error);
      }
    }
    throw failures.length === 1 ? failures[0]?.error : new ModelChainError(failures);
  }
}
