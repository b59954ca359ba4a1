import { describe, expect, it } from '@jest/globals';
import { createTestServices } from '@restflow/testkit';
import { DEFAULT_AGENT_NAME, InvalidInputError, NotFoundError } from '../src/index.ts';

describe('AgentService', () => {
  it('seeds the default assistant only into an empty table', () => {
    const s = createTestServices();
    const seeded = s.agents.seedDefault();
    expect(seeded?.name).toBe(DEFAULT_AGENT_NAME);
    expect(seeded?.agent.prompt).toContain('assistant');
    expect(s.agents.seedDefault()).toBeUndefined();
    expect(s.agents.list()).toHaveLength(1);
  });

  it('creates, updates (replacing the node), and deletes', () => {
    const s = createTestServices();
    const created = s.agents.create('Writer', { model: 'gpt-5', tools: ['bash'], prompt: undefined });
    expect(created.agent).toEqual({ model: 'gpt-5', tools: ['bash'] });
    s.clock.advance(1000);
    const updated = s.agents.update(created.id, { agent: { model: 'claude-sonnet-5-5' } });
    expect(updated.agent).toEqual({ model: 'claude-sonnet-5-5' });
    expect(updated.updated_at).toBe(created.created_at + 1000);
    expect(s.agents.update(created.id, { name: 'Renamed' }).name).toBe('Renamed');
    expect(s.agents.delete(created.id)).toEqual({ deleted: true, id: created.id });
    expect(() => s.agents.get(created.id)).toThrow(NotFoundError);
    expect(() => s.agents.delete(created.id)).toThrow(NotFoundError);
  });

  it('resolves unique id prefixes and rejects ambiguous ones', () => {
    let n = 0;
    const s = createTestServices({ ids: { uuid: () => ['abcd1111-x', 'abcd2222-y', 'ffff0000-z'][n++] as string } });
    s.agents.create('a');
    s.agents.create('b');
    s.agents.create('c');
    expect(s.agents.get('ffff').name).toBe('c');
    expect(s.agents.get('abcd1').name).toBe('a');
    expect(() => s.agents.get('abcd')).toThrow(InvalidInputError);
    expect(() => s.agents.get('zzzz')).toThrow(NotFoundError);
  });

  it('resolves agents by name, case-insensitively; names are unique, and legacy duplicates are ambiguous', () => {
    const s = createTestServices();
    const writer = s.agents.create('Writer');
    expect(s.agents.get('writer').id).toBe(writer.id);
    expect(s.agents.resolveId(' WRITER ')).toBe(writer.id);
    expect(() => s.agents.create('writer')).toThrow(
      expect.objectContaining({
        name: 'ConflictError',
        message: `an agent named "writer" already exists (${writer.id.slice(0, 8)}); choose another name`,
        reason: 'DUPLICATE_NAME',
      }),
    );
    const other = s.agents.create('Other');
    expect(() => s.agents.update(other.id, { name: 'WRITER' })).toThrow(/already exists/);
    expect(s.agents.update(writer.id, { name: 'writer' }).name).toBe('writer');
    // Data written before names were unique: the name is ambiguous and names the ids.
    s.db.$client.prepare('UPDATE agents SET name = ? WHERE id = ?').run('writer', other.id);
    expect(() => s.agents.get('writer')).toThrow(/2 agents are named "writer"/);
    expect(s.agents.get(writer.id).name).toBe('writer');
  });

  it('compares whole names: one differing only after a NUL character is another name', () => {
    const s = createTestServices();
    const first = s.agents.create('a\u0000x');
    // SQLite's NOCASE collation stops at a NUL: "a\0y" was taken for "a\0x" (a duplicate, and its target).
    const second = s.agents.create('A\u0000y');
    expect(s.agents.resolveId('A\u0000X')).toBe(first.id);
    expect(s.agents.resolveId('a\u0000Y')).toBe(second.id);
    expect(() => s.agents.get('a\u0000z')).toThrow(NotFoundError);
    expect(s.agents.delete('a\u0000y')).toEqual({ deleted: true, id: second.id });
    expect(s.agents.get(first.id).name).toBe('a\u0000x');
    expect(() => s.agents.create('A\u0000X')).toThrow(/already exists/);
  });
});
