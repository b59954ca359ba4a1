// What each provider offers right now: its live model list (`GET /v1/models`), cached per provider for a
// while and fetched again as soon as its key or endpoint changes; the catalogue fills in for providers without
// a key and for lists that could not be fetched.
import { createHash } from 'node:crypto';
import { DomainError } from '../errors.ts';
import { BASE_URL_ENV, resolveBaseUrl } from '../llm/client-factory.ts';
import { type ListModelsFn, listProviderModels, type ProviderModel } from '../llm/list-models.ts';
import type { ProviderSettings } from '../llm/provider-settings.ts';
import { type ApiKeySources, resolveApiKey } from '../llm/resolve-api-key.ts';
import type { Clock } from '../runtime.ts';
import {
  findModel,
  type LlmProvider,
  MODEL_CATALOGUE,
  type ModelLifecycle,
  modelIdFor,
  modelLifecycle,
} from './catalogue.ts';

const supportsTemperature = (id: string) => findModel(id)?.supports_temperature ?? true;

export const LLM_PROVIDERS: readonly LlmProvider[] = ['anthropic', 'openai', 'deepseek', 'openai_compatible'];

export interface ListedModel {
  /** The id agents store: a catalogue id, or `openai:<model>` / `openai-compatible:<model>` for others. */
  id: string;
  api_model: string;
  name: string;
  in_catalogue: boolean;
  /** Whether requests to it carry a temperature (reasoning models refuse one). */
  supports_temperature: boolean;
  /** Set for a model that retires soon or has retired, with the model to move to. */
  lifecycle: ModelLifecycle | null;
}

export interface ProviderModels {
  provider: LlmProvider;
  /** A key (or, for OpenAI-compatible servers, an endpoint) is configured, so agents on it can run. */
  configured: boolean;
  /** Where the key comes from ("env OPENAI_API_KEY", "secret …", "auth profile …"), never the value. */
  key_source: string | null;
  base_url: string;
  /** `live`: the provider's own list; `catalogue`: built in (no key, or the list could not be fetched). */
  source: 'live' | 'catalogue' | 'settings';
  models: ListedModel[];
  /** When the live list was fetched (ms since epoch). */
  fetched_at: number | null;
  /** Why the live list is missing (no key, provider unreachable, key refused …); null when not asked. */
  error: string | null;
}

export interface ModelListDeps {
  keys: ApiKeySources;
  settings: () => ProviderSettings;
  env: NodeJS.ProcessEnv;
  clock: Clock;
  fetch?: ListModelsFn;
  /** How long a fetched list is reused (default 10 min); a failed fetch is retried sooner (default 30 s). */
  ttlMs?: number;
  errorTtlMs?: number;
  timeoutMs?: number;
}

interface CacheEntry {
  fingerprint: string;
  expiresAt: number;
  result: Promise<{ models: ProviderModel[]; fetched_at: number } | { error: string }>;
}

const sha = (value: string) => createHash('sha256').update(value).digest('hex');

export class ModelListService {
  private readonly cache = new Map<LlmProvider, CacheEntry>();
  private readonly fetchModels: ListModelsFn;

  constructor(private readonly deps: ModelListDeps) {
    this.fetchModels = deps.fetch ?? listProviderModels;
  }

  /**
   * Every provider (or one), configured ones first. `refresh` skips the cache; `live: false` asks no provider
   * (keys and settings only: the catalogue stands in for every list).
   */
  async list(options: { provider?: LlmProvider; refresh?: boolean; live?: boolean } = {}): Promise<ProviderModels[]> {
    const providers = options.provider ? [options.provider] : LLM_PROVIDERS;
    const mode = options.live === false ? 'offline' : options.refresh ? 'refresh' : 'cached';
    const lists = await Promise.all(providers.map((p) => this.forProvider(p, mode)));
    return [...lists.filter((l) => l.configured), ...lists.filter((l) => !l.configured)];
  }

  /** Drops cached lists (all, or one provider's), e.g. after its key or endpoint changed. */
  invalidate(provider?: LlmProvider): void {
    if (provider) this.cache.delete(provider);
    else this.cache.clear();
  }

