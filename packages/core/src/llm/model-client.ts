// From an agent to a ready client: its model's provider, the key chain, the factory. The engine's LlmResolver.
import type { AgentNode } from '@restflow/db';
import type { ModelMetadata } from '../models/catalogue.ts';
import { type ApiKeySources, resolveApiKey } from './resolve-api-key.ts';
import { type CompletionRequest, type LlmClient, type LlmClientFactory, LlmError, type StreamChunk } from './types.ts';

/** Auth-profile health bookkeeping (AuthProfileService satisfies it). */
export interface ProfileHealth {
  markSuccess(profileId: string): unknown;
  markFailure(profileId: string): unknown;
}

export interface ModelClientDeps {
  llm: LlmClientFactory;
  keys: ApiKeySources;
  health?: ProfileHealth;
}

export interface ModelClientRequest {
  id?: string;
  node: AgentNode;
  model: ModelMetadata;
}

/** Reports the provider's verdict on an auth profile's key: a rejected key puts the profile in cooldown. */
class ProfileTrackingClient implements LlmClient {
  readonly provider: LlmClient['provider'];

  constructor(
    private readonly inner: LlmClient,
    private readonly profileId: string,
    private readonly health: ProfileHealth,
  ) {
    this.provider = inner.provider;
  }

  async *stream(request: CompletionRequest, signal: AbortSignal): AsyncGenerator<StreamChunk> {
    try {
      yield* this.inner.stream(request, signal);
      this.health.markSuccess(this.profileId);
    } catch (error) {
      if (error instanceof LlmError && error.kind === 'auth') this.health.markFailure(this.profileId);
      throw error;
    }
  }
}

export class ModelClientResolver {
  constructor(private readonly deps: ModelClientDeps) {}

  /** Throws UnavailableError naming what to set when no key is found. */
  async resolve({ node, model }: ModelClientRequest): Promise<LlmClient> {
    const key = await resolveApiKey(this.deps.keys, model.provider, node.api_key_config);
    const client = this.deps.llm.create({ provider: model.provider, apiKey: key.apiKey, keySource: key.source });
    return key.profileId && this.deps.health
      ? new ProfileTrackingClient(client, key.profileId, this.deps.health)
      : client;
  }
}

/** The resolver over the composed services (secrets, auth profiles, env, services.llm). */
export function createModelClientResolver(services: {
  llm: LlmClientFactory;
  env: NodeJS.ProcessEnv;
  secrets: ApiKeySources['secrets'];
  auth: NonNullable<ApiKeySources['auth']> & ProfileHealth;
}): ModelClientResolver {
  return new ModelClientResolver({
    llm: services.llm,
    keys: { secrets: services.secrets, auth: services.auth, env: services.env },
    health: services.auth,
  });
}
