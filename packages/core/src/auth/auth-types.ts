// Wire shapes of auth profiles (docs/entities.md#auth-profiles). Stored rows hold only secret refs; the wire adds a
// masked hint and the computed availability, never a credential value.
import type { AuthHealth, AuthProvider, AuthSource, SecureCredential } from '@restflow/db';
import type { Provider } from '../models/catalogue.ts';

export type { AuthHealth, AuthProvider, AuthSource, SecureCredential };

export const AUTH_PROVIDERS = ['anthropic', 'claude_code', 'openai', 'openai_codex', 'google', 'other'] as const;
export const AUTH_SOURCES = ['claude_code', 'codex_cli', 'keychain', 'environment', 'manual'] as const;

/** A raw credential as a user or a discoverer provides it; turned into secrets + refs on write. */
export type CredentialInput =
  | { type: 'api_key'; key: string; email?: string }
  | { type: 'token'; token: string; expires_at?: string; email?: string }
  | { type: 'o_auth'; access_token: string; refresh_token?: string; expires_at?: string; email?: string };

export type WireCredential = SecureCredential & { hint: string | null };

export interface AuthProfile {
  id: string;
  name: string;
  credential: WireCredential;
  source: AuthSource;
  provider: AuthProvider;
  health: AuthHealth;
  enabled: boolean;
  priority: number;
  /** RFC 3339 (auth profile times are strings, unlike the ms elsewhere). */
  created_at: string;
  last_used_at: string | null;
  last_failed_at: string | null;
  failure_count: number;
  cooldown_until: string | null;
  /** enabled ∧ not disabled by failures ∧ not in cooldown ∧ not expired. */
  available: boolean;
}

export interface ProfileUpdate {
  name?: string;
  enabled?: boolean;
  priority?: number;
}

export interface ProfileSelection {
  profile: AuthProfile;
  reason: string;
  alternatives: AuthProfile[];
}

export interface AuthSummary {
  total: number;
  enabled: number;
  available: number;
  in_cooldown: number;
  disabled: number;
  by_provider: Record<string, number>;
  by_source: Record<string, number>;
}

export interface DiscoverySummary {
  /** Credentials found by this pass. */
  total: number;
  by_source: Record<string, number>;
  by_provider: Record<string, number>;
  available: number;
  errors: string[];
  added: number;
  updated: number;
  /** Previously discovered profiles whose source no longer has the credential. */
  removed: number;
}

export interface ResolvedApiKey {
  profile_id: string;
  api_key: string;
}

export interface ProfileTestResult {
  id: string;
  ok: boolean;
  message: string;
}

/** Auth providers that can serve a model provider, in preference order. */
export const MODEL_PROVIDER_AUTH: Record<Provider, readonly AuthProvider[]> = {
  anthropic: ['claude_code', 'anthropic'],
  openai: ['openai_codex', 'openai'],
  deepseek: ['other'],
};

export function compatibleAuthProviders(provider: Provider | AuthProvider): readonly AuthProvider[] {
  return (MODEL_PROVIDER_AUTH as Record<string, readonly AuthProvider[]>)[provider] ?? [provider as AuthProvider];
}

/** Claude OAuth tokens look like API keys but must be sent as bearer tokens. */
export const CLAUDE_OAUTH_TOKEN_PREFIX = 'sk-ant-oat';
export const isClaudeOAuthToken = (value: string): boolean => value.startsWith(CLAUDE_OAUTH_TOKEN_PREFIX);

/** `sk-ant-api03-…3f9a` → `sk-…3f9a`: enough to recognise a key, far too little to use it. */
export function maskCredential(value: string): string {
  if (value.length < 12) return '…';
  const dash = value.indexOf('-');
  const head = dash > 0 && dash <= 4 ? value.slice(0, dash + 1) : value.slice(0, 3);
  return `${head}…${value.slice(-4)}`;
}
