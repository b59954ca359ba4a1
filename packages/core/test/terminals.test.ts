import { describe, expect, it } from '@jest/globals';
import { createTestServices } from '@restflow/testkit';
import { InvalidInputError, MAX_TERMINAL_HISTORY_CHARS, NotFoundError } from '../src/index.ts';

const START = Date.UTC(2026, 0, 1);

describe('TerminalSessionService', () => {
  it('creates sessions with terminal- ids and the next free "Terminal N" name', () => {
    const s = createTestServices();
    const first = s.terminals.create();
    expect(first).toEqual({
      id: expect.stringMatching(/^terminal-[0-9a-f-]{36}$/),
      name: 'Terminal 1',
      created_at: START,
      status: 'running',
    });
    const second = s.terminals.create({ working_directory: ' /tmp ', startup_command: 'htop' });
    expect(second).toMatchObject({ name: 'Terminal 2', working_directory: '/tmp', startup_command: 'htop' });
    s.terminals.rename(first.id, 'Logs');
    // "Terminal 1" is free again, so it is reused before "Terminal 3".
    expect(s.terminals.create().name).toBe('Terminal 1');
    expect(s.terminals.create({ name: ' Build ' }).name).toBe('Build');
    expect(s.terminals.nextName()).toBe('Terminal 3');
    expect(s.terminals.list().map((t) => t.name)).toEqual(['Logs', 'Terminal 2', 'Terminal 1', 'Build']);
    expect(s.terminals.exists(first.id)).toBe(true);
    expect(s.terminals.exists('terminal-nope')).toBe(false);
  });

  it('gets by id or unique prefix, updates only given fields, deletes', () => {
    const s = createTestServices();
    const t = s.terminals.create({ working_directory: '/srv' });
    expect(s.terminals.get(t.id.slice(0, 14)).id).toBe(t.id);
    s.clock.advance(1_000);
    const stopped = s.terminals.update(t.id, { status: 'stopped', history: '$ ls\n', startup_command: 'npm start' });
    expect(stopped).toMatchObject({
      status: 'stopped',
      stopped_at: START + 1_000,
      history: '$ ls\n',
      working_directory: '/srv',
      startup_command: 'npm start',
    });
    const running = s.terminals.update(t.id, { status: 'running', working_directory: '' });
    expect(running.status).toBe('running');
    expect(running).not.toHaveProperty('stopped_at');
    expect(running).not.toHaveProperty('working_directory');
    expect(s.terminals.get(t.id)).toEqual(running);
    expect(() => s.terminals.rename(t.id, '   ')).toThrow(/name: must not be empty/);
    expect(() => s.terminals.create({ name: 'n'.repeat(201) })).toThrow(InvalidInputError);
    expect(s.terminals.delete(t.id)).toEqual({ deleted: true, id: t.id });
    expect(() => s.terminals.get(t.id)).toThrow(NotFoundError);
    expect(() => s.terminals.delete(t.id)).toThrow(`Terminal session ${t.id} not found`);
    expect(() => s.terminals.update('terminal-x', { name: 'y' })).toThrow(NotFoundError);
  });

  it('keeps only the tail of a very long history', () => {
    const s = createTestServices();
    const t = s.terminals.create();
    const history = `${'a'.repeat(10)}${'b'.repeat(MAX_TERMINAL_HISTORY_CHARS)}`;
    const saved = s.terminals.update(t.id, { history });
    expect(saved.history).toHaveLength(MAX_TERMINAL_HISTORY_CHARS);
    expect(saved.history?.startsWith('b')).toBe(true);
  });

  it('cuts a long history between characters, never inside an emoji (stored and read back unchanged)', () => {
    const s = createTestServices();
    const t = s.terminals.create();
    // One unit too long, and the cut would fall between the halves of the first emoji.
    const history = `${'😀'.repeat(MAX_TERMINAL_HISTORY_CHARS / 2)}$`;
    const saved = s.terminals.update(t.id, { history });
    expect(saved.history).toBe(`${'😀'.repeat(MAX_TERMINAL_HISTORY_CHARS / 2 - 1)}$`);
    expect(s.terminals.get(t.id).history).toBe(saved.history);
  });

  it('markAllStopped stops every running session once', () => {
    const s = createTestServices();
    const a = s.terminals.create();
    const b = s.terminals.create();
    s.terminals.update(b.id, { status: 'stopped' });
    s.clock.advance(60_000);
    expect(s.terminals.markAllStopped()).toBe(1);
    expect(s.terminals.get(a.id)).toMatchObject({ status: 'stopped', stopped_at: START + 60_000 });
    expect(s.terminals.get(b.id).stopped_at).toBe(START);
    expect(s.terminals.markAllStopped()).toBe(0);
  });
});
