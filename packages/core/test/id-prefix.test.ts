import { describe, expect, it } from '@jest/globals';
import { statementsOf } from '@restflow/db';
import { createTestServices } from '@restflow/testkit';
import { nameTakenIn, resolveIdIn, resolveRefIn } from '../src/id-prefix.ts';

describe('id resolution', () => {
  it('reads rows as objects through the shared statements, whatever mode another user of the same SQL left', () => {
    const s = createTestServices();
    const agent = s.agents.create('Writer');
    // Another caller of the database's shared statements (statementsOf) runs the same SQL texts in other modes.
    const kept = statementsOf(s.db.$client);
    kept('SELECT id FROM agents WHERE id = ?').pluck();
    kept('SELECT id FROM agents WHERE id >= ? AND id < ? ORDER BY id').raw(true);

    expect(resolveRefIn(s.db, 'agents', 'Agent', agent.id)).toBe(agent.id);
    expect(resolveRefIn(s.db, 'agents', 'Agent', 'writer')).toBe(agent.id);
    expect(resolveIdIn(s.db, 'agents', 'Agent', agent.id.slice(0, 8))).toBe(agent.id);
    expect(nameTakenIn(s.db, 'agents', ' WRITER ')).toBe(agent.id);
    expect(nameTakenIn(s.db, 'agents', 'Writer', agent.id)).toBeUndefined();
    // The statements are compiled once: the second resolution reuses the first one's.
    expect(kept('SELECT id FROM agents WHERE id = ?')).toBe(kept('SELECT id FROM agents WHERE id = ?'));
  });
});
