// The default LlmClientFactory: picks the SDK client for a provider, its base URL (settings → env → public
// endpoint) and wraps it in retries.
import type { LlmProvider } from '../models/catalogue.ts';
import { AnthropicClient } from './anthropic-client.ts';
import { OpenAiClient } from './openai-client.ts';
import type { ProviderSettings } from './provider-settings.ts';
import { type RetryOptions, withRetry } from './retry.ts';
import type { LlmClient, LlmClientFactory, LlmClientOptions } from './types.ts';

export const DEFAULT_BASE_URLS: Readonly<Record<LlmProvider, string>> = Object.freeze({
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
  deepseek: 'https://api.deepseek.com/v1',
  // Ollama's default; LM Studio (:1234/v1) and vLLM (:8000/v1) are a setting away.
  openai_compatible: 'http://localhost:11434/v1',
});

/** Each SDK's standard variable (DeepSeek and compatible servers follow the same pattern). */
export const BASE_URL_ENV: Readonly<Record<LlmProvider, string>> = Object.freeze({
  openai: 'OPENAI_BASE_URL',
  anthropic: 'ANTHROPIC_BASE_URL',
  deepseek: 'DEEPSEEK_BASE_URL',
  openai_compatible: 'OPENAI_COMPATIBLE_BASE_URL',
});

export interface LlmTimeouts {
  /** Until the response headers arrive. */
  requestMs: number;
  /** Longest silence between two stream events; reasoning models can think for minutes. */
  idleMs: number;
}

export const DEFAULT_LLM_TIMEOUTS: Readonly<LlmTimeouts> = Object.freeze({ requestMs: 120_000, idleMs: 300_000 });

export function resolveBaseUrl(
  provider: LlmProvider,
  settings: ProviderSettings | undefined,
  env: NodeJS.ProcessEnv,
): string {
  const fromSettings = settings?.[provider]?.base_url;
  const fromEnv = env[BASE_URL_ENV[provider]]?.trim();
  return (fromSettings || fromEnv || DEFAULT_BASE_URLS[provider]).replace(/\/+$/, '');
}

export interface LlmClientFactoryOptions {
  env?: NodeJS.ProcessEnv;
  /** Read on every create(), so a settings change applies to the next run. */
  settings?: () => ProviderSettings;
  /** `false` turns retries off (each failure surfaces at once). */
  retry?: RetryOptions | false;
  timeouts?: Partial<LlmTimeouts>;
}

export function createLlmClientFactory(options: LlmClientFactoryOptions = {}): LlmClientFactory {
  const env = options.env ?? process.env;
  const timeouts = { ...DEFAULT_LLM_TIMEOUTS, ...options.timeouts };
  return {
    create(request: LlmClientOptions): LlmClient {
      const baseUrl = (request.baseUrl ?? resolveBaseUrl(request.provider, options.settings?.(), env)).replace(
        /\/+$/,
        '',
      );
      const common = {
        apiKey: request.apiKey,
        baseUrl,
        keySource: request.keySource,
        requestTimeoutMs: timeouts.requestMs,
        idleTimeoutMs: timeouts.idleMs,
      };
      const client =
        request.provider === 'anthropic'
          ? new AnthropicClient(common)
          : new OpenAiClient({
              ...common,
              provider: request.provider,
              // Only OpenAI itself knows organizations and projects.
              ...(request.provider === 'openai'
                ? { organization: env.OPENAI_ORG_ID || undefined, project: env.OPENAI_PROJECT_ID || undefined }
                : {}),
            });
      return options.retry === false ? client : withRetry(client, options.retry);
    },
  };
}
