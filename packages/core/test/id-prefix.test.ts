import { describe, expect, it } from '@jest/globals';
import { statementsOf } from '@restflow/db';
import { createTestServices } from '@restflow/testkit';
import { nameTakenIn, resolveIdIn, resolveRefIn } from '../src/id-prefix.ts';
import { planProblems, statementsOf as recordedStatementsOf } from './query-plans.ts';

describe('id resolution', () => {
  it('reads rows as objects through the shared statements, whatever mode another user of the same SQL left', () => {
    const s = createTestServices();
    const agent = s.agents.create('Writer');
    // Another caller of the database's shared statements (statementsOf) runs the same SQL texts in other modes.
    const kept = statementsOf(s.db.$client);
    kept('SELECT id FROM agents WHERE id = ?').pluck();
    kept('SELECT id FROM agents WHERE id >= ? AND id < ? ORDER BY id LIMIT ?').raw(true);

    expect(resolveRefIn(s.db, 'agents', 'Agent', agent.id)).toBe(agent.id);
    expect(resolveRefIn(s.db, 'agents', 'Agent', 'writer')).toBe(agent.id);
    expect(resolveIdIn(s.db, 'agents', 'Agent', agent.id.slice(0, 8))).toBe(agent.id);
    expect(nameTakenIn(s.db, 'agents', ' WRITER ')).toBe(agent.id);
    expect(nameTakenIn(s.db, 'agents', 'Writer', agent.id)).toBeUndefined();
    // The statements are compiled once: the second resolution reuses the first one's.
    expect(kept('SELECT id FROM agents WHERE id = ?')).toBe(kept('SELECT id FROM agents WHERE id = ?'));
  });

  it('counts at most 50 ids of an ambiguous prefix, and says when there are more than it counted', () => {
    let n = 0;
    // Ids in order: chunk-x001, chunk-x002, … (the agent takes x000).
    const s = createTestServices({ ids: { uuid: () => `x${String(n++).padStart(3, '0')}` } });
    const agent = s.agents.create('Owner');
    const note = (i: number) => s.memory.storeChunk({ agent_id: agent.id, content: `note ${i}` }).id;
    for (let i = 1; i <= 50; i++) note(i);
    expect(() => resolveIdIn(s.db, 'memory_chunks', 'Memory chunk', 'x', 'chunk-')).toThrow(
      /^id: prefix "chunk-x" is ambiguous: matches 50 memory chunks \(chunk-x001, chunk-x002, .*, …\)$/,
    );
    note(51);
    expect(() => resolveIdIn(s.db, 'memory_chunks', 'Memory chunk', 'x', 'chunk-')).toThrow(
      /^id: prefix "chunk-x" is ambiguous: matches more than 50 memory chunks \(chunk-x001, .*, …\)$/,
    );
    // In full, without the type prefix, or a unique prefix of either.
    expect(resolveIdIn(s.db, 'memory_chunks', 'Memory chunk', 'chunk-x007', 'chunk-')).toBe('chunk-x007');
    expect(resolveIdIn(s.db, 'memory_chunks', 'Memory chunk', 'x007', 'chunk-')).toBe('chunk-x007');
    expect(() => resolveIdIn(s.db, 'memory_chunks', 'Memory chunk', 'x05', 'chunk-')).toThrow(
      'matches 2 memory chunks',
    );
    expect(resolveIdIn(s.db, 'memory_chunks', 'Memory chunk', 'chunk-x051', 'chunk-')).toBe('chunk-x051');
    expect(() => resolveIdIn(s.db, 'memory_chunks', 'Memory chunk', 'chunk-zzzz', 'chunk-')).toThrow(/not found/i);
  });

  it('resolves no row from an empty id, or from only the type prefix, however few rows there are', () => {
    const s = createTestServices();
    const agent = s.agents.create('Owner');
    s.memory.storeChunk({ agent_id: agent.id, content: 'the only note' });
    expect(() => resolveIdIn(s.db, 'agents', 'Agent', '')).toThrow(/not found/i);
    expect(() => resolveIdIn(s.db, 'memory_chunks', 'Memory chunk', 'chunk-', 'chunk-')).toThrow(/not found/i);
    expect(() => resolveIdIn(s.db, 'memory_chunks', 'Memory chunk', '', 'chunk-')).toThrow(/not found/i);
  });

  it('resolves ids and prefixes through the primary-key index, never a scan of the table', () => {
    const s = createTestServices();
    const agent = s.agents.create('Owner');
    const chunk = s.memory.storeChunk({ agent_id: agent.id, content: 'note' });
    const statements = recordedStatementsOf(s.db, () => {
      resolveIdIn(s.db, 'memory_chunks', 'Memory chunk', chunk.id);
      resolveIdIn(s.db, 'memory_chunks', 'Memory chunk', chunk.id.slice(0, 10));
    });
    expect(statements.map((st) => st.sql)).toEqual([
      'SELECT id FROM memory_chunks WHERE id = ?',
      'SELECT id FROM memory_chunks WHERE id = ?',
      'SELECT id FROM memory_chunks WHERE id >= ? AND id < ? ORDER BY id LIMIT ?',
    ]);
    expect(planProblems(s.db, statements, { bigTables: ['memory_chunks'] })).toEqual([]);
  });
});