  private async forProvider(provider: LlmProvider, mode: 'offline' | 'refresh' | 'cached'): Promise<ProviderModels> {
    const settings = this.deps.settings();
    const baseUrl = resolveBaseUrl(provider, settings, this.deps.env);
    const key = await this.keyFor(provider, settings);
    const base = { provider, base_url: baseUrl, key_source: key.source };
    if (!key.apiKey) {
      return {
        ...base,
        configured: false,
        source: 'catalogue',
        models: this.catalogue(provider, settings),
        fetched_at: null,
        error: key.error,
      };
    }
    const fetched =
      mode === 'offline'
        ? { error: null }
        : await this.cached(provider, baseUrl, { apiKey: key.apiKey, keySource: key.source }, mode === 'refresh');
    if ('error' in fetched) {
      const fromSettings = provider === 'openai_compatible' && settings.openai_compatible?.models?.length;
      return {
        ...base,
        configured: true,
        source: fromSettings ? 'settings' : 'catalogue',
        models: this.catalogue(provider, settings),
        fetched_at: null,
        error: fetched.error,
      };
    }
    return {
      ...base,
      configured: true,
      source: 'live',
      models: this.liveModels(provider, fetched.models),
      fetched_at: fetched.fetched_at,
      error: null,
    };
  }

  private async keyFor(
    provider: LlmProvider,
    settings: ProviderSettings,
  ): Promise<{ apiKey?: string; source: string | null; error: string | null }> {
    if (provider === 'openai_compatible') {
      // No key needed, but a server only counts as configured when someone named its endpoint.
      const named = settings.openai_compatible?.base_url || this.deps.env[BASE_URL_ENV.openai_compatible];
      if (!named) {
        return { source: null, error: `no endpoint (set ${BASE_URL_ENV.openai_compatible} or the setting)` };
      }
    }
    try {
      const key = await resolveApiKey(this.deps.keys, provider);
      return { apiKey: key.apiKey, source: key.source, error: null };
    } catch (error) {
      if (error instanceof DomainError) return { source: null, error: error.message };
      throw error;
    }
  }

  private cached(
    provider: LlmProvider,
    baseUrl: string,
    { apiKey, keySource }: { apiKey: string; keySource: string | null },
    refresh: boolean,
  ): CacheEntry['result'] {
    const now = this.deps.clock.now();
    const fingerprint = sha(`${baseUrl}\n${apiKey}`);
    const hit = this.cache.get(provider);
    if (!refresh && hit && hit.fingerprint === fingerprint && hit.expiresAt > now) return hit.result;
    const entry: CacheEntry = {
      fingerprint,
      expiresAt: now + (this.deps.ttlMs ?? 600_000),
      result: this.fetchModels({
        provider,
        apiKey,
        baseUrl,
        keySource: keySource ?? undefined,
        timeoutMs: this.deps.timeoutMs ?? 10_000,
      }).then(
        (models) => ({ models, fetched_at: this.deps.clock.now() }),
        (error: unknown) => {
          entry.expiresAt = Math.min(entry.expiresAt, this.deps.clock.now() + (this.deps.errorTtlMs ?? 30_000));
          return { error: error instanceof Error ? error.message : String(error) };
        },
      ),
    };
    this.cache.set(provider, entry);
    return entry.result;
  }

  private liveModels(provider: LlmProvider, models: ProviderModel[]): ListedModel[] {
    const now = this.deps.clock.now();
    const listed = models
      .filter((m) => m.lifecycle !== 'retired')
      .map((m): ListedModel => {
        const id = modelIdFor(provider, m.id);
        const known = MODEL_CATALOGUE.find((c) => c.model === id);
        return {
          id,
          api_model: m.id,
          name: known?.name ?? m.display_name ?? m.id,
          in_catalogue: Boolean(known),
          supports_temperature: supportsTemperature(id),
          lifecycle: modelLifecycle(id, now) ?? null,
        };
      });
    // Catalogue order first (newest lines first), then the rest by name.
    const rank = (m: ListedModel) => {
      const i = MODEL_CATALOGUE.findIndex((c) => c.model === m.id);
      return i === -1 ? MODEL_CATALOGUE.length : i;
    };
    return listed.sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id));
  }

  private catalogue(provider: LlmProvider, settings: ProviderSettings): ListedModel[] {
    if (provider === 'openai_compatible') {
      return (settings.openai_compatible?.models ?? []).map((name) => ({
        id: modelIdFor(provider, name),
        api_model: name,
        name,
        in_catalogue: false,
        supports_temperature: supportsTemperature(modelIdFor(provider, name)),
        lifecycle: null,
      }));
    }
    return MODEL_CATALOGUE.filter((m) => m.provider === provider && m.api_model === m.model).map((m) => ({
      id: m.model,
      api_model: m.api_model,
      name: m.name,
      in_catalogue: true,
      supports_temperature: m.supports_temperature,
      lifecycle: modelLifecycle(m.model, this.deps.clock.now()) ?? null,
    }));
  }
}
