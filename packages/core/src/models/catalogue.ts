// The model catalogue (docs/entities.md#models): wire id → provider, API model string, temperature support.
// Refreshed from the installed SDKs' own model lists (openai 6.30.1 `ChatModel`, @anthropic-ai/sdk 1.14.0
// `Model` and its deprecated-models table). Beyond the catalogue, any model of an OpenAI-compatible server
// (Ollama, LM Studio, vLLM) is written
// `openai-compatible:<model>`, and a provider's models newer than this catalogue `anthropic:<model>`,
// `openai:<model>` or `deepseek:<model>` (the live lists of `models.list` show what each provider offers).

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

// Newest first within each provider: pickers show this order. The Anthropic SDK stopped typing `temperature`
// (deprecated by the API), so the Claude 5.x generation is sent none; OpenAI's GPT-5 and o-series reject it.
export const MODEL_CATALOGUE: readonly ModelMetadata[] = [
  m('gpt-5.4', 'openai', 'GPT-5.4', false),
  m('gpt-5.2', 'openai', 'GPT-5.2', false),
  m('gpt-5.2-pro', 'openai', 'GPT-5.2 Pro', false),
  m('gpt-5.1', 'openai', 'GPT-5.1', false),
  m('gpt-5.1-mini', 'openai', 'GPT-5.1 Mini', false),
  m('gpt-5.1-codex', 'openai', 'GPT-5.1 Codex', false),
  m('gpt-5', 'openai', 'GPT-5', false),
  m('gpt-5-mini', 'openai', 'GPT-5 Mini', false),
  m('gpt-5-nano', 'openai', 'GPT-5 Nano', false),
  m('gpt-5-pro', 'openai', 'GPT-5 Pro', false),
  m('gpt-4.1', 'openai', 'GPT-4.1', true),
  m('gpt-4.1-mini', 'openai', 'GPT-4.1 Mini', true),
  m('o4-mini', 'openai', 'o4-mini', false),
  m('o3', 'openai', 'o3', false),
  m('o3-mini', 'openai', 'o3-mini', false),
  m('claude-opus-5-5', 'anthropic', 'Claude Opus 5.5', false),
  m('claude-sonnet-5-5', 'anthropic', 'Claude Sonnet 5.5', false),
  m('claude-haiku-5-5', 'anthropic', 'Claude Haiku 5.5', false),
  m('claude-fable-5-2', 'anthropic', 'Claude Fable 5.2', false),
  m('claude-mythos-5-2', 'anthropic', 'Claude Mythos 5.2', false),
  m('claude-opus-5', 'anthropic', 'Claude Opus 5', true),
  m('claude-sonnet-5', 'anthropic', 'Claude Sonnet 5', true),
  m('claude-opus-4-8', 'anthropic', 'Claude Opus 4.8', true),
  m('claude-opus-4-7', 'anthropic', 'Claude Opus 4.7', true),
  m('claude-opus-4-6', 'anthropic', 'Claude Opus 4.6', true),
  m('claude-sonnet-4-6', 'anthropic', 'Claude Sonnet 4.6', true),
  m('claude-haiku-4-5', 'anthropic', 'Claude Haiku 4.5', true),
  m('claude-opus-4-5', 'anthropic', 'Claude Opus 4.5', true),
  // Claude Code's short names; the one engine here talks to the Messages API, which needs full model ids (a
  // Claude Code OAuth token works there as a Bearer token).
  m('claude-code-opus', 'anthropic', 'Claude Code Opus', false, 'claude-opus-5-5'),
  m('claude-code-sonnet', 'anthropic', 'Claude Code Sonnet', false, 'claude-sonnet-5-5'),
  m('claude-code-haiku', 'anthropic', 'Claude Code Haiku', false, 'claude-haiku-5-5'),
  m('deepseek-chat', 'deepseek', 'DeepSeek Chat', true),
  m('deepseek-reasoner', 'deepseek', 'DeepSeek Reasoner', false),
];

export const MODEL_IDS = MODEL_CATALOGUE.map((x) => x.model) as [string, ...string[]];

/** Short names accepted wherever a model id is (`-m sonnet`); each points at the current model of its line. */
export const MODEL_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  opus: 'claude-opus-5-5',
  sonnet: 'claude-sonnet-5-5',
  haiku: 'claude-haiku-5-5',
  gpt: 'gpt-5.4',
  'gpt-mini': 'gpt-5.1-mini',
  deepseek: 'deepseek-chat',
});

/** A model that retires (or has retired) on a date, and the model to move to. */
export interface ModelRetirement {
  /** The provider's API model name. */
  model: string;
  provider: Provider;
  /** ISO date (UTC) from which the provider no longer serves it. */
  retires_on: string;
  /** A catalogue id that replaces it. */
  replacement: string;
}

