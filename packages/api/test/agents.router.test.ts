import { describe, expect, it } from '@jest/globals';
import { PROTOCOL_VERSION } from '@restflow/paths';
import { createTestCaller, errorOf } from '@restflow/testkit';

describe('agents router', () => {
  it('creates, lists, gets, updates and deletes with the wire shape of StoredAgent', async () => {
    const { caller } = createTestCaller();
    const created = await caller.agents.create({ name: 'Helper', agent: { model: 'sonnet', tools: ['bash'] } });
    expect(created).toMatchObject({ name: 'Helper', agent: { model: 'claude-sonnet-5-5', tools: ['bash'] } });
    expect(typeof created.created_at).toBe('number');
    expect((await caller.agents.list()).map((a) => a.id)).toContain(created.id);
    expect((await caller.agents.get({ id: created.id.slice(0, 8) })).id).toBe(created.id);
    const updated = await caller.agents.update({ id: created.id, name: 'Renamed' });
    expect(updated.name).toBe('Renamed');
    expect(updated.agent.model).toBe('claude-sonnet-5-5');
    await caller.agents.delete({ id: created.id });
    expect((await errorOf(caller.agents.get({ id: created.id }))).code).toBe('NOT_FOUND');
  });

  it('rejects bad input with BAD_REQUEST naming the field', async () => {
    const { caller } = createTestCaller();
    const missing = await errorOf(caller.agents.create({} as never));
    expect(missing.code).toBe('BAD_REQUEST');
    const wrongType = await errorOf(caller.agents.create({ name: 'x', agent: { temperature: 'hot' } } as never));
    expect(wrongType.code).toBe('BAD_REQUEST');
    expect(wrongType.message).toMatch(/temperature/);
    const badModel = await errorOf(caller.agents.create({ name: 'x', agent: { model: 'gpt-0' } }));
    expect(badModel.message).toMatch(/unknown model "gpt-0"/);
    const unknownField = await errorOf(caller.agents.create({ name: 'x', agent: { colour: 'red' } } as never));
    expect(unknownField.code).toBe('BAD_REQUEST');
    expect((await errorOf(caller.agents.update({ id: 'nope', name: 'y' }))).code).toBe('NOT_FOUND');
    expect((await errorOf(caller.agents.delete({ id: '' }))).code).toBe('BAD_REQUEST');
  });
});

describe('config and system routers', () => {
  it('gets, sets, validates and resets the system config', async () => {
    const { caller } = createTestCaller();
    expect((await caller.config.get()).worker_count).toBe(4);
    expect((await caller.config.update({ key: 'max_retries', value: 5 })).max_retries).toBe(5);
    const unknown = await errorOf(caller.config.update({ key: 'colour', value: 1 }));
    expect(unknown.code).toBe('BAD_REQUEST');
    expect(unknown.message).toMatch(/unknown config key "colour"/);
    const tooLow = await errorOf(
      caller.config.set({
        config: { worker_count: 0, task_timeout_seconds: 300, stall_timeout_seconds: 300, max_retries: 3 },
      }),
    );
    expect(tooLow.code).toBe('BAD_REQUEST');
    expect(tooLow.message).toMatch(/worker_count/);
    expect((await caller.config.reset()).max_retries).toBe(3);
  });

  it('reports status, answers ping, lists models and really requests shutdown', async () => {
    const { caller, daemon } = createTestCaller();
    expect(await caller.system.ping()).toBe('pong');
    expect((await caller.system.status()).protocol_version).toBe(PROTOCOL_VERSION);
    const lists = await caller.models.list();
    expect(lists.some((list) => list.models.some((m) => m.id === 'gpt-5' && m.supports_temperature === false))).toBe(
      true,
    );
    expect(await caller.system.shutdown()).toEqual({ shutting_down: true });
    expect(daemon.shutdownRequests).toHaveLength(1);
  });
});
