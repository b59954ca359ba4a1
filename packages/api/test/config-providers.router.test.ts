import { describe, expect, it } from '@jest/globals';
import { createTestCaller, errorOf } from '@restflow/testkit';

describe('config.providers router', () => {
  it('gets and replaces the provider endpoints, normalized', async () => {
    const { caller, services } = createTestCaller();
    expect(await caller.config.providers.get()).toEqual({});
    const saved = await caller.config.providers.set({
      providers: {
        anthropic: { base_url: 'https://gateway.example.com/' },
        openai_compatible: { base_url: 'http://localhost:11434/v1', models: ['llama3.1:8b'] },
      },
    });
    expect(saved).toEqual({
      anthropic: { base_url: 'https://gateway.example.com' },
      openai_compatible: { base_url: 'http://localhost:11434/v1', models: ['llama3.1:8b'] },
    });
    expect(await caller.config.providers.get()).toEqual(saved);
    expect(services.providers.get()).toEqual(saved);
    expect(await caller.config.providers.set({ providers: {} })).toEqual({});
  });

  it('rejects bad URLs and unknown fields with BAD_REQUEST naming the field', async () => {
    const { caller } = createTestCaller();
    const badUrl = await errorOf(caller.config.providers.set({ providers: { openai: { base_url: 'nope' } } }));
    expect(badUrl.code).toBe('BAD_REQUEST');
    expect(badUrl.message).toMatch(/openai\.base_url/);
    const unknownProvider = await errorOf(caller.config.providers.set({ providers: { mistral: {} } } as never));
    expect(unknownProvider.code).toBe('BAD_REQUEST');
    expect(unknownProvider.message).toMatch(/mistral/);
    const modelsElsewhere = await errorOf(
      caller.config.providers.set({ providers: { openai: { models: ['x'] } } } as never),
    );
    expect(modelsElsewhere.code).toBe('BAD_REQUEST');
  });

  it('agents accept openai-compatible:<model>; unknown models list the accepted forms', async () => {
    const { caller } = createTestCaller();
    const agent = await caller.agents.create({ name: 'local', agent: { model: 'openai-compatible:qwen2.5:7b' } });
    expect(agent.agent.model).toBe('openai-compatible:qwen2.5:7b');
    const bad = await errorOf(caller.agents.create({ name: 'x', agent: { model: 'openai-compatible:' } }));
    expect(bad.code).toBe('BAD_REQUEST');
    expect(bad.message).toMatch(
      /unknown model "openai-compatible:".*or openai-compatible:<model> for an OpenAI-compatible server/,
    );
  });
});
