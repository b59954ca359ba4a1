// Live model lists through the real SDKs against the fake provider (both formats), their cache, and the
// default assistant getting a model as soon as a provider is usable.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type FakeProvider, startFakeProvider } from '@restflow/fake-provider';
import { createTestServices, waitUntil } from '@restflow/testkit';
import { bestAvailableModel } from '../src/agents/default-agent-model.ts';
import { DEFAULT_AGENT_NAME, ManualClock } from '../src/index.ts';
import { listProviderModels } from '../src/llm/list-models.ts';
import type { ProviderModels } from '../src/models/model-list.service.ts';

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  fake.setModels('openai', ['gpt-5.4', 'gpt-5-mini', 'fake-local-llm']);
  fake.setModels('anthropic', ['claude-sonnet-5-5', 'claude-haiku-5-5']);
});

const byProvider = (lists: ProviderModels[], provider: string) => lists.find((l) => l.provider === provider);

describe('listProviderModels (the SDKs’ models.list)', () => {
  it('reads OpenAI’s format and Anthropic’s paged format', async () => {
    const openai = await listProviderModels({ provider: 'openai', apiKey: 'sk-o', baseUrl: fake.openaiBaseUrl });
    expect(openai.map((m) => m.id)).toEqual(['gpt-5.4', 'gpt-5-mini', 'fake-local-llm']);
    const many = Array.from({ length: 130 }, (_, i) => `claude-test-${i}`);
    fake.setModels('anthropic', many);
    const anthropic = await listProviderModels({
      provider: 'anthropic',
      apiKey: 'sk-ant-key',
      baseUrl: fake.anthropicBaseUrl,
    });
    expect(anthropic.map((m) => m.id)).toEqual(many);
    expect(anthropic[0]).toMatchObject({ display_name: 'claude-test-0', lifecycle: 'active' });
    // Two pages of 100; the key travels as x-api-key, like the Messages client sends it.
    expect(fake.modelRequests.filter((r) => r.api === 'anthropic')).toHaveLength(2);
    expect(fake.modelRequests.at(-1)?.headers['x-api-key']).toBe('sk-ant-key');
    expect(fake.requests).toHaveLength(0);
  });

  it('a refused key is an error worded like a chat failure, without the key', async () => {
    fake.setModels('openai', { error: 401 });
    const failed = await listProviderModels({
      provider: 'openai',
      apiKey: 'sk-wrong-0123456789',
      baseUrl: fake.openaiBaseUrl,
      keySource: 'env OPENAI_API_KEY',
    }).catch((e: unknown) => e as Error);
    expect((failed as Error).message).toMatch(/^OpenAI rejected the API key \(from env OPENAI_API_KEY\) \(HTTP 401\)/);
    expect((failed as Error).message).not.toContain('sk-wrong-0123456789');
  });
});