const r = (model: string, provider: Provider, retiresOn: string, replacement: string): ModelRetirement => ({
  model,
  provider,
  retires_on: retiresOn,
  replacement,
});

// From the Anthropic SDK's deprecated-models table (end-of-life dates) and its changelog (models removed as
// retired: Claude Opus 4.1 on 2026-08-07, the Claude 3.x / 4.0 generation on 2026-06-15).
export const MODEL_RETIREMENTS: readonly ModelRetirement[] = [
  r('claude-sonnet-4-5', 'anthropic', '2026-11-30', 'claude-sonnet-5-5'),
  r('claude-sonnet-4-5-20250929', 'anthropic', '2026-11-30', 'claude-sonnet-5-5'),
  r('claude-opus-4-5', 'anthropic', '2027-01-22', 'claude-opus-5-5'),
  r('claude-opus-4-5-20251101', 'anthropic', '2027-01-22', 'claude-opus-5-5'),
  r('claude-mythos-preview', 'anthropic', '2026-06-30', 'claude-mythos-5-2'),
  r('claude-opus-4-1', 'anthropic', '2026-08-07', 'claude-opus-5-5'),
  r('claude-opus-4-1-20250805', 'anthropic', '2026-08-07', 'claude-opus-5-5'),
  r('claude-opus-4-0', 'anthropic', '2026-06-15', 'claude-opus-5-5'),
  r('claude-opus-4-20250514', 'anthropic', '2026-06-15', 'claude-opus-5-5'),
  r('claude-sonnet-4-0', 'anthropic', '2026-06-15', 'claude-sonnet-5-5'),
  r('claude-sonnet-4-20250514', 'anthropic', '2026-06-15', 'claude-sonnet-5-5'),
  r('claude-3-7-sonnet-latest', 'anthropic', '2026-06-15', 'claude-sonnet-5-5'),
  r('claude-3-7-sonnet-20250219', 'anthropic', '2026-06-15', 'claude-sonnet-5-5'),
  r('claude-3-5-sonnet-latest', 'anthropic', '2026-06-15', 'claude-sonnet-5-5'),
  r('claude-3-5-haiku-latest', 'anthropic', '2026-06-15', 'claude-haiku-5-5'),
  r('claude-3-opus-latest', 'anthropic', '2026-06-15', 'claude-opus-5-5'),
];

export type ModelLifecycle =
  | { status: 'retired'; model: string; retired_on: string; replacement: string }
  | { status: 'deprecated'; model: string; retires_on: string; replacement: string };

const dayStart = (isoDate: string) => Date.parse(`${isoDate}T00:00:00Z`);

/**
 * Whether a model id (catalogue id, alias, `anthropic:<model>` or a bare API name) has retired or is about to,
 * as of `now`. Undefined for a current model.
 */
export function modelLifecycle(id: string, now: number = Date.now()): ModelLifecycle | undefined {
  const trimmed = id.trim();
  const qualified = /^(anthropic|openai|deepseek):(\S+)$/.exec(trimmed);
  const apiModel = qualified ? (qualified[2] as string) : (findModel(trimmed)?.api_model ?? trimmed);
  const entry = MODEL_RETIREMENTS.find((x) => x.model === apiModel);
  if (!entry) return undefined;
  return now >= dayStart(entry.retires_on)
    ? { status: 'retired', model: apiModel, retired_on: entry.retires_on, replacement: entry.replacement }
    : { status: 'deprecated', model: apiModel, retires_on: entry.retires_on, replacement: entry.replacement };
}

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
  const known = MODEL_CATALOGUE.find((x) => x.provider === provider && x.api_model === apiModel);
  return {
    model: id,
    provider,
    name: known?.name ?? `${apiModel} (${provider})`,
    supports_temperature: known?.supports_temperature ?? QUALIFIED_TEMPERATURE[provider],
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
  const known = MODEL_CATALOGUE.find((x) => x.model === resolved);
  if (known) return known;
  // A model that left the catalogue stays recognisable, so its users hear "retired, use X", not "unknown".
  const retiring = MODEL_RETIREMENTS.find((x) => x.model === resolved);
  return retiring
    ? { model: resolved, provider: retiring.provider, name: resolved, supports_temperature: true, api_model: resolved }
    : undefined;
}

export function normalizeModelId(id: string): string | undefined {
  return findModel(id)?.model;
}

/** The catalogue id a provider's API model name is known by (`gpt-5.4` → `gpt-5.4`), else the qualified form. */
export function modelIdFor(provider: LlmProvider, apiModel: string): string {
  if (provider === 'openai_compatible') return `${OPENAI_COMPATIBLE_PREFIX}${apiModel}`;
  const known = MODEL_CATALOGUE.find((x) => x.provider === provider && x.model === apiModel);
  return known ? known.model : `${provider}:${apiModel}`;
}
