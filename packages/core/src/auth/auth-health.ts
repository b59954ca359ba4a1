// Health, cooldown and selection rules of auth profiles, as pure functions of a stored row and "now" so the
// backoff math is testable with a manual clock.
import type { authProfiles, SecureCredential } from '@restflow/db';
import type { AuthHealth } from './auth-types.ts';

export type AuthProfileRow = typeof authProfiles.$inferSelect;

export interface AuthHealthPolicy {
  cooldownSeconds: number;
  maxFailures: number;
}

export const DEFAULT_AUTH_HEALTH_POLICY: AuthHealthPolicy = { cooldownSeconds: 60, maxFailures: 5 };

/** Backoff after the n-th consecutive failure: cooldown × 2^min(n−1, 5). */
export function cooldownMsAfter(failureCount: number, policy: AuthHealthPolicy = DEFAULT_AUTH_HEALTH_POLICY): number {
  const exponent = Math.min(Math.max(failureCount - 1, 0), 5);
  return policy.cooldownSeconds * 1000 * 2 ** exponent;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const parseTime = (text: string | null | undefined): number | undefined => {
  if (!text) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
};

export function isExpired(credential: SecureCredential, now: number): boolean {
  if (credential.type === 'api_key') return false;
  const expiresAt = parseTime(credential.expires_at);
  return expiresAt !== undefined && expiresAt <= now;
}

export function isInCooldown(row: Pick<AuthProfileRow, 'cooldownUntil'>, now: number): boolean {
  const until = parseTime(row.cooldownUntil);
  return until !== undefined && until > now;
}

export function isDisabled(row: Pick<AuthProfileRow, 'enabled' | 'health'>): boolean {
  return !row.enabled || row.health === 'disabled';
}

export function isAvailable(row: AuthProfileRow, now: number): boolean {
  return !isDisabled(row) && !isInCooldown(row, now) && !isExpired(row.credential, now);
}

type HealthPatch = Partial<
  Pick<AuthProfileRow, 'health' | 'enabled' | 'failureCount' | 'cooldownUntil' | 'lastUsedAt' | 'lastFailedAt'>
>;

export function afterSuccess(now: number): HealthPatch {
  return { health: 'healthy', failureCount: 0, cooldownUntil: null, lastUsedAt: iso(now) };
}

/** One more failure: cooldown with exponential backoff, or health "disabled" at `maxFailures`. */
export function afterFailure(
  row: Pick<AuthProfileRow, 'failureCount'>,
  now: number,
  policy: AuthHealthPolicy = DEFAULT_AUTH_HEALTH_POLICY,
): HealthPatch {
  const failureCount = row.failureCount + 1;
  if (failureCount >= policy.maxFailures) {
    return { health: 'disabled', failureCount, cooldownUntil: null, lastFailedAt: iso(now) };
  }
  const health: AuthHealth = 'cooldown';
  return {
    health,
    failureCount,
    cooldownUntil: iso(now + cooldownMsAfter(failureCount, policy)),
    lastFailedAt: iso(now),
  };
}

/** Enabling gives a profile a clean slate: its old failures no longer count against it. */
export function afterEnable(): HealthPatch {
  return { enabled: true, health: 'unknown', failureCount: 0, cooldownUntil: null };
}

export function afterDisable(): HealthPatch {
  return { enabled: false, health: 'disabled', cooldownUntil: null };
}

/** Selection order: priority ascending (lower wins), then most recently used first, then oldest first. */
export function bySelectionOrder(a: AuthProfileRow, b: AuthProfileRow): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  const usedA = parseTime(a.lastUsedAt) ?? Number.NEGATIVE_INFINITY;
  const usedB = parseTime(b.lastUsedAt) ?? Number.NEGATIVE_INFINITY;
  if (usedA !== usedB) return usedB > usedA ? 1 : -1;
  return a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
}