describe('ModelListService', () => {
  it('lists configured providers live (catalogue ids where known), the others from the catalogue', async () => {
    const s = createTestServices({ env: { OPENAI_API_KEY: 'sk-o', OPENAI_BASE_URL: fake.openaiBaseUrl } });
    const lists = await s.models.list();
    expect(lists.map((l) => [l.provider, l.configured, l.source])).toEqual([
      ['openai', true, 'live'],
      ['anthropic', false, 'catalogue'],
      ['deepseek', false, 'catalogue'],
      ['openai_compatible', false, 'catalogue'],
    ]);
    const openai = byProvider(lists, 'openai');
    // Discovery turns the env key into an auth profile; either way the source is named, never the key.
    expect(openai).toMatchObject({ base_url: fake.openaiBaseUrl, error: null });
    expect(openai?.key_source).toMatch(/^(auth profile \S+|env OPENAI_API_KEY)$/);
    expect(openai?.models.map((m) => [m.id, m.in_catalogue])).toEqual([
      ['gpt-5.4', true],
      ['gpt-5-mini', true],
      ['openai:fake-local-llm', false],
    ]);
    const anthropic = byProvider(lists, 'anthropic');
    expect(anthropic?.error).toMatch(/^No API key for anthropic/);
    expect(anthropic?.models.map((m) => m.id)).toContain('claude-sonnet-5-5');
    expect(anthropic?.models.map((m) => m.id)).not.toContain('claude-sonnet-4-5');
    expect(JSON.stringify(lists)).not.toContain('sk-o"');
  });

  it('caches per provider: reused within the TTL, fetched again after it, on refresh and on a new key', async () => {
    const clock = new ManualClock();
    const s = createTestServices({ clock, env: { ANTHROPIC_BASE_URL: fake.anthropicBaseUrl } });
    s.secrets.set('ANTHROPIC_API_KEY', 'sk-ant-first');
    const fetches = () => fake.modelRequests.length;
    await s.models.list({ provider: 'anthropic' });
    await s.models.list({ provider: 'anthropic' });
    expect(fetches()).toBe(1);
    fake.setModels('anthropic', ['claude-opus-5-5']);
    clock.advance(11 * 60_000);
    const [afterTtl] = await s.models.list({ provider: 'anthropic' });
    expect(afterTtl?.models.map((m) => m.id)).toEqual(['claude-opus-5-5']);
    expect(fetches()).toBe(2);
    await s.models.list({ provider: 'anthropic', refresh: true });
    expect(fetches()).toBe(3);
    s.secrets.set('ANTHROPIC_API_KEY', 'sk-ant-second');
    await s.models.list({ provider: 'anthropic' });
    expect(fetches()).toBe(4);
    expect(fake.modelRequests.at(-1)?.headers['x-api-key']).toBe('sk-ant-second');
    // Offline: nobody is asked.
    const [offline] = await s.models.list({ provider: 'anthropic', live: false });
    expect(offline).toMatchObject({ configured: true, source: 'catalogue', error: null });
    expect(fetches()).toBe(4);
  });

  it('a failed fetch falls back to the catalogue with the reason, and is retried soon', async () => {
    const clock = new ManualClock();
    const s = createTestServices({ clock, env: { OPENAI_API_KEY: 'sk-o', OPENAI_BASE_URL: fake.openaiBaseUrl } });
    fake.setModels('openai', { error: 503, message: 'overloaded' });
    const [failed] = await s.models.list({ provider: 'openai' });
    expect(failed).toMatchObject({ configured: true, source: 'catalogue', fetched_at: null });
    expect(failed?.error).toMatch(/OpenAI server error \(HTTP 503\)/);
    expect(failed?.models.map((m) => m.id)).toContain('gpt-5.4');
    fake.setModels('openai', ['gpt-5.4']);
    clock.advance(31_000);
    const [recovered] = await s.models.list({ provider: 'openai' });
    expect(recovered).toMatchObject({ source: 'live', error: null, fetched_at: clock.now() });
  });

  it('an OpenAI-compatible server counts once its endpoint is named, and needs no key', async () => {
    const s = createTestServices({ env: {} });
    expect((await s.models.list({ provider: 'openai_compatible' }))[0]?.configured).toBe(false);
    s.providers.set({ openai_compatible: { base_url: fake.openaiBaseUrl, models: ['llama3.1:8b'] } });
    const [offline] = await s.models.list({ provider: 'openai_compatible', live: false });
    expect(offline?.models.map((m) => m.id)).toEqual(['openai-compatible:llama3.1:8b']);
    const [live] = await s.models.list({ provider: 'openai_compatible' });
    expect(live?.models.map((m) => m.id)).toEqual([
      'openai-compatible:fake-local-llm',
      'openai-compatible:gpt-5-mini',
      'openai-compatible:gpt-5.4',
    ]);
  });
});

