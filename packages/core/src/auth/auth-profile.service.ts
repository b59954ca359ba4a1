import type { CoreContext } from '../core-context.ts';
import type { Deleted } from '../deleted.ts';
import { ConflictError, InvalidInputError } from '../errors.ts';
import type { Provider } from '../models/catalogue.ts';
import type { SecretService } from '../secrets/secret.service.ts';
import { scanCredentials, stableProfileId } from './auth-discovery.ts';
import {
  type AuthHealthPolicy,
  type AuthProfileRow,
  afterDisable,
  afterEnable,
  afterFailure,
  afterSuccess,
  bySelectionOrder,
  DEFAULT_AUTH_HEALTH_POLICY,
  isAvailable,
  isDisabled,
  isExpired,
  isInCooldown,
} from './auth-health.ts';
import { AuthProfileStore, normalizeCredential, primaryValue } from './auth-profile.store.ts';
import {
  type AuthProfile,
  type AuthProvider,
  type AuthSource,
  type AuthSummary,
  type CredentialInput,
  compatibleAuthProviders,
  type DiscoverySummary,
  maskCredential,
  type ProfileSelection,
  type ProfileTestResult,
  type ProfileUpdate,
  type ResolvedApiKey,
} from './auth-types.ts';

export interface AuthProfileServiceOptions extends AuthHealthPolicy {
  /** Discover credentials once, before the first operation. */
  autoDiscover: boolean;
}

export const DEFAULT_AUTH_OPTIONS: AuthProfileServiceOptions = { ...DEFAULT_AUTH_HEALTH_POLICY, autoDiscover: true };

export interface NewAuthProfile {
  name: string;
  credential: CredentialInput;
  provider: AuthProvider;
  source?: AuthSource;
}

const FILE_SOURCES: readonly AuthSource[] = ['claude_code', 'codex_cli'];
const RESCAN_INTERVAL_MS = 60_000;

const countBy = <T>(items: readonly T[], key: (item: T) => string): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
};

/**
 * Credentials for model providers: manual and discovered profiles (both persisted; discovered ones under
 * stable ids), their health with exponential cooldown, and selection of the best available one.
 */
