import { describe, expect, it } from '@jest/globals';
import { appRouter, createCallerFactory } from '@restflow/api';
import { CHANGES_CHANNEL, type Change } from '@restflow/core';
import { createTestServices, fakeDaemonControl } from '@restflow/testkit';

const tick = () => new Promise((r) => setTimeout(r, 10));

describe('system.onChanges', () => {
  it('streams changes made through other procedures, and stops on abort', async () => {
    const services = createTestServices();
    const controller = new AbortController();
    // The caller-level signal is what tRPC hands to procedures (a transport aborts it on unsubscribe).
    const caller = createCallerFactory(appRouter)(
      { services, daemon: fakeDaemonControl(), transport: 'local' },
      { signal: controller.signal },
    );
    const stream = await caller.system.onChanges();
    const seen: Change[] = [];
    const consumer = (async () => {
      for await (const change of stream) {
        seen.push(change);
        if (seen.length === 3) controller.abort();
      }
    })();
    await tick();
    const agent = await caller.agents.create({ name: 'writer', agent: {} });
    await caller.secrets.set({ key: 'API_TOKEN', value: 'hunter2-value' });
    await caller.agents.delete({ id: agent.id });
    await consumer;
    expect(seen).toEqual([
      { entity: 'agents', id: agent.id, action: 'created' },
      { entity: 'secrets', id: 'API_TOKEN', action: 'created' },
      { entity: 'agents', id: agent.id, action: 'deleted' },
    ]);
    expect(JSON.stringify(seen)).not.toContain('hunter2');
    expect(services.bus.listenerCount(CHANGES_CHANNEL)).toBe(0);
  });

  it('releases the bus listener when the consumer stops iterating', async () => {
    const services = createTestServices();
    const caller = createCallerFactory(appRouter)({ services, daemon: fakeDaemonControl(), transport: 'local' });
    const stream = await caller.system.onChanges();
    const consumer = (async () => {
      for await (const change of stream) return change;
      return undefined;
    })();
    await tick();
    await caller.config.update({ key: 'worker_count', value: 2 });
    expect(await consumer).toEqual({ entity: 'config', id: 'system', action: 'updated' });
    await tick();
    expect(services.bus.listenerCount(CHANGES_CHANNEL)).toBe(0);
  });
});
