import { describe, expect, it } from '@jest/globals';
import { createTestCaller, errorOf } from '@restflow/testkit';

function setup() {
  const t = createTestCaller();
  const first = t.services.agents.create('First');
  t.services.clock.advance(1000);
  const second = t.services.agents.create('Second');
  return { ...t, first: first.id, second: second.id };
}

describe('memory router — chunks', () => {
  it('adds (defaulting to the first agent), dedups, gets by prefix, lists, deletes and clears', async () => {
    const { caller, first, second } = setup();
    const added = await caller.memory.create({ content: 'User likes short answers', tags: ['pref'] });
    expect(added).toMatchObject({ agent_id: first, tags: ['pref'], source: { type: 'manual_note' }, session_id: null });
    const again = await caller.memory.create({ agent_id: second, content: 'User likes short answers' });
    expect(again).toEqual(added);
    const note = await caller.memory.create({
      agent_id: second.slice(0, 8),
      content: 'Deploys happen on Tuesdays',
      source: { type: 'agent_generated', tool_name: 'memory_store' },
    });
    expect(note.agent_id).toBe(second);
    expect(await caller.memory.get({ id: added.id.slice(0, 12) })).toEqual(added);
    expect(await caller.memory.get({ id: added.id.slice(6, 14) })).toEqual(added);
    expect((await caller.memory.list({ agent_id: first })).map((c) => c.id)).toEqual([added.id]);
    expect((await caller.memory.list({ tag: 'PREF' })).map((c) => c.id)).toEqual([added.id]);
    expect(await caller.memory.list({ agent_id: second, limit: 1, offset: 1 })).toEqual([]);
    expect(await caller.memory.delete({ id: added.id })).toEqual({ deleted: true, id: added.id });
    expect((await errorOf(caller.memory.delete({ id: added.id }))).code).toBe('NOT_FOUND');
    expect(await caller.memory.clear({ agent_id: second })).toEqual({ deleted_count: 1 });
    expect(await caller.memory.stats({ agent_id: second })).toMatchObject({ agent_id: second, chunk_count: 0 });
  });

  it('imports chunks and reports stats', async () => {
    const { caller, first } = setup();
    const result = await caller.memory.import({
      agent_id: first,
      chunks: [
        { content: 'one', created_at: 5000, token_count: 2 },
        { content: 'two', tags: ['t'], source: { type: 'task_execution', task_id: 'task-1' } },
        { content: 'one' },
      ],
    });
    expect(result.imported).toBe(2);
    expect(result.chunk_ids[2]).toBe(result.chunk_ids[0]);
    const stats = await caller.memory.stats();
    expect(stats).toMatchObject({ agent_id: first, chunk_count: 2, session_count: 0, oldest_memory: 5000 });
  });

  it('maps missing things to NOT_FOUND', async () => {
    const { caller } = setup();
    expect((await errorOf(caller.memory.get({ id: 'chunk-missing' }))).code).toBe('NOT_FOUND');
    expect((await errorOf(caller.memory.sessions.get({ id: 'session-missing' }))).code).toBe('NOT_FOUND');
    expect((await errorOf(caller.memory.sessions.delete({ id: 'session-missing' }))).code).toBe('NOT_FOUND');
    expect((await errorOf(caller.memory.stats({ agent_id: 'no-such-agent' }))).code).toBe('NOT_FOUND');
    expect((await errorOf(caller.memory.search({ agent_id: 'no-such-agent', query: 'x' }))).code).toBe('NOT_FOUND');
    expect((await errorOf(caller.memory.export({ session_id: 'session-missing' }))).code).toBe('NOT_FOUND');
  });

  it('rejects bad input with BAD_REQUEST naming the field', async () => {
    const { caller } = setup();
    // Calls start one at a time: a rejection made early would be unhandled until the loop reached it.
    const cases: [() => Promise<unknown>, RegExp][] = [
      [() => caller.memory.create({ content: '   ' }), /content/],
      [() => caller.memory.create({ content: 'x', tags: [''] } as never), /tags/],
      [() => caller.memory.create({ content: 'x', source: { type: 'task_execution' } } as never), /source/],
      [() => caller.memory.create({ content: 'x', colour: 'red' } as never), /colour|unrecognized/i],
      [() => caller.memory.search({ query: '(', search_mode: 'regex' }), /query: invalid regular expression/],
      [() => caller.memory.search({ search_mode: 'fuzzy' } as never), /search_mode/],
      [() => caller.memory.search({ limit: 0 }), /limit/],
      [() => caller.memory.search({ source_type: 'dream' } as never), /source_type/],
      [() => caller.memory.searchRanked({ query: {}, scoring_preset: 'loud' } as never), /scoring_preset/],
      [() => caller.memory.import({ chunks: [] }), /chunks/],
      [() => caller.memory.import({ chunks: [{ content: '' }] }), /chunks\.0\.content/],
      [() => caller.memory.clear({} as never), /agent_id/],
      [() => caller.memory.export({ preset: 'huge' } as never), /preset/],
      [() => caller.memory.sessions.create({ name: ' ' }), /name/],
    ];
    for (const [promise, message] of cases) {
      const error = await errorOf(promise());
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.message).toMatch(message);
    }
  });

  it('reports BAD_REQUEST when there is no agent to default to', async () => {
    const { caller } = createTestCaller();
    const error = await errorOf(caller.memory.create({ content: 'orphan' }));
    expect(error.code).toBe('BAD_REQUEST');
    expect(error.message).toMatch(/agent_id/);
  });
});

