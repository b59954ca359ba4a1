import { describe, expect, it } from '@jest/globals';
import { createTestCaller, errorOf } from '@restflow/testkit';

describe('agents router: strict inputs', () => {
  it('refuses fields outside the wire shape instead of dropping them (e.g. a top-level model)', async () => {
    const { caller } = createTestCaller();
    const topLevelModel = await errorOf(caller.agents.create({ name: 'x', model: 'gpt-5' } as never));
    expect(topLevelModel.code).toBe('BAD_REQUEST');
    expect(topLevelModel.message).toMatch(/model/);
    expect((await caller.agents.list()).map((a) => a.name)).not.toContain('x');

    const agent = await caller.agents.create({ name: 'y', agent: { model: 'gpt-5' } });
    const extraUpdate = await errorOf(caller.agents.update({ id: agent.id, prompt: 'p' } as never));
    expect(extraUpdate.code).toBe('BAD_REQUEST');
    expect(extraUpdate.message).toMatch(/prompt/);
    expect((await caller.agents.get({ id: agent.id })).agent.prompt).toBeUndefined();
    expect((await errorOf(caller.agents.get({ id: agent.id, name: 'y' } as never))).code).toBe('BAD_REQUEST');
    expect((await errorOf(caller.agents.delete({ id: agent.id, force: true } as never))).code).toBe('BAD_REQUEST');
    expect((await caller.agents.get({ id: agent.id })).name).toBe('y');
  });
});