export class AuthProfileService {
  private readonly store: AuthProfileStore;
  private readonly options: AuthProfileServiceOptions;
  private discovered = false;
  private lastExpiryRescan = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly core: CoreContext,
    secrets: SecretService,
    options: Partial<AuthProfileServiceOptions> = {},
  ) {
    this.store = new AuthProfileStore(core, secrets);
    this.options = { ...DEFAULT_AUTH_OPTIONS, ...options };
  }

  list(filter: { provider?: AuthProvider } = {}): AuthProfile[] {
    this.ensureDiscovered();
    const now = this.core.clock.now();
    return this.store
      .all()
      .filter((row) => !filter.provider || row.provider === filter.provider)
      .sort((a, b) => a.provider.localeCompare(b.provider) || bySelectionOrder(a, b))
      .map((row) => this.store.toWire(row, now));
  }

  get(idOrPrefix: string): AuthProfile {
    this.ensureDiscovered();
    return this.store.toWire(this.store.require(idOrPrefix), this.core.clock.now());
  }

  /** Profiles of one auth provider, in selection order. */
  forProvider(provider: AuthProvider): AuthProfile[] {
    this.ensureDiscovered();
    const now = this.core.clock.now();
    return this.rowsFor(provider).map((row) => this.store.toWire(row, now));
  }

  add(profile: NewAuthProfile): AuthProfile {
    this.ensureDiscovered();
    const name = profile.name.trim();
    if (!name) throw InvalidInputError.field('name', 'must not be empty');
    const credential = normalizeCredential(profile.credential);
    const value = primaryValue(credential);
    if (!value.trim()) throw InvalidInputError.field('credential', 'the credential value must not be empty');
    const duplicate = this.rowsFor(profile.provider).find((row) => this.safeValue(row) === value);
    if (duplicate) {
      throw new ConflictError(`auth profile ${duplicate.id} already holds this credential for ${profile.provider}`);
    }
    const now = this.core.clock.now();
    const row = this.store.insert(
      freshProfileRow(
        { id: this.core.ids.uuid(), name, source: profile.source ?? 'manual', provider: profile.provider },
        now,
      ),
      credential,
    );
    this.announce(row.id, 'created');
    return this.store.toWire(row, now);
  }

  update(idOrPrefix: string, update: ProfileUpdate): AuthProfile {
    const row = this.store.require(idOrPrefix);
    const patch: Partial<AuthProfileRow> = {};
    if (update.name !== undefined) {
      if (!update.name.trim()) throw InvalidInputError.field('name', 'must not be empty');
      patch.name = update.name.trim();
    }
    if (update.priority !== undefined) patch.priority = update.priority;
    if (update.enabled === true && !row.enabled) Object.assign(patch, afterEnable());
    if (update.enabled === false && row.enabled) Object.assign(patch, afterDisable());
    const updated = this.store.toWire(this.store.patch(row, patch), this.core.clock.now());
    this.announce(row.id, 'updated');
    return updated;
  }

  /** Which credentials exist changed (never their values): key-dependent state, like model lists, follows. */
  private announce(id: string, action: 'created' | 'updated' | 'deleted'): void {
    this.core.changes.publish({ entity: 'auth', id, action });
  }

  /** Deletes the profile and every secret its credential points at. */
  delete(idOrPrefix: string): Deleted {
    const row = this.store.require(idOrPrefix);
    this.store.remove(row);
    this.announce(row.id, 'deleted');
    return { deleted: true, id: row.id };
  }

  /** Makes a profile the first choice: priority 0, every other profile at least 1. */
  use(idOrPrefix: string): AuthProfile {
    const target = this.store.require(idOrPrefix);
    this.core.db.transaction(() => {
      for (const row of this.store.all()) {
        if (row.id !== target.id && row.priority < 1) this.store.patch(row, { priority: 1 });
      }
      this.store.patch(target, { priority: 0 });
    });
    this.announce(target.id, 'updated');
    return this.get(target.id);
  }

  enable(idOrPrefix: string): AuthProfile {
    const row = this.store.require(idOrPrefix);
    const profile = this.store.toWire(this.store.patch(row, afterEnable()), this.core.clock.now());
    this.announce(row.id, 'updated');
    return profile;
  }

  /** `reason` is reported back, not stored. */
  disable(idOrPrefix: string, reason?: string): AuthProfile & { reason: string | null } {
    const row = this.store.require(idOrPrefix);
    const profile = this.store.toWire(this.store.patch(row, afterDisable()), this.core.clock.now());
    this.announce(row.id, 'updated');
    return { ...profile, reason: reason ?? null };
  }

  markSuccess(idOrPrefix: string): AuthProfile {
    const row = this.store.require(idOrPrefix);
    const now = this.core.clock.now();
    return this.store.toWire(this.store.patch(row, afterSuccess(now)), now);
  }

  markFailure(idOrPrefix: string): AuthProfile {
    const row = this.store.require(idOrPrefix);
    const now = this.core.clock.now();
    return this.store.toWire(this.store.patch(row, afterFailure(row, now, this.options)), now);
  }

  /** The best available profile of one auth provider, or undefined when none is usable. */
  select(provider: AuthProvider): ProfileSelection | undefined {
    this.ensureDiscovered();
    this.rescanIfExpired([provider]);
    const now = this.core.clock.now();
    const available = this.rowsFor(provider).filter((row) => isAvailable(row, now));
    const [best, ...rest] = available;
    if (!best) return undefined;
    const reason =
      rest.length === 0
        ? `only available ${provider} profile`
        : `lowest priority (${best.priority}) of ${available.length} available ${provider} profiles` +
          (rest[0]?.priority === best.priority ? ', most recently used' : '');
    return {
      profile: this.store.toWire(best, now),
      reason,
      alternatives: rest.map((row) => this.store.toWire(row, now)),
    };
  }

  /**
   * The key to call a model provider with: walks the compatible auth providers in order (anthropic →
   * claude_code, anthropic; …) and returns the best available profile's credential. Undefined when none.
   */
  getApiKey(provider: Provider | AuthProvider): ResolvedApiKey | undefined {
    this.ensureDiscovered();
    this.rescanIfExpired(compatibleAuthProviders(provider));
    const now = this.core.clock.now();
    let firstError: unknown;
    for (const authProvider of compatibleAuthProviders(provider)) {
      for (const row of this.rowsFor(authProvider).filter((r) => isAvailable(r, now))) {
        try {
          const value = this.store.credentialValue(row);
          if (value) return { profile_id: row.id, api_key: value };
        } catch (error) {
          firstError ??= error;
        }
      }
    }
    // A wrong master key must surface as such, not as "no API key configured".
    if (firstError) throw firstError;
    return undefined;
  }

  summary(): AuthSummary {
    this.ensureDiscovered();
    const now = this.core.clock.now();
    const rows = this.store.all();
    return {
      total: rows.length,
      enabled: rows.filter((r) => r.enabled).length,
      available: rows.filter((r) => isAvailable(r, now)).length,
      in_cooldown: rows.filter((r) => isInCooldown(r, now)).length,
      disabled: rows.filter((r) => isDisabled(r)).length,
      by_provider: countBy(rows, (r) => r.provider),
      by_source: countBy(rows, (r) => r.source),
    };
  }

  /** Ok when the profile's credential secret exists and decrypts. */
  test(idOrPrefix: string): ProfileTestResult {
    const row = this.store.require(idOrPrefix);
    try {
      const value = this.store.credentialValue(row);
      if (!value) return { id: row.id, ok: false, message: `credential secret of auth profile ${row.id} is missing` };
      return { id: row.id, ok: true, message: `credential resolves (${maskCredential(value)})` };
    } catch (error) {
      return { id: row.id, ok: false, message: (error as Error).message };
    }
  }

  /**
   * Upserts what the discoverers find under stable ids (so discovering again adds neither profiles nor secret
   * rows) and removes discovered profiles whose source was read cleanly but no longer has the credential.
   */
  discover(): DiscoverySummary {
    this.discovered = true;
    const scan = scanCredentials(this.core.env);
    const now = this.core.clock.now();
    let added = 0;
    let updated = 0;
    let removed = 0;
    const foundIds = new Set(scan.found.map((f) => f.id));
    const rows: AuthProfileRow[] = [];
    for (const found of scan.found) {
      const credential = normalizeCredential(found.credential);
      const existing = this.store.find(found.id);
      if (existing) {
        updated++;
        rows.push(this.store.replaceCredential(existing, credential));
        continue;
      }
      added++;
      rows.push(this.store.insert(freshProfileRow(found, now), credential));
    }
    for (const row of this.store.all()) {
      if (row.source !== 'manual' && scan.scanned.includes(row.source) && !foundIds.has(row.id)) {
        if (this.wasDiscovered(row)) {
          this.store.remove(row);
          removed++;
        }
      }
    }
    return {
      total: scan.found.length,
      by_source: countBy(scan.found, (f) => f.source),
      by_provider: countBy(scan.found, (f) => f.provider),
      available: rows.filter((row) => isAvailable(row, now)).length,
      errors: scan.errors,
      added,
      updated,
      removed,
    };
  }

  private ensureDiscovered(): void {
    if (this.discovered || !this.options.autoDiscover) return;
    try {
      this.discover();
    } catch {
      // Discovery is a convenience; an unreadable source must not break listing or selection.
      this.discovered = true;
    }
  }

  /**
   * Claude Code and Codex refresh their own token files; when a token discovered from such a file has expired,
   * reading the file again (at most once a minute) picks up the refreshed token without an OAuth round trip.
   */
  private rescanIfExpired(providers: readonly AuthProvider[]): void {
    if (!this.options.autoDiscover) return;
    const now = this.core.clock.now();
    if (now - this.lastExpiryRescan < RESCAN_INTERVAL_MS) return;
    const stale = this.store
      .all()
      .some(
        (row) =>
          providers.includes(row.provider) && FILE_SOURCES.includes(row.source) && isExpired(row.credential, now),
      );
    if (!stale) return;
    this.lastExpiryRescan = now;
    try {
      this.discover();
    } catch {
      // Same as the first discovery: selection goes on with what is stored.
    }
  }

  private rowsFor(provider: AuthProvider): AuthProfileRow[] {
    return this.store
      .all()
      .filter((row) => row.provider === provider)
      .sort(bySelectionOrder);
  }

  private safeValue(row: AuthProfileRow): string | undefined {
    try {
      return this.store.credentialValue(row);
    } catch {
      return undefined;
    }
  }

  /** Only profiles created by discovery carry the stable id of their (source, provider, email). */
  private wasDiscovered(row: AuthProfileRow): boolean {
    const email = row.credential.email;
    return row.id === stableProfileId(row.source, row.provider, email);
  }
}

/** A new profile row: enabled, default priority, no history yet. */
function freshProfileRow(
  identity: { id: string; name: string; source: AuthSource; provider: AuthProvider },
  now: number,
) {
  return {
    id: identity.id,
    name: identity.name,
    source: identity.source,
    provider: identity.provider,
    health: 'unknown' as const,
    enabled: true,
    priority: 0,
    createdAt: new Date(now).toISOString(),
    lastUsedAt: null,
    lastFailedAt: null,
    failureCount: 0,
    cooldownUntil: null,
  };
}