describe('memory router — search, sessions, export', () => {
  it('searches by keyword, phrase and regex with pagination', async () => {
    const { caller, first, services } = setup();
    for (const content of ['redis timeout in prod', 'redis upgrade done', 'postgres timeout seen']) {
      await caller.memory.create({ agent_id: first, content, tags: content.startsWith('redis') ? ['redis'] : [] });
      services.clock.advance(10);
    }
    const keyword = await caller.memory.search({ agent_id: first, query: 'timeout', limit: 1 });
    expect(keyword).toMatchObject({ total_count: 2, has_more: true });
    expect(keyword.chunks[0]?.content).toBe('postgres timeout seen');
    expect((await caller.memory.search({ query: 'timeout in', search_mode: 'phrase' })).total_count).toBe(1);
    expect((await caller.memory.search({ query: '^redis', search_mode: 'regex', tags: ['redis'] })).total_count).toBe(
      2,
    );
    const ranked = await caller.memory.searchRanked({ query: { query: 'redis' }, scoring_preset: 'balanced' });
    expect(ranked.chunks).toHaveLength(2);
    expect(ranked.chunks[0]?.score_breakdown).toHaveProperty('recency_score');
    expect((await caller.memory.searchRanked({ query: { query: 'redis' }, min_score: 1000 })).total_count).toBe(0);
    const unified = await caller.memory.searchUnified({ query: 'redis' });
    expect(unified.source_counts).toEqual({ memory: 2, sessions: 0 });
    expect(unified.results[0]?.source).toBe('memory');
  });

  it('creates, lists, updates, exports and deletes memory sessions', async () => {
    const { caller, first } = setup();
    const session = await caller.memory.sessions.create({ name: 'Trip planning', tags: ['travel'] });
    expect(session).toMatchObject({ agent_id: first, name: 'Trip planning', chunk_count: 0 });
    await caller.memory.create({ content: 'Book the hotel', session_id: session.id });
    expect(await caller.memory.sessions.get({ id: session.id })).toMatchObject({ chunk_count: 1 });
    expect((await caller.memory.sessions.list()).map((s) => s.id)).toEqual([session.id]);
    expect(await caller.memory.sessions.update({ id: session.id, description: 'Lisbon' })).toMatchObject({
      description: 'Lisbon',
    });
    const whole = await caller.memory.export({ agent_id: first, preset: 'compact', include_tags: true });
    expect(whole.suggested_filename).toBe(`memory-${first}-all.md`);
    expect(whole.markdown).toContain('## Trip planning');
    const one = await caller.memory.export({ session_id: session.id, include_metadata: false });
    expect(one).toMatchObject({ chunk_count: 1, session_count: 1 });
    expect(one.markdown).not.toContain('<!--');
    expect(await caller.memory.sessions.delete({ id: session.id, delete_chunks: true })).toEqual({
      deleted: true,
      id: session.id,
    });
    expect((await caller.memory.stats()).chunk_count).toBe(0);
  });
});
