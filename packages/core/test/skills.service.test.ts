import { describe, expect, it } from '@jest/globals';
import { createTestServices } from '@restflow/testkit';
import { ConflictError, InvalidInputError, NotFoundError } from '../src/index.ts';

describe('SkillService', () => {
  it('creates with a slug id from the name, lists newest first, updates and deletes', () => {
    const s = createTestServices();
    const first = s.skills.create({ name: 'Code Review!', content: '# Review', tags: ['dev'] });
    expect(first).toEqual({
      id: 'code-review',
      name: 'Code Review!',
      description: null,
      tags: ['dev'],
      content: '# Review',
      storage_mode: 'DatabaseOnly',
      is_synced: false,
      created_at: s.clock.now(),
      updated_at: s.clock.now(),
    });
    s.clock.advance(10);
    const second = s.skills.create({ id: 'writer', name: 'Writer', description: 'Writes', content: 'w' });
    expect(s.skills.list().map((k) => k.id)).toEqual(['writer', 'code-review']);
    s.clock.advance(10);
    const updated = s.skills.update('code', { description: 'Reviews code', tags: null, version: '2' });
    expect(updated).toMatchObject({ id: 'code-review', description: 'Reviews code', tags: null, version: '2' });
    expect(updated.updated_at).toBe(second.updated_at + 10);
    expect(updated.created_at).toBe(first.created_at);
    expect(s.skills.list()[0]?.id).toBe('code-review');
    expect(s.skills.exists('writer')).toBe(true);
    expect(s.skills.delete('writer')).toEqual({ deleted: true, id: 'writer' });
    expect(s.skills.exists('writer')).toBe(false);
    expect(s.skills.find('writer')).toBeUndefined();
    expect(() => s.skills.get('writer')).toThrow(NotFoundError);
    expect(() => s.skills.delete('writer')).toThrow(NotFoundError);
    expect(() => s.skills.update('writer', { name: 'x' })).toThrow('Skill writer not found');
  });

  it('falls back to 8 uuid characters when the name has no slug', () => {
    const s = createTestServices({ ids: { uuid: () => 'abcdef12-3456-7890-abcd-ef1234567890' } });
    expect(s.skills.create({ name: '技能', content: '' }).id).toBe('abcdef12');
    expect(s.skills.create({ name: 'Café Crème', content: '' }).id).toBe('cafe-creme');
  });

  it('rejects bad ids naming the field, duplicates as a conflict, and blank names', () => {
    const s = createTestServices();
    for (const id of ['Bad', '-lead', 'trail-', 'sp ace', 'x'.repeat(65), '']) {
      const error = (() => {
        try {
          s.skills.create({ id, name: 'n', content: '' });
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).issues[0]?.path).toBe('id');
    }
    s.skills.create({ id: 'a-1', name: 'n', content: '' });
    expect(() => s.skills.create({ id: 'a-1', name: 'other', content: '' })).toThrow(
      new ConflictError('Skill a-1 already exists'),
    );
    expect(() => s.skills.create({ name: '  ', content: '' })).toThrow(InvalidInputError);
    expect(() => s.skills.update('a-1', { name: '' })).toThrow(InvalidInputError);
  });

  it('upserts: created, then updated with created_at kept and unset fields cleared', () => {
    const s = createTestServices();
    const created = s.skills.upsert('up', { name: 'Up', content: 'one', author: 'me', tags: ['t'] });
    expect(created.outcome).toBe('created');
    s.clock.advance(5);
    const updated = s.skills.upsert('up', { name: 'Up 2', content: 'two' });
    expect(updated.outcome).toBe('updated');
    expect(updated.skill).toMatchObject({
      name: 'Up 2',
      content: 'two',
      tags: null,
      created_at: created.skill.created_at,
    });
    expect(updated.skill.author).toBeUndefined();
  });

  it('resolves unique prefixes and rejects ambiguous ones', () => {
    const s = createTestServices();
    s.skills.create({ id: 'alpha-one', name: 'a', content: '' });
    s.skills.create({ id: 'alpha-two', name: 'b', content: '' });
    expect(s.skills.get('alpha-t').id).toBe('alpha-two');
    expect(() => s.skills.get('alpha')).toThrow(InvalidInputError);
    expect(() => s.skills.get('zeta')).toThrow(NotFoundError);
  });
});
