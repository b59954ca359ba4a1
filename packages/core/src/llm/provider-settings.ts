// Per-provider endpoint settings, stored in system_config under `providers`. A base URL set here wins over
// the provider's env var (OPENAI_BASE_URL, …), which wins over the public endpoint.
import { type Db, eq, systemConfig } from '@restflow/db';
import type { CoreContext } from '../core-context.ts';
import { InvalidInputError } from '../errors.ts';
import type { ChangeFeed } from '../events/change-feed.ts';
import type { LlmProvider } from '../models/catalogue.ts';
import type { Clock } from '../runtime.ts';

export interface ProviderEndpointSettings {
  base_url?: string;
}

export interface OpenAiCompatibleSettings extends ProviderEndpointSettings {
  /** Models the server offers, for pickers (any `openai-compatible:<model>` is accepted regardless). */
  models?: string[];
}

export interface ProviderSettings {
  openai?: ProviderEndpointSettings;
  anthropic?: ProviderEndpointSettings;
  deepseek?: ProviderEndpointSettings;
  openai_compatible?: OpenAiCompatibleSettings;
}

export const PROVIDER_SETTINGS_KEY = 'providers';
export const SETTINGS_PROVIDERS: readonly LlmProvider[] = ['openai', 'anthropic', 'deepseek', 'openai_compatible'];

function normalizeBaseUrl(field: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw InvalidInputError.field(field, `"${value}" is not a URL (e.g. http://localhost:11434/v1)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw InvalidInputError.field(field, `must be an http(s) URL, got ${url.protocol}`);
  }
  // The SDKs append paths themselves; a trailing slash would double it.
  return url.toString().replace(/\/+$/, '');
}

/** Validates and normalizes; empty sections and unset fields are dropped. */
export function validateProviderSettings(settings: ProviderSettings): ProviderSettings {
  const out: ProviderSettings = {};
  for (const provider of SETTINGS_PROVIDERS) {
    const section = settings[provider] as OpenAiCompatibleSettings | undefined;
    if (!section) continue;
    const next: OpenAiCompatibleSettings = {};
    if (section.base_url !== undefined && section.base_url.trim() !== '') {
      next.base_url = normalizeBaseUrl(`${provider}.base_url`, section.base_url);
    }
    if (provider === 'openai_compatible' && section.models !== undefined) {
      const models = [...new Set(section.models.map((m) => m.trim()))];
      const bad = models.find((m) => !/^\S+$/.test(m));
      if (bad !== undefined) throw InvalidInputError.field(`${provider}.models`, `"${bad}" is not a model name`);
      if (models.length) next.models = models;
    }
    if (Object.keys(next).length) out[provider] = next;
  }
  return out;
}

export class ProviderSettingsService {
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly changes?: ChangeFeed;

  constructor(core: Pick<CoreContext, 'db' | 'clock'> & Partial<Pick<CoreContext, 'changes'>>) {
    this.db = core.db;
    this.clock = core.clock;
    this.changes = core.changes;
  }

  get(): ProviderSettings {
    const row = this.db.select().from(systemConfig).where(eq(systemConfig.key, PROVIDER_SETTINGS_KEY)).get();
    return (row?.value as ProviderSettings | undefined) ?? {};
  }

  /** Replaces the whole provider settings. */
  set(settings: ProviderSettings): ProviderSettings {
    const value = validateProviderSettings(settings);
    const now = this.clock.now();
    this.db
      .insert(systemConfig)
      .values({ key: PROVIDER_SETTINGS_KEY, value, updatedAt: now })
      .onConflictDoUpdate({ target: systemConfig.key, set: { value, updatedAt: now } })
      .run();
    this.changes?.publish({ entity: 'config', id: PROVIDER_SETTINGS_KEY, action: 'updated' });
    return value;
  }
}
