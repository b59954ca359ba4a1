// The default LlmClientFactory: picks the SDK client for a provider, its base URL (settings → env → public
// endpoint) and wraps it in retries.
import type { LlmProvider } from '../models/catalogue.ts';
import { lazyClient } from './lazy-client.ts';
import type { ProviderSettings } from './provider-settings.ts';
import { type RetryOptions, type RetryPolicy, withRetry } from './retry.ts';
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

/**
 * Tuning from the environment, for a daemon that tests (or an operator) cannot inject options into:
 * RESTFLOW_LLM_MAX_ATTEMPTS, RESTFLOW_LLM_RETRY_BASE_MS, RESTFLOW_LLM_REQUEST_TIMEOUT_MS, RESTFLOW_LLM_IDLE_TIMEOUT_MS.
 */
export function llmTuningFromEnv(env: NodeJS.ProcessEnv): {
  policy: Partial<RetryPolicy>;
  timeouts: Partial<LlmTimeouts>;
} {
  const read = (name: string, min: number) => {
    const value = Number(env[name]);
    return env[name] !== undefined && env[name] !== '' && Number.isInteger(value) && value >= min ? value : undefined;
  };
  const entries = <T>(record: Record<string, number | undefined>) =>
    Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as T;
  return {
    policy: entries({
      maxAttempts: read('RESTFLOW_LLM_MAX_ATTEMPTS', 1),
      baseDelayMs: read('RESTFLOW_LLM_RETRY_BASE_MS', 0),
    }),
    timeouts: entries({
      requestMs: read('RESTFLOW_LLM_REQUEST_TIMEOUT_MS', 1),
      idleMs: read('RESTFLOW_LLM_IDLE_TIMEOUT_MS', 1),
    }),
  };
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
  const tuning = llmTuningFromEnv(env);
  const timeouts = { ...DEFAULT_LLM_TIMEOUTS, ...tuning.timeouts, ...options.timeouts };
  const retry: RetryOptions | false =
    options.retry === false ? false : { ...options.retry, policy: { ...tuning.policy, ...options.retry?.policy } };
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
      const { provider } = request;
      const client =
        provider === 'anthropic'
          ? lazyClient(provider, async () => new (await import('./anthropic-client.ts')).AnthropicClient(common))
          : lazyClient(
              provider,
              async () =>
                new (await import('./openai-client.ts')).OpenAiClient({
                  ...common,
                  provider,
                  // Only OpenAI itself knows organizations and projects.
                  ...(provider === 'openai'
                    ? { organization: env.OPENAI_ORG_ID || undefined, project: env.OPENAI_PROJECT_ID || undefined }
                    : {}),
                }),
            );
      return retry === false ? client : withRetry(client, retry);
    },
  };
}
