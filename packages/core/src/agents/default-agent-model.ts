// The default assistant gets the best model available: at seeding, and later — when a key, auth profile or
// endpoint appears — if it still has none. "Best" = the first configured provider in PROVIDER_PREFERENCE, on
// its current flagship line (or, for a live list without it, the first current model that provider lists).
import type { ChangeFeed } from '../events/change-feed.ts';
import type { LlmProvider } from '../models/catalogue.ts';
import type { ModelListService, ProviderModels } from '../models/model-list.service.ts';
import type { AgentService, StoredAgent } from './agent.service.ts';

export const PROVIDER_PREFERENCE: readonly LlmProvider[] = ['anthropic', 'openai', 'deepseek', 'openai_compatible'];

/** Per provider, the models a general assistant should run on, best first. */
export const PREFERRED_MODELS: Readonly<Record<LlmProvider, readonly string[]>> = Object.freeze({
  anthropic: ['claude-sonnet-5-5', 'claude-opus-5-5', 'claude-sonnet-4-6', 'claude-haiku-5-5'],
  openai: ['gpt-5.4', 'gpt-5.2', 'gpt-5.1', 'gpt-5'],
  deepseek: ['deepseek-chat'],
  openai_compatible: [],
});

/** The model a new general-purpose agent should get from these provider lists; undefined when none is usable. */
export function bestAvailableModel(lists: readonly ProviderModels[]): string | undefined {
  for (const provider of PROVIDER_PREFERENCE) {
    const list = lists.find((l) => l.provider === provider && l.configured);
    if (!list) continue;
    const usable = list.models.filter((m) => m.lifecycle?.status !== 'retired');
    if (list.source !== 'live') {
      const preferred = PREFERRED_MODELS[provider][0];
      if (preferred) return preferred;
    }
    const preferred = PREFERRED_MODELS[provider].find((id) => usable.some((m) => m.id === id));
    const current = usable.find((m) => !m.lifecycle);
    const pick = preferred ?? current?.id ?? usable[0]?.id;
    if (pick) return pick;
  }
  return undefined;
}

export class DefaultAgentModel {
  constructor(
    private readonly agents: AgentService,
    private readonly models: ModelListService,
    private readonly changes: ChangeFeed,
  ) {}

  /**
   * Seeds the default assistant into an empty agents table (with a model when one is available without
   * network: keys and settings only), then gives it a model if it has none. Returns what it did.
   */
  async seed(): Promise<{ seeded?: StoredAgent; assigned?: StoredAgent }> {
    // A data dir seeded before (every restart): only a model-less default assistant needs the lists (assign
    // reads them then), so a restart skips the key lookups of every provider.
    if (this.agents.hasAny()) {
      const assigned = await this.assign({ live: false });
      return assigned ? { assigned } : {};
    }
    const model = bestAvailableModel(await this.models.list({ live: false }));
    const seeded = this.agents.seedDefault(model);
    const assigned = seeded ? undefined : await this.assign({ live: false });
    return { ...(seeded ? { seeded } : {}), ...(assigned ? { assigned } : {}) };
  }

  /** Gives the default assistant the best available model if it has none; returns it when it changed. */
  async assign(options: { live: boolean }): Promise<StoredAgent | undefined> {
    const agent = this.agents.findDefault();
    if (!agent || agent.agent.model) return undefined;
    const model = bestAvailableModel(await this.models.list({ live: options.live }));
    if (!model) return undefined;
    // Read again: the user may have chosen a model while the lists were fetched.
    const current = this.agents.find(agent.id);
    if (!current || current.agent.model) return undefined;
    return this.agents.update(agent.id, { agent: { ...current.agent, model } });
  }

  /**
   * Until `signal` aborts: a key, auth profile or provider endpoint that changes drops the cached model lists
   * and gives a model-less default assistant one. `onAssigned` / `onError` report (the daemon logs them).
   */
  async watch(
    signal: AbortSignal,
    report: { onAssigned?: (agent: StoredAgent) => void; onError?: (error: unknown) => void } = {},
  ): Promise<void> {
    for await (const change of this.changes.listen(signal)) {
      const keyOrEndpoint =
        change.entity === 'secrets' ||
        change.entity === 'auth' ||
        (change.entity === 'config' && change.id === 'providers');
      if (!keyOrEndpoint) continue;
      this.models.invalidate();
      try {
        const assigned = await this.assign({ live: true });
        if (assigned) report.onAssigned?.(assigned);
      } catch (error) {
        report.onError?.(error);
      }
    }
  }
}
