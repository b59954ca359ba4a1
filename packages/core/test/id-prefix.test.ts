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

  it('reads at most 51 ids of an ambiguous prefix, and says when there are more than it names', () => {
    const s = createTestServices();
    const agent = s.agents.create('Owner');
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) ids.push(s.memory.storeChunk({ agent_id: agent.id, content: `note ${i}` }).id);
    // Every chunk id starts with `chunk-`: the bare type prefix names all 60.
    expect(() => resolveIdIn(s.db, 'memory_chunks', 'Memory chunk', 'chunk-')).toThrow(
      /^id: prefix "chunk-" is ambiguous: matches more than 50 memory chunks \(.*, …\)$/,
    );
    const one = ids[7] as string;
    // In full, without the type prefix, or a unique prefix of either.
    expect(resolveIdIn(s.db, 'memory_chunks', 'Memory chunk', one, 'chunk-')).toBe(one);
    expect(resolveIdIn(s.db, 'memory_chunks', 'Memory chunk', one.slice('chunk-'.length), 'chunk-')).toBe(one);
    const uniqueLength = Array.from({ length: one.length }, (_, n) => n + 1).find(
      (n) => ids.filter((id) => id.startsWith(one.slice(0, n))).length === 1,
    ) as number;
    expect(resolveIdIn(s.db, 'memory_chunks', 'Memory chunk', one.slice('chunk-'.length, uniqueLength), 'chunk-')).toBe(
      one,
    );
    // Fewer than 51 matches are all counted: the first hex digit most of the 60 ids share (at least 4 of them).
    const digits = [...'0123456789abcdef'].map((d) => ({
      prefix: `chunk-${d}`,
      n: ids.filter((id) => id.startsWith(`chunk-${d}`)).length,
    }));
    const most = digits.reduce((a, b) => (b.n > a.n ? b : a));
    expect(most.n).toBeGreaterThanOrEqual(4);
    expect(() => resolveIdIn(s.db, 'memory_chunks', 'Memory chunk', most.prefix)).toThrow(
      `matches ${most.n} memory chunks`,
    );
    expect(() => resolveIdIn(s.db, 'memory_chunks', 'Memory chunk', 'chunk-zzzz')).toThrow(/not found/i);
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
