import { describe, expect, it } from '@jest/globals';
import { createTestCaller, errorOf } from '@restflow/testkit';

describe('auth router: selection and GetApiKey', () => {
  it('selects the lowest-priority available profile with a reason and the alternatives in order', async () => {
    const { caller } = createTestCaller();
    const first = await caller.auth.create({
      name: 'first',
      provider: 'openai',
      credential: { type: 'api_key', key: 'sk-select-first-000000001' },
    });
    const second = await caller.auth.create({
      name: 'second',
      provider: 'openai',
      credential: { type: 'api_key', key: 'sk-select-second-00000002' },
    });
    await caller.auth.use({ id: second.id });
    const selection = await caller.auth.select({ provider: 'openai' });
    expect(selection.profile.id).toBe(second.id);
    expect(selection.alternatives.map((p) => p.id)).toEqual([first.id]);
    expect(selection.reason).toMatch(/lowest priority \(0\) of 2 available openai profiles/);
    expect(JSON.stringify(selection)).not.toContain('sk-select-');
  });

  it('apiKey returns {profile_id, api_key}, walking the auth providers compatible with a model provider', async () => {
    const { caller } = createTestCaller();
    const p = await caller.auth.create({
      name: 'deepseek',
      provider: 'other',
      credential: { type: 'api_key', key: 'sk-deepseek-key-000000042' },
    });
    expect(await caller.auth.apiKey({ provider: 'deepseek' })).toEqual({
      profile_id: p.id,
      api_key: 'sk-deepseek-key-000000042',
    });
    expect(await caller.auth.apiKey({ provider: 'other' })).toEqual({
      profile_id: p.id,
      api_key: 'sk-deepseek-key-000000042',
    });
  });

  it('no usable profile → PRECONDITION_FAILED naming the provider; an unknown provider → BAD_REQUEST', async () => {
    const { caller } = createTestCaller();
    const none = await errorOf(caller.auth.apiKey({ provider: 'anthropic' }));
    expect(none.code).toBe('PRECONDITION_FAILED');
    expect(none.message).toBe('no available auth profile holds a key for anthropic');
    const noneSelected = await errorOf(caller.auth.select({ provider: 'google' }));
    expect(noneSelected.code).toBe('PRECONDITION_FAILED');
    expect(noneSelected.message).toBe('no available google auth profile');
    const p = await caller.auth.create({
      name: 'off',
      provider: 'google',
      credential: { type: 'api_key', key: 'g-key-disabled-0000000001' },
    });
    await caller.auth.disable({ id: p.id });
    expect((await errorOf(caller.auth.select({ provider: 'google' }))).code).toBe('PRECONDITION_FAILED');

    const bad = await errorOf(caller.auth.apiKey({ provider: 'acme' as never }));
    expect(bad.code).toBe('BAD_REQUEST');
    expect(bad.message).toMatch(/provider: provider must be one of anthropic, openai, deepseek/);
    expect((await errorOf(caller.auth.select({ provider: 'deepseek' as never }))).code).toBe('BAD_REQUEST');
  });
});
