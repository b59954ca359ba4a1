import { describe, expect, it } from '@jest/globals';
import { createTestServices } from '@restflow/testkit';
import {
  DEFAULT_BASE_URLS,
  findModel,
  InvalidInputError,
  llmTuningFromEnv,
  normalizeModelId,
  openaiCompatibleModel,
  resolveBaseUrl,
  validateProviderSettings,
} from '../src/index.ts';

describe('provider settings', () => {
  it('start empty, are stored whole in system_config, normalized and validated', () => {
    const s = createTestServices();
    expect(s.providers.get()).toEqual({});
    const saved = s.providers.set({
      openai: { base_url: ' https://proxy.example.com/v1/ ' },
      anthropic: { base_url: '' },
      deepseek: {},
      openai_compatible: { base_url: 'http://localhost:1234/v1', models: ['qwen2.5', 'qwen2.5', ' llama3 '] },
    });
    expect(saved).toEqual({
      openai: { base_url: 'https://proxy.example.com/v1' },
      openai_compatible: { base_url: 'http://localhost:1234/v1', models: ['qwen2.5', 'llama3'] },
    });
    expect(s.providers.get()).toEqual(saved);
    // set replaces the whole settings object
    expect(s.providers.set({ anthropic: { base_url: 'http://127.0.0.1:9999' } })).toEqual({
      anthropic: { base_url: 'http://127.0.0.1:9999' },
    });
    expect(s.providers.get()).toEqual({ anthropic: { base_url: 'http://127.0.0.1:9999' } });
    // the system config row is untouched by provider settings
    expect(s.config.get().worker_count).toBe(4);
  });

  it('rejects URLs that are not http(s) and blank model names, naming the field', () => {
    const bad = (settings: Parameters<typeof validateProviderSettings>[0]) => () => validateProviderSettings(settings);
    expect(bad({ openai: { base_url: 'not a url' } })).toThrow(InvalidInputError);
    expect(bad({ openai: { base_url: 'not a url' } })).toThrow(/^openai\.base_url: "not a url" is not a URL/);
    expect(bad({ deepseek: { base_url: 'ftp://x.example' } })).toThrow(/deepseek\.base_url: must be an http\(s\) URL/);
    expect(bad({ openai_compatible: { models: ['ok', 'has space'] } })).toThrow(
      /openai_compatible\.models: "has space" is not a model name/,
    );
  });

  it('base URL precedence: settings, then env, then the public endpoint', () => {
    const env = { OPENAI_BASE_URL: 'http://env.example/v1/', ANTHROPIC_BASE_URL: '  ' };
    expect(resolveBaseUrl('openai', { openai: { base_url: 'http://settings.example/v1' } }, env)).toBe(
      'http://settings.example/v1',
    );
    expect(resolveBaseUrl('openai', {}, env)).toBe('http://env.example/v1');
    expect(resolveBaseUrl('anthropic', undefined, env)).toBe('https://api.anthropic.com');
    expect(resolveBaseUrl('deepseek', undefined, {})).toBe('https://api.deepseek.com/v1');
    expect(resolveBaseUrl('openai_compatible', undefined, {})).toBe(DEFAULT_BASE_URLS.openai_compatible);
    // Each provider follows its own SDK-style variable.
    const ownEnv = {
      DEEPSEEK_BASE_URL: 'http://deepseek.local/v1',
      OPENAI_COMPATIBLE_BASE_URL: 'http://ollama.local/v1',
    };
    expect(resolveBaseUrl('deepseek', undefined, ownEnv)).toBe('http://deepseek.local/v1');
    expect(resolveBaseUrl('openai_compatible', undefined, ownEnv)).toBe('http://ollama.local/v1');
    expect(resolveBaseUrl('anthropic', undefined, { ANTHROPIC_BASE_URL: 'http://claude.local' })).toBe(
      'http://claude.local',
    );
  });
});

describe('LLM tuning from the environment', () => {
  it('reads retry and timeout knobs, ignoring blanks and nonsense', () => {
    expect(
      llmTuningFromEnv({
        RESTFLOW_LLM_MAX_ATTEMPTS: '2',
        RESTFLOW_LLM_RETRY_BASE_MS: '0',
        RESTFLOW_LLM_REQUEST_TIMEOUT_MS: '5000',
        RESTFLOW_LLM_IDLE_TIMEOUT_MS: 'soon',
      }),
    ).toEqual({ policy: { maxAttempts: 2, baseDelayMs: 0 }, timeouts: { requestMs: 5000 } });
    expect(llmTuningFromEnv({ RESTFLOW_LLM_MAX_ATTEMPTS: '0', RESTFLOW_LLM_RETRY_BASE_MS: '' })).toEqual({
      policy: {},
      timeouts: {},
    });
  });
});

describe('model ids', () => {
  it('accept catalogue ids, aliases and openai-compatible:<model>', () => {
    expect(findModel('sonnet')).toMatchObject({ model: 'claude-sonnet-5-5', provider: 'anthropic' });
    expect(findModel('claude-code-opus')).toMatchObject({ provider: 'anthropic', api_model: 'claude-opus-5-5' });
    expect(findModel('anthropic:claude-sonnet-4-6')).toMatchObject({
      provider: 'anthropic',
      api_model: 'claude-sonnet-4-6',
      supports_temperature: true,
    });
    expect(findModel('openai:gpt-5.1')).toMatchObject({
      provider: 'openai',
      api_model: 'gpt-5.1',
      supports_temperature: false,
    });
    expect(findModel('deepseek:deepseek-v4')?.provider).toBe('deepseek');
    expect(findModel('anthropic:')).toBeUndefined();
    expect(findModel('mistral:large')).toBeUndefined();
    expect(findModel('deepseek-reasoner')).toMatchObject({ provider: 'deepseek', supports_temperature: false });
    expect(findModel('openai-compatible:qwen2.5-coder:7b')).toEqual({
      model: 'openai-compatible:qwen2.5-coder:7b',
      provider: 'openai_compatible',
      name: 'qwen2.5-coder:7b (OpenAI-compatible)',
      supports_temperature: true,
      api_model: 'qwen2.5-coder:7b',
    });
    expect(normalizeModelId('openai-compatible:org/Model-GGUF')).toBe('openai-compatible:org/Model-GGUF');
    expect(normalizeModelId('haiku')).toBe('claude-haiku-5-5');
    expect(normalizeModelId('openai-compatible:')).toBeUndefined();
    expect(normalizeModelId('openai-compatible:two words')).toBeUndefined();
    expect(normalizeModelId('gpt-4')).toBeUndefined();
    expect(openaiCompatibleModel('gpt-5')).toBeUndefined();
  });
});
