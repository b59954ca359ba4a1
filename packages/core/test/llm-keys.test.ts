import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type FakeProvider, startFakeProvider } from '@restflow/fake-provider';
import { createTestServices } from '@restflow/testkit';
import {
  createLlmClientFactory,
  createModelClientResolver,
  findModel,
  type LlmClient,
  type LlmClientFactory,
  type LlmClientOptions,
  type LlmError,
  ModelClientResolver,
  NO_KEY_NEEDED,
  resolveApiKey,
  UnavailableError,
} from '../src/index.ts';
import { collect, never } from './llm-helpers.ts';

const ask = { model: 'x', messages: [{ role: 'user' as const, content: 'hi' }] };

describe('resolveApiKey — one chain, in order', () => {
  it("the agent's direct key wins over everything", async () => {
    const s = createTestServices({ env: { ANTHROPIC_API_KEY: 'sk-env' } });
    s.secrets.set('ANTHROPIC_API_KEY', 'sk-secret');
    const resolved = await resolveApiKey(s, 'anthropic', { type: 'direct', value: 'sk-direct' });
    expect(resolved).toEqual({ apiKey: 'sk-direct', source: 'the agent api_key_config (direct value)' });
  });

  it("the agent's named secret comes next, and a missing one is an error, not a fallback", async () => {
    const s = createTestServices();
    s.secrets.set('TEAM_ANTHROPIC_KEY', 'sk-team');
    s.secrets.set('ANTHROPIC_API_KEY', 'sk-default');
    expect(await resolveApiKey(s, 'anthropic', { type: 'secret', value: 'TEAM_ANTHROPIC_KEY' })).toEqual({
      apiKey: 'sk-team',
      source: 'secret TEAM_ANTHROPIC_KEY (agent api_key_config)',
    });
    await expect(resolveApiKey(s, 'anthropic', { type: 'secret', value: 'MISSING_KEY' })).rejects.toMatchObject({
      message: "The agent's api_key_config names the secret MISSING_KEY, which is not set",
      reason: 'API_KEY_SECRET_MISSING',
      details: { provider: 'anthropic', key_name: 'MISSING_KEY' },
    });
  });

  it('then the best auth profile, ahead of the well-known secret', async () => {
    const s = createTestServices();
    s.secrets.set('ANTHROPIC_API_KEY', 'sk-ant-secret');
    const profile = s.auth.add({
      name: 'work',
      credential: { type: 'api_key', key: 'sk-ant-profile-0123456789' },
      provider: 'anthropic',
    });
    expect(await resolveApiKey(s, 'anthropic')).toEqual({
      apiKey: 'sk-ant-profile-0123456789',
      source: `auth profile ${profile.id}`,
      profileId: profile.id,
    });
  });

  it('then the well-known secret, then the env var, each named as such', async () => {
    const s = createTestServices({ env: { DEEPSEEK_API_KEY: 'sk-ds-env' } });
    s.secrets.set('OPENAI_API_KEY', 'sk-openai-secret');
    expect(await resolveApiKey(s, 'openai')).toEqual({ apiKey: 'sk-openai-secret', source: 'secret OPENAI_API_KEY' });
    expect(await resolveApiKey(s, 'deepseek')).toEqual({ apiKey: 'sk-ds-env', source: 'env DEEPSEEK_API_KEY' });
    // Without a secrets service (a script, a test) the env var still counts.
    expect(await resolveApiKey({ env: { OPENAI_API_KEY: 'sk-bare' } }, 'openai')).toEqual({
      apiKey: 'sk-bare',
      source: 'env OPENAI_API_KEY',
    });
  });

  it('no key anywhere → UnavailableError naming exactly what to set', async () => {
    const s = createTestServices();
    await expect(resolveApiKey(s, 'anthropic')).rejects.toThrow(UnavailableError);
    await expect(resolveApiKey(s, 'anthropic')).rejects.toMatchObject({
      message:
        'No API key for anthropic: set the secret ANTHROPIC_API_KEY (used at once), add an auth profile for ' +
        "anthropic, or set ANTHROPIC_API_KEY in the daemon's environment (read when the daemon starts)",
      reason: 'NO_API_KEY',
      details: { provider: 'anthropic', key_name: 'ANTHROPIC_API_KEY' },
    });
    await expect(resolveApiKey(s, 'deepseek')).rejects.toThrow(
      /No API key for deepseek: set the secret DEEPSEEK_API_KEY/,
    );
  });

  it('OpenAI-compatible servers need no key, but take one when given', async () => {
    const s = createTestServices();
    expect(await resolveApiKey(s, 'openai_compatible')).toEqual({
      apiKey: NO_KEY_NEEDED,
      source: 'no key (OpenAI-compatible server)',
    });
    s.secrets.set('OPENAI_COMPATIBLE_API_KEY', 'vllm-token');
    expect((await resolveApiKey(s, 'openai_compatible')).apiKey).toBe('vllm-token');
  });

  it('an async auth lookup and a secret name the secrets service would refuse both work', async () => {
    const sources = {
      env: {},
      auth: { getApiKey: async () => ({ profile_id: 'p1', api_key: 'sk-async' }) },
      secrets: {
        getValue: (key: string) => (key === 'lower_case' ? 'v' : undefined),
        has: () => {
          throw new Error('invalid key');
        },
      },
    };
    expect((await resolveApiKey(sources, 'openai')).source).toBe('auth profile p1');
    expect(await resolveApiKey(sources, 'openai', { type: 'secret', value: 'lower_case' })).toEqual({
      apiKey: 'v',
      source: 'secret lower_case (agent api_key_config)',
    });
  });
});

