// The model catalogue (docs/entities.md#models): wire id → provider, API model string, temperature support.
// Beyond the catalogue, any model of an OpenAI-compatible server (Ollama, LM Studio, vLLM) is written
// `openai-compatible:<model>`, and a provider's models newer than this catalogue `anthropic:<model>`,
// `openai:<model>` or `deepseek:<model>` (catalogue models retire — e.g. claude-sonnet-4-5 on 2026-11-30).

export type Provider = 'openai' | 'anthropic' | 'deepseek';

/** Where a model is served: a catalogue provider, or the configured OpenAI-compatible server. */
export type LlmProvider = Provider | 'openai_compatible';

export interface ModelMetadata {
  model: string;
  provider: LlmProvider;
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
  // Claude Code's short names; the one engine here talks to the Messages API, which needs full model ids (a
  // Claude Code OAuth token works there as a Bearer token).
  m('claude-code-opus', 'anthropic', 'Claude Code Opus', true, 'claude-opus-4-1'),
  m('claude-code-sonnet', 'anthropic', 'Claude Code Sonnet', true, 'claude-sonnet-4-5'),
  m('claude-code-haiku', 'anthropic', 'Claude Code Haiku', true, 'claude-haiku-4-5'),
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

export const OPENAI_COMPATIBLE_PREFIX = 'openai-compatible:';

/** `openai-compatible:<model>` → the server's model name; undefined for any other id. */
export function openaiCompatibleModel(id: string): string | undefined {
  if (!id.startsWith(OPENAI_COMPATIBLE_PREFIX)) return undefined;
  const name = id.slice(OPENAI_COMPATIBLE_PREFIX.length);
  // Server model names look like `llama3.1:8b`, `qwen2.5-coder`, `org/model-GGUF`: anything but blanks.
  return /^\S+$/.test(name) ? name : undefined;
}

/** Whether a provider's API takes `temperature` for models we know nothing about. */
const QUALIFIED_TEMPERATURE: Record<Provider, boolean> = { anthropic: true, openai: false, deepseek: true };

/** `anthropic:<model>` / `openai:<model>` / `deepseek:<model>` → that provider's API model name. */
function qualifiedModel(id: string): ModelMetadata | undefined {
  const match = /^(anthropic|openai|deepseek):(\S+)$/.exec(id);
  if (!match) return undefined;
  const provider = match[1] as Provider;
  const apiModel = match[2] as string;
  return {
    model: id,
    provider,
    name: `${apiModel} (${provider})`,
    supports_temperature: QUALIFIED_TEMPERATURE[provider],
    api_model: apiModel,
  };
}

export function findModel(id: string): ModelMetadata | undefined {
  const qualified = qualifiedModel(id);
  if (qualified) return qualified;
  const custom = openaiCompatibleModel(id);
  if (custom) {
    return {
      model: id,
      provider: 'openai_compatible',
      name: `${custom} (OpenAI-compatible)`,
      supports_temperature: true,
      api_model: custom,
    };
  }
  const resolved = MODEL_ALIASES[id] ?? id;
  return MODEL_CATALOGUE.find((x) => x.model === resolved);
}

export function normalizeModelId(id: string): string | undefined {
  return findModel(id)?.model;
}
