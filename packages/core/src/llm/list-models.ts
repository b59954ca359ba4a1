// A provider's live model list (`GET /v1/models`) through its official SDK: OpenAI, DeepSeek and
// OpenAI-compatible servers (Ollama, LM Studio, vLLM) with the openai SDK, Anthropic with its own. The SDKs are
// imported when a list is first asked for, not at start-up (lazy-client.ts says why).
import { isClaudeOAuthToken } from '../auth/auth-types.ts';
import type { LlmProvider } from '../models/catalogue.ts';
import { toLlmError } from './provider-errors.ts';

export interface ProviderModel {
  /** The provider's API model name. */
  id: string;
  display_name?: string;
  /** Anthropic reports each model's lifecycle; other providers list only what they serve. */
  lifecycle?: 'active' | 'deprecated' | 'retired';
}

export interface ListModelsRequest {
  provider: LlmProvider;
  apiKey: string;
  baseUrl: string;
  /** Where the key came from, for a refused-key message ("env OPENAI_API_KEY"). */
  keySource?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export type ListModelsFn = (request: ListModelsRequest) => Promise<ProviderModel[]>;

/** Long lists are paged; more than this is no longer a picker. */
const MAX_MODELS = 1000;

/** Fails with an LlmError worded like a chat failure (unreachable, key refused, …), never carrying the key. */
export const listProviderModels: ListModelsFn = async (request) => {
  const classes = request.provider === 'anthropic' ? await import('@anthropic-ai/sdk') : await import('openai');
  try {
    return await fetchModels(request);
  } catch (error) {
    throw toLlmError(error, classes, request);
  }
};

async function fetchModels({ provider, apiKey, baseUrl, signal, timeoutMs = 10_000 }: ListModelsRequest) {
  const out: ProviderModel[] = [];
  const options = { signal, timeout: timeoutMs };
  if (provider === 'anthropic') {
    const oauth = isClaudeOAuthToken(apiKey);
    const { default: Anthropic } = await import('@anthropic-ai/sdk');
    const sdk = new Anthropic({
      ...(oauth ? { authToken: apiKey } : { apiKey }),
      baseURL: baseUrl,
      maxRetries: 0,
      // Same headers as the Messages client (anthropic-client.ts): x-api-key, or OAuth with its beta flag.
      defaultHeaders: oauth ? { 'anthropic-beta': 'oauth-2025-04-20' } : { 'X-Api-Key': apiKey, Authorization: null },
    });
    for await (const model of sdk.models.list({ limit: 100 }, options)) {
      out.push({ id: model.id, display_name: model.display_name, lifecycle: model.lifecycle });
      if (out.length >= MAX_MODELS) break;
    }
    return out;
  }
  const { default: OpenAI } = await import('openai');
  const sdk = new OpenAI({ apiKey, baseURL: baseUrl, maxRetries: 0, organization: null, project: null });
  for await (const model of sdk.models.list(options)) {
    out.push({ id: model.id });
    if (out.length >= MAX_MODELS) break;
  }
  return out;
}
