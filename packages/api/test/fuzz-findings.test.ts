// Found by the procedure fuzzer (apps/daemon/test/fuzz-procedures.test.ts), kept as plain regression tests.
import { describe, expect, it } from '@jest/globals';
import { createTestCaller } from '@restflow/testkit';

describe('fuzzer findings', () => {
  it('memory.list pages with an offset and no limit (was an SQLite syntax error: OFFSET without LIMIT)', async () => {
    const { caller, services } = createTestCaller();
    const agent = services.agents.create('Pager');
    for (const content of ['one', 'two', 'three']) {
      await caller.memory.create({ agent_id: agent.id, content, tags: ['t'] });
      services.clock.advance(1000);
    }
    expect((await caller.memory.list({ agent_id: agent.id, offset: 1 })).map((c) => c.content)).toEqual(['two', 'one']);
    expect(await caller.memory.list({ tag: 't', offset: 82034879 })).toEqual([]);
  });
});
