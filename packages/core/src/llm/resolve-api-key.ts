// The one API-key chain every path uses (chat, tasks, channels, CLI exec): the agent's own api_key_config,
// then the best auth profile, then the well-known secret, then the environment (docs/engine.md#key-resolution).
import type { AgentNode } from '@restflow/db';
import { UnavailableError } from '../errors.ts';
import type { LlmProvider, Provider } from '../models/catalogue.ts';

export type ApiKeyConfig = NonNullable<AgentNode['api_key_config']>;

/** What the chain needs from the secrets service (SecretService satisfies it). */
export interface SecretLookup {
  /** The stored value (or the env var of the same name), undefined when neither exists. */
  getValue(key: string): string | undefined;
  has?(key: string): { exists: boolean; source: 'stored' | 'environment' | null };
}

/** What the chain needs from the auth profiles (AuthProfileService satisfies it). */
export interface AuthKeyLookup {
  getApiKey(
    provider: Provider,
  ): { profile_id: string; api_key: string } | undefined | Promise<{ profile_id: string; api_key: string } | undefined>;
}

export interface ApiKeySources {
  secrets?: SecretLookup;
  auth?: AuthKeyLookup;
  env: NodeJS.ProcessEnv;
}

export interface ApiKeyResolution {
  apiKey: string;
  /** Where the key came from, never the value: "secret ANTHROPIC_API_KEY", "auth profile 1a2b…", "env OPENAI_API_KEY". */
  source: string;
  /** Set when an auth profile supplied the key, so its health can follow the provider's verdict. */
  profileId?: string;
}

export const WELL_KNOWN_KEY_NAMES: Readonly<Record<LlmProvider, string>> = Object.freeze({
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  deepseek: 'DEEPSEEK_API_KEY',
  openai_compatible: 'OPENAI_COMPATIBLE_API_KEY',
});

/** Ollama, LM Studio and vLLM run without auth; the SDK still wants a non-empty key. */
export const NO_KEY_NEEDED = 'not-needed';

function fromSecret(sources: ApiKeySources, name: string): ApiKeyResolution | undefined {
  const value = sources.secrets?.getValue(name);
  if (!value) return undefined;
  let viaEnv = false;
  try {
    viaEnv = sources.secrets?.has?.(name).source === 'environment';
  } catch {
    // A name `has` refuses (not A-Z0-9_) can only have come from storage.
  }
  return { apiKey: value, source: viaEnv ? `env ${name}` : `secret ${name}` };
}

export async function resolveApiKey(
  sources: ApiKeySources,
  provider: LlmProvider,
  config?: ApiKeyConfig,
): Promise<ApiKeyResolution> {
  if (config?.type === 'direct') return { apiKey: config.value, source: 'the agent api_key_config (direct value)' };
  if (config?.type === 'secret') {
    const found = fromSecret(sources, config.value);
    if (found) return { ...found, source: `${found.source} (agent api_key_config)` };
    // An agent that names its key must not silently run on another one.
    throw new UnavailableError(`The agent's api_key_config names the secret ${config.value}, which is not set`, {
      reason: 'API_KEY_SECRET_MISSING',
      details: { provider, key_name: config.value },
    });
  }
  if (provider !== 'openai_compatible' && sources.auth) {
    const profile = await sources.auth.getApiKey(provider);
    if (profile?.api_key) {
      return { apiKey: profile.api_key, source: `auth profile ${profile.profile_id}`, profileId: profile.profile_id };
    }
  }
  const name = WELL_KNOWN_KEY_NAMES[provider];
  const secret = fromSecret(sources, name);
  if (secret) return secret;
  const fromEnv = sources.env[name];
  if (fromEnv) return { apiKey: fromEnv, source: `env ${name}` };
  if (provider === 'openai_compatible') return { apiKey: NO_KEY_NEEDED, source: 'no key (OpenAI-compatible server)' };
  throw new UnavailableError(
    `No API key for ${provider}: set the secret ${name} (used at once), add an auth profile for ${provider}, ` +
      `or set ${name} in the daemon's environment (read when the daemon starts)`,
    { reason: 'NO_API_KEY', details: { provider, key_name: name } },
  );
}