describe('ModelClientResolver — agent to client, against the fake provider', () => {
  let fake: FakeProvider;
  beforeAll(async () => {
    fake = await startFakeProvider();
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it('resolves the key, names its source in auth errors, and sends the catalogue API model', async () => {
    const s = createTestServices({ env: fake.env() });
    s.secrets.set('ANTHROPIC_API_KEY', 'sk-ant-from-secret-0001');
    const resolver = createModelClientResolver(s);
    const model = findModel('haiku')!;
    const client = await resolver.resolve({ node: { model: 'claude-haiku-4-5' }, model });
    fake.script({ text: 'hello' }, { error: 401 });
    expect((await collect(client.stream({ ...ask, model: model.api_model }, never()))).text).toBe('hello');
    expect(fake.requests[0]!.headers['x-api-key']).toBe('sk-ant-from-secret-0001');
    expect(fake.requests[0]!.body.model).toBe('claude-haiku-5-5');
    const failed = await collect(client.stream(ask, never()));
    expect((failed.error as LlmError).message).toMatch(
      /^Anthropic rejected the API key \(from secret ANTHROPIC_API_KEY\) \(HTTP 401\)/,
    );
    expect(fake.requests).toHaveLength(2);
  });

  it("follows the provider's verdict on an auth profile: success keeps it healthy, a rejected key cools it down", async () => {
    const s = createTestServices({ env: fake.env() });
    const profile = s.auth.add({
      name: 'personal',
      credential: { type: 'api_key', key: 'sk-openai-profile-0001' },
      provider: 'openai',
    });
    const client = await createModelClientResolver(s).resolve({ node: {}, model: findModel('gpt-5')! });
    fake.script({ text: 'fine' }, { error: 401 });
    await collect(client.stream(ask, never()));
    expect(s.auth.get(profile.id).health).toBe('healthy');
    const failed = await collect(client.stream(ask, never()));
    expect(failed.error).toMatchObject({ kind: 'auth' });
    expect((failed.error as Error).message).toContain(`(from auth profile ${profile.id})`);
    expect(s.auth.get(profile.id)).toMatchObject({ health: 'cooldown', failure_count: 1 });
  });

  it('runs openai-compatible:<model> against the configured server without a key', async () => {
    const s = createTestServices();
    s.providers.set({ openai_compatible: { base_url: fake.openaiBaseUrl, models: ['llama3.1:8b'] } });
    const model = findModel('openai-compatible:llama3.1:8b')!;
    expect(model).toMatchObject({ provider: 'openai_compatible', api_model: 'llama3.1:8b' });
    const client = await createModelClientResolver(s).resolve({ node: { model: model.model }, model });
    expect(client.provider).toBe('openai_compatible');
    fake.script({ text: 'local answer' });
    expect((await collect(client.stream({ ...ask, model: model.api_model }, never()))).text).toBe('local answer');
    expect(fake.requests[0]!.headers.authorization).toBe(`Bearer ${NO_KEY_NEEDED}`);
    expect(fake.requests[0]!.body.model).toBe('llama3.1:8b');
  });

  it('hands the resolved key and its source to the injected factory', async () => {
    const created: LlmClientOptions[] = [];
    const stub: LlmClient = {
      provider: 'deepseek',
      async *stream() {
        yield { type: 'finish', finish_reason: 'stop' };
      },
    };
    const llm: LlmClientFactory = {
      create: (options) => {
        created.push(options);
        return stub;
      },
    };
    const s = createTestServices({ env: { DEEPSEEK_API_KEY: 'sk-ds' }, llm });
    expect(s.llm).toBe(llm);
    const resolver = new ModelClientResolver({ llm, keys: s });
    expect(await resolver.resolve({ node: {}, model: findModel('deepseek-chat')! })).toBe(stub);
    expect(created).toEqual([{ provider: 'deepseek', apiKey: 'sk-ds', keySource: 'env DEEPSEEK_API_KEY' }]);
    await expect(resolver.resolve({ node: {}, model: findModel('gpt-5')! })).rejects.toThrow(/No API key for openai/);
  });

  it('the default services factory reaches the provider named by the env base URL', async () => {
    const s = createTestServices({ env: { ...fake.env(), DEEPSEEK_API_KEY: 'sk-ds-env' } });
    fake.script({ text: 'from deepseek' });
    const client = await createModelClientResolver(s).resolve({ node: {}, model: findModel('deepseek-chat')! });
    expect((await collect(client.stream({ ...ask, model: 'deepseek-chat' }, never()))).text).toBe('from deepseek');
    expect(fake.requests[0]!.headers.authorization).toBe('Bearer sk-ds-env');
    // An explicit factory with retries off fails on the first 503.
    fake.script({ error: 503 });
    const once = createLlmClientFactory({ env: fake.env(), retry: false }).create({
      provider: 'deepseek',
      apiKey: 'k',
    });
    expect((await collect(once.stream(ask, never()))).error).toMatchObject({ kind: 'server', status: 503 });
  });
});
