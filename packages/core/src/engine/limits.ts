// Engine limits (docs/engine.md#limits); every one can be overridden per engine, and by the daemon's env.

export interface EngineLimits {
  maxIterations: number;
  toolTimeoutMs: number;
  /** Tool results longer than this are cut and marked with the full length. */
  maxToolResultChars: number;
  /** Earlier chat messages sent along with a new one. */
  historyWindow: number;
  maxTokens: number;
  /** Used when the agent sets none and the model supports temperature. */
  defaultTemperature: number;
}

export const DEFAULT_LIMITS: EngineLimits = {
  maxIterations: 10,
  toolTimeoutMs: 30_000,
  maxToolResultChars: 4000,
  historyWindow: 20,
  maxTokens: 4096,
  defaultTemperature: 0.7,
};

export function truncateToolResult(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}...[truncated, ${text.length} chars total]`;
}

/** Env names of the limits an operator can tune on a daemon (read once, when the engine is built). */
export const LIMIT_ENV: Readonly<Record<Exclude<keyof EngineLimits, 'defaultTemperature'>, string>> = Object.freeze({
  maxIterations: 'RESTFLOW_MAX_ITERATIONS',
  toolTimeoutMs: 'RESTFLOW_TOOL_TIMEOUT_MS',
  maxToolResultChars: 'RESTFLOW_TOOL_RESULT_MAX_CHARS',
  historyWindow: 'RESTFLOW_HISTORY_WINDOW',
  maxTokens: 'RESTFLOW_MAX_TOKENS',
});

/** The limits set in `env` as positive integers; blanks and nonsense are ignored (the default stays). */
export function limitsFromEnv(env: NodeJS.ProcessEnv): Partial<EngineLimits> {
  const limits: Partial<EngineLimits> = {};
  for (const [key, name] of Object.entries(LIMIT_ENV) as [keyof typeof LIMIT_ENV, string][]) {
    const raw = env[name]?.trim();
    const value = Number(raw);
    if (raw && Number.isInteger(value) && value > 0) limits[key] = value;
  }
  return limits;
}
