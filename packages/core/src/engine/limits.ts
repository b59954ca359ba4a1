// Engine limits (restflow-domain §8, loops A/B); every one can be overridden per engine.

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
