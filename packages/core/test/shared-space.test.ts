import { describe, expect, it } from '@jest/globals';
import { createTestServices } from '@restflow/testkit';
import { ForbiddenError, InvalidInputError, MAX_SHARED_VALUE_BYTES, NotFoundError } from '../src/index.ts';

const START = Date.UTC(2026, 0, 1);

describe('SharedSpaceService', () => {
  it('creates with defaults, updates keeping owner and creation time, and deletes', () => {
    const s = createTestServices();
    const created = s.shared.set('notes:todo', 'buy milk', { tags: ['home'] }, 'agent-1');
    expect(created).toEqual({
      key: 'notes:todo',
      value: 'buy milk',
      visibility: 'public',
      owner: 'agent-1',
      tags: ['home'],
      created_at: START,
      updated_at: START,
      last_modified_by: 'agent-1',
    });
    s.clock.advance(5_000);
    const updated = s.shared.set('notes:todo', 'buy oat milk', { content_type: 'text/plain', type_hint: 'list' });
    expect(updated).toMatchObject({
      owner: 'agent-1',
      value: 'buy oat milk',
      content_type: 'text/plain',
      type_hint: 'list',
      tags: ['home'],
      created_at: START,
      updated_at: START + 5_000,
    });
    // The user (no accessor) changed it last.
    expect(updated).not.toHaveProperty('last_modified_by');
    expect(s.shared.get('notes:todo')).toEqual(updated);
    expect(s.shared.delete('notes:todo')).toEqual({ deleted: true, id: 'notes:todo' });
    expect(() => s.shared.get('notes:todo')).toThrow(NotFoundError);
    expect(() => s.shared.delete('notes:todo')).toThrow('Shared entry notes:todo not found');
  });

  it('lets anyone read public and shared entries but only the owner read private ones', () => {
    const s = createTestServices();
    s.shared.set('a:public', '1', { visibility: 'public' }, 'owner');
    s.shared.set('a:shared', '2', { visibility: 'shared' }, 'owner');
    s.shared.set('a:private', '3', { visibility: 'private' }, 'owner');
    expect(s.shared.get('a:shared', 'other').value).toBe('2');
    expect(s.shared.get('a:private', 'owner').value).toBe('3');
    // Someone else's private entry does not exist as far as they can tell.
    expect(() => s.shared.get('a:private', 'other')).toThrow('Shared entry a:private not found');
    expect(() => s.shared.get('a:private')).toThrow(NotFoundError);
    expect(() => s.shared.set('a:private', 'x', {}, 'other')).toThrow(NotFoundError);
    expect(() => s.shared.delete('a:private', 'other')).toThrow(NotFoundError);
    expect(s.shared.listKeys(undefined, 'other')).toEqual(['a:public', 'a:shared']);
    expect(s.shared.listKeys('a', 'owner')).toEqual(['a:private', 'a:public', 'a:shared']);
  });

  it('lets anyone write public entries but only the owner write or delete the others', () => {
    const s = createTestServices();
    s.shared.set('w:public', '1', {}, 'owner');
    s.shared.set('w:shared', '2', { visibility: 'shared' }, 'owner');
    expect(s.shared.set('w:public', 'changed', {}, 'other')).toMatchObject({
      value: 'changed',
      owner: 'owner',
      last_modified_by: 'other',
    });
    expect(() => s.shared.set('w:shared', 'x', {}, 'other')).toThrow(
      'Shared entry w:shared is shared and owned by agent owner; agent other may not change it',
    );
    expect(() => s.shared.set('w:shared', 'x')).toThrow(ForbiddenError);
    expect(() => s.shared.delete('w:shared', 'other')).toThrow(/agent other may not delete it/);
    expect(() => s.shared.set('w:public', 'x', { visibility: 'private' }, 'other')).toThrow(
      'Only agent owner may change the visibility of shared entry w:public',
    );
    expect(s.shared.set('w:shared', 'mine', { visibility: 'private' }, 'owner').visibility).toBe('private');
    expect(s.shared.delete('w:public', 'other').deleted).toBe(true);
    // Entries the user creates are owned by the user: agents may read shared ones but not change them.
    s.shared.set('user:cfg', 'v', { visibility: 'shared' });
    expect(s.shared.get('user:cfg', 'agent-x').value).toBe('v');
    expect(() => s.shared.set('user:cfg', 'w', {}, 'agent-x')).toThrow(
      /owned by the user; agent agent-x may not change it/,
    );
    expect(s.shared.set('user:cfg', 'w').value).toBe('w');
  });

  it('lists by exact namespace prefix, sorted by key', () => {
    const s = createTestServices();
    for (const key of ['b:2', 'a:1', 'ab:3', 'a:0', 'a_:4', 'a%:5']) s.shared.set(key, key);
    expect(s.shared.listKeys()).toEqual(['a%:5', 'a:0', 'a:1', 'a_:4', 'ab:3', 'b:2']);
    expect(s.shared.listKeys('a')).toEqual(['a:0', 'a:1']);
    expect(s.shared.listKeys('a:')).toEqual(['a:0', 'a:1']);
    expect(s.shared.listKeys('a_')).toEqual(['a_:4']);
    expect(s.shared.list('missing')).toEqual([]);
    expect(() => s.shared.list('has space')).toThrow(/namespace: "has space" must be a non-empty word/);
    expect(s.shared.getUnchecked('a:0')?.value).toBe('a:0');
    expect(s.shared.getUnchecked('zz:none')).toBeUndefined();
  });

  it('validates keys and value size with the field named', () => {
    const s = createTestServices();
    for (const key of ['nonamespace', ':name', 'ns:', 'name space:x', '']) {
      expect(() => s.shared.set(key, 'v')).toThrow(/^key: /);
    }
    expect(() => s.shared.set(`ns:${'k'.repeat(600)}`, 'v')).toThrow(/key: must be at most 512/);
    expect(() => s.shared.set('ns:big', 'x'.repeat(MAX_SHARED_VALUE_BYTES + 1))).toThrow(InvalidInputError);
    expect(() => s.shared.get('bad')).toThrow(/key: "bad" must have the form namespace:name/);
    expect(s.shared.set('ns:name with spaces', 'ok').key).toBe('ns:name with spaces');
  });
});
