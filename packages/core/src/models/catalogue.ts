// The model catalogue of restflow-domain §1.2: wire id → provider, API model string, temperature support.

export type Provider = 'openai' | 'anthropic' | 'deepseek';

export interface ModelMetadata {
  model: string;
  provider: Provider;
  supports_temperature: boolean;
  name: string;
  /** The model string sent to the provider's API. */
  api_model: string;
}

const m = (model: string, provider: Provider, name: string, supportsTemperature: boolean, apiModel = model) =>
  ({ model, provider, name, supports_temperature: supportsTemperature, api_model: apiModel }) satisfies ModelMetadata;

export const MODEL_CATALOGUE: readonly ModelMetadata[] = [
  m('gpt-5', 'openai', 'GPT-5', false),
  m('gpt-5-mini', 'openai', 'GPT-5 Mini', false),
  m('gpt-5-nano', 'openai', 'GPT-5 Nano', false),
  m('gpt-5-pro', 'openai', 'GPT-5 Pro', false),
  m('o4-mini', 'openai', 'o4-mini', false),
  m('o3', 'openai', 'o3', false),
  m('o3-mini', 'openai', 'o3-mini', false),
  m('claude-opus-4-1', 'anthropic', 'Claude Opus 4.1', true),
  m('claude-sonnet-4-5', 'anthropic', 'Claude Sonnet 4.5', true),
  m('claude-haiku-4-5', 'anthropic', 'Claude Haiku 4.5', true),
  m('claude-code-opus', 'anthropic', 'Claude Code Opus', true, 'opus'),
  m('claude-code-sonnet', 'anthropic', 'Claude Code Sonnet', true, 'sonnet'),
  m('claude-code-haiku', 'anthropic', 'Claude Code Haiku', true, 'haiku'),
  m('deepseek-chat', 'deepseek', 'DeepSeek Chat', true),
  m('deepseek-reasoner', 'deepseek', 'DeepSeek Reasoner', false),
];

export const MODEL_IDS = MODEL_CATALOGUE.map((x) => x.model) as [string, ...string[]];

/** Short names the CLI accepts for `-m`. */
const MODEL_ALIASES: Record<string, string> = {
  opus: 'claude-opus-4-1',
  sonnet: 'claude-sonnet-4-5',
  haiku: 'claude-haiku-4-5',
};

export function findModel(id: string): ModelMetadata | undefined {
  const resolved = MODEL_ALIASES[id] ?? id;
  return MODEL_CATALOGUE.find((x) => x.model === resolved);
}

export function normalizeModelId(id: string): string | undefined {
  return findModel(id)?.model;
}
