// What provider calls cost (docs/engine.md#usage-and-cost): USD per million tokens, per catalogue model. The
// defaults are the providers' list prices; `usage.prices.set` overrides any model (stored in system_config).
import { findModel, MODEL_CATALOGUE } from '../models/catalogue.ts';

export interface ModelPrice {
  /** USD per million input tokens not read from the cache. */
  input: number;
  /** USD per million input tokens read from the prompt cache. */
  cached_input: number;
  /** USD per million output tokens (reasoning included: providers bill it as output). */
  output: number;
}

export interface CallTokens {
  input_tokens: number;
  output_tokens: number;
  cached_tokens: number;
}

const p = (input: number, cachedInput: number, output: number): ModelPrice => ({
  input,
  cached_input: cachedInput,
  output,
});

// Keyed by API model name, so the catalogue ids, aliases and `anthropic:<model>` forms of a model share a price.
const LIST_PRICES: Readonly<Record<string, ModelPrice>> = Object.freeze({
  'gpt-5.4': p(1.25, 0.125, 10),
  'gpt-5.2': p(1.25, 0.125, 10),
  'gpt-5.2-pro': p(15, 15, 120),
  'gpt-5.1': p(1.25, 0.125, 10),
  'gpt-5.1-mini': p(0.25, 0.025, 2),
  'gpt-5.1-codex': p(1.25, 0.125, 10),
  'gpt-5': p(1.25, 0.125, 10),
  'gpt-5-mini': p(0.25, 0.025, 2),
  'gpt-5-nano': p(0.05, 0.005, 0.4),
  'gpt-5-pro': p(15, 15, 120),
  'gpt-4.1': p(2, 0.5, 8),
  'gpt-4.1-mini': p(0.4, 0.1, 1.6),
  'o4-mini': p(1.1, 0.275, 4.4),
  o3: p(2, 0.5, 8),
  'o3-mini': p(1.1, 0.55, 4.4),
  'claude-opus-5-5': p(5, 0.5, 25),
  'claude-sonnet-5-5': p(3, 0.3, 15),
  'claude-haiku-5-5': p(1, 0.1, 5),
  'claude-fable-5-2': p(3, 0.3, 15),
  'claude-mythos-5-2': p(15, 1.5, 75),
  'claude-opus-5': p(5, 0.5, 25),
  'claude-sonnet-5': p(3, 0.3, 15),
  'claude-opus-4-8': p(5, 0.5, 25),
  'claude-opus-4-7': p(5, 0.5, 25),
  'claude-opus-4-6': p(5, 0.5, 25),
  'claude-sonnet-4-6': p(3, 0.3, 15),
  'claude-haiku-4-5': p(1, 0.1, 5),
  'claude-opus-4-5': p(5, 0.5, 25),
  'deepseek-chat': p(0.27, 0.07, 1.1),
  'deepseek-reasoner': p(0.55, 0.14, 2.19),
});

/** The default price of every catalogue model, by catalogue id. */
export function defaultPrices(): Record<string, ModelPrice> {
  const prices: Record<string, ModelPrice> = {};
  for (const model of MODEL_CATALOGUE) {
    const price = LIST_PRICES[model.api_model];
    if (price) prices[model.model] = { ...price };
  }
  return prices;
}

/**
 * The price of a model: a configured one (by the id given, then by its catalogue id), else the list price of
 * its API model. Undefined for models nobody priced (local OpenAI-compatible servers cost nothing known).
 */
export function priceOf(model: string, configured: Readonly<Record<string, ModelPrice>>): ModelPrice | undefined {
  if (configured[model]) return configured[model];
  const known = findModel(model);
  if (known && configured[known.model]) return configured[known.model];
  return known ? LIST_PRICES[known.api_model] : undefined;
}

/** USD of one call: uncached input, cached input and output, each at its rate. */
export function costOf(tokens: CallTokens, price: ModelPrice): number {
  const cached = Math.min(tokens.cached_tokens, tokens.input_tokens);
  const cost =
    (tokens.input_tokens - cached) * price.input + cached * price.cached_input + tokens.output_tokens * price.output;
  return cost / 1_000_000;
}