describe('the default assistant’s model', () => {
  const lists = (entries: Partial<ProviderModels>[]): ProviderModels[] =>
    entries.map((e) => ({
      provider: 'openai',
      configured: true,
      key_source: null,
      base_url: '',
      source: 'live',
      models: [],
      fetched_at: 0,
      error: null,
      ...e,
    }));
  const model = (id: string) => ({
    id,
    api_model: id,
    name: id,
    in_catalogue: true,
    supports_temperature: true,
    lifecycle: null,
  });

  it('bestAvailableModel: first configured provider in preference order, on its preferred live model', () => {
    expect(bestAvailableModel(lists([{ provider: 'anthropic', configured: false }]))).toBeUndefined();
    expect(bestAvailableModel(lists([{ provider: 'openai', source: 'catalogue' }]))).toBe('gpt-5.4');
    expect(
      bestAvailableModel(
        lists([
          { provider: 'openai', models: [model('gpt-5.4')] },
          { provider: 'anthropic', models: [model('claude-haiku-5-5'), model('claude-opus-5-5')] },
        ]),
      ),
    ).toBe('claude-opus-5-5');
    expect(
      bestAvailableModel(lists([{ provider: 'openai_compatible', models: [model('openai-compatible:qwen3')] }])),
    ).toBe('openai-compatible:qwen3');
  });

  it('is seeded with a model when a key exists, else without one', async () => {
    const withKey = createTestServices({ env: { DEEPSEEK_API_KEY: 'sk-d' } });
    const { seeded } = await withKey.defaultAgent.seed();
    expect(seeded).toMatchObject({ name: DEFAULT_AGENT_NAME, agent: { model: 'deepseek-chat' } });
    const bare = createTestServices({ env: {} });
    expect((await bare.defaultAgent.seed()).seeded?.agent.model).toBeUndefined();
    expect(await bare.defaultAgent.seed()).toEqual({});
  });

  it('on a data dir seeded before, asks for no model list unless the default assistant still lacks a model', async () => {
    const s = createTestServices({ env: { DEEPSEEK_API_KEY: 'sk-d' } });
    expect((await s.defaultAgent.seed()).seeded).toBeDefined();
    let listed = 0;
    const list = s.models.list.bind(s.models);
    s.models.list = (options) => {
      listed += 1;
      return list(options);
    };
    // A restart: the table has the assistant, on a model.
    expect(await s.defaultAgent.seed()).toEqual({});
    expect(listed).toBe(0);
    // Model-less (no key when it was seeded): the lists are read, and it gets one.
    const bare = createTestServices({ env: {} });
    const { seeded } = await bare.defaultAgent.seed();
    bare.secrets.set('DEEPSEEK_API_KEY', 'sk-d');
    const again = await bare.defaultAgent.seed();
    expect(again).toEqual({
      assigned: expect.objectContaining({ id: seeded?.id, agent: expect.objectContaining({ model: 'deepseek-chat' }) }),
    });
  });

  it('gets one as soon as a key appears (even renamed), and a chosen model is never replaced', async () => {
    const s = createTestServices({ env: { OPENAI_BASE_URL: fake.openaiBaseUrl } });
    const { seeded } = await s.defaultAgent.seed();
    s.agents.update(seeded!.id, { name: 'My helper' });
    const stop = new AbortController();
    const assigned: string[] = [];
    const watching = s.defaultAgent.watch(stop.signal, { onAssigned: (a) => assigned.push(a.agent.model ?? '') });
    s.secrets.set('OPENAI_API_KEY', 'sk-now');
    await waitUntil(() => assigned.length > 0, 5000, 'the default agent to be given a model');
    expect(assigned).toEqual(['gpt-5.4']);
    expect(s.agents.get(seeded!.id).agent).toMatchObject({ model: 'gpt-5.4', prompt: expect.any(String) });
    s.agents.update(seeded!.id, { agent: { model: 'gpt-5-mini' } });
    expect(await s.defaultAgent.assign({ live: true })).toBeUndefined();
    stop.abort();
    await watching;
    expect(s.agents.get(seeded!.id).agent.model).toBe('gpt-5-mini');
  });
});
