import { describe, expect, it } from '@jest/globals';
import { createTestServices, type TestServices } from '@restflow/testkit';
import { InvalidInputError, NotFoundError } from '../src/index.ts';

function setup(): { s: TestServices; agent: string } {
  const s = createTestServices();
  const agent = s.agents.create('Researcher').id;
  return { s, agent };
}

describe('MemoryService chunks', () => {
  it('stores a chunk with the MemoryChunk wire shape and sensible defaults', () => {
    const { s, agent } = setup();
    const chunk = s.memory.storeChunk({ agent_id: agent, content: 'User prefers metric units', tags: ['pref'] });
    expect(chunk).toEqual({
      id: expect.stringMatching(/^chunk-/),
      agent_id: agent,
      session_id: null,
      content: 'User prefers metric units',
      content_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      source: { type: 'manual_note' },
      created_at: s.clock.now(),
      tags: ['pref'],
      token_count: 7,
    });
    expect(s.memory.get(chunk.id)).toEqual(chunk);
  });

  it('de-duplicates by a global sha256 of the content and returns the existing chunk', () => {
    const { s, agent } = setup();
    const other = s.agents.create('Other').id;
    const first = s.memory.store({ agent_id: agent, content: 'same text' });
    s.clock.advance(1000);
    const again = s.memory.store({ agent_id: other, content: 'same text', tags: ['x'] });
    expect(first.created).toBe(true);
    expect(again).toEqual({ chunk: first.chunk, created: false });
    expect(s.memory.existsByContent('same text')).toBe(true);
    expect(s.memory.existsByContent('same text ')).toBe(false);
    expect(s.memory.stats(other).chunk_count).toBe(0);
  });

  it('normalizes tags (trimmed, de-duplicated case-insensitively) and lists by tag across agents', () => {
    const { s, agent } = setup();
    const other = s.agents.create('Other').id;
    const a = s.memory.storeChunk({ agent_id: agent, content: 'a', tags: [' Rust ', 'rust', '', 'async'] });
    s.clock.advance(1);
    const b = s.memory.storeChunk({ agent_id: other, content: 'b', tags: ['RUST'] });
    expect(a.tags).toEqual(['Rust', 'async']);
    expect(s.memory.listByTag('rust').map((c) => c.id)).toEqual([b.id, a.id]);
    expect(s.memory.listByTag('rust', { agent_id: agent }).map((c) => c.id)).toEqual([a.id]);
    expect(s.memory.listByTag('missing')).toEqual([]);
  });

  it('lists newest first with limit/offset, and a session oldest first', () => {
    const { s, agent } = setup();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(s.memory.storeChunk({ agent_id: agent, content: `note ${i}`, session_id: i % 2 ? 'sess-1' : null }).id);
      s.clock.advance(10);
    }
    expect(s.memory.list(agent).map((c) => c.id)).toEqual([...ids].reverse());
    expect(s.memory.list(agent, { limit: 2, offset: 1 }).map((c) => c.id)).toEqual([ids[3], ids[2]]);
    expect(s.memory.listForSession('sess-1').map((c) => c.id)).toEqual([ids[1], ids[3]]);
    expect(s.memory.listChunks({ agent_id: agent, session_id: 'sess-1' }).map((c) => c.id)).toEqual([ids[3], ids[1]]);
    // Neither agent nor tag: every agent's chunks, newest first.
    const other = s.agents.create('Other').id;
    const theirs = s.memory.storeChunk({ agent_id: other, content: 'their note' });
    expect(s.memory.listChunks({ limit: 2 }).map((c) => c.id)).toEqual([theirs.id, ids[4]]);
  });

  it('defaults to the first agent created and resolves agent id prefixes', () => {
    const { s, agent } = setup();
    s.clock.advance(1);
    s.agents.create('Second');
    const chunk = s.memory.storeChunk({ agent_id: '', content: 'defaulted' });
    expect(chunk.agent_id).toBe(agent);
    expect(s.memory.list(agent.slice(0, 8))).toHaveLength(1);
    expect(() => s.memory.list('zzzz-no-such-agent')).toThrow(NotFoundError);
    const empty = createTestServices();
    expect(() => empty.memory.stats()).toThrow(/agent_id/);
  });

  it('keeps memory of a deleted agent reachable under its exact id', () => {
    const { s, agent } = setup();
    s.memory.storeChunk({ agent_id: agent, content: 'left behind' });
    s.agents.delete(agent);
    expect(s.memory.list(agent)).toHaveLength(1);
    expect(s.memory.deleteForAgent(agent)).toBe(1);
  });

  it('resolves chunk ids with or without the chunk- prefix and by unique prefix', () => {
    const { s, agent } = setup();
    let n = 0;
    const ids = ['agent-uuid', 'aaaa1111', 'aaaa2222'];
    const services = createTestServices({ ids: { uuid: () => ids[n++] as string } });
    const owner = services.agents.create('A').id;
    const c1 = services.memory.storeChunk({ agent_id: owner, content: 'one' });
    services.memory.storeChunk({ agent_id: owner, content: 'two' });
    expect(services.memory.get('chunk-aaaa1111').id).toBe(c1.id);
    expect(services.memory.get('aaaa1').id).toBe(c1.id);
    expect(() => services.memory.get('aaaa')).toThrow(/ambiguous/);
    expect(() => s.memory.get('chunk-nope')).toThrow(NotFoundError);
    expect(s.memory.list(agent)).toEqual([]);
  });

  it('deletes a chunk with its tags and index entry; unknown ids report false', () => {
    const { s, agent } = setup();
    const chunk = s.memory.storeChunk({ agent_id: agent, content: 'searchable words here', tags: ['t'] });
    expect(s.memory.search({ agent_id: agent, query: 'searchable' }).total_count).toBe(1);
    expect(s.memory.delete(chunk.id.slice(0, 12))).toEqual({ deleted: true, id: chunk.id });
    expect(() => s.memory.delete(chunk.id)).toThrow(NotFoundError);
    expect(s.memory.search({ agent_id: agent, query: 'searchable' }).total_count).toBe(0);
    expect(s.memory.listByTag('t')).toEqual([]);
    const tagRows = s.db.$client.prepare('select count(*) from memory_chunk_tags').pluck().get();
    expect(tagRows).toBe(0);
    // The content can be stored again once deleted.
    expect(s.memory.store({ agent_id: agent, content: 'searchable words here' }).created).toBe(true);
  });

  it('rejects empty content', () => {
    const { s, agent } = setup();
    expect(() => s.memory.storeChunk({ agent_id: agent, content: '   ' })).toThrow(/content/);
  });

  it('imports atomically: new chunks counted, duplicates mapped to existing ids', () => {
    const { s, agent } = setup();
    const existing = s.memory.storeChunk({ agent_id: agent, content: 'already here' });
    const result = s.memory.import(agent, [
      { content: 'first import', tags: ['imp'], created_at: 1000, token_count: 3 },
      { content: 'already here' },
      { content: 'from a task', source: { type: 'task_execution', task_id: 'task-1' } },
    ]);
    expect(result.imported).toBe(2);
    expect(result.chunk_ids).toHaveLength(3);
    expect(result.chunk_ids[1]).toBe(existing.id);
    const first = s.memory.get(result.chunk_ids[0] as string);
    expect(first).toMatchObject({ created_at: 1000, token_count: 3, tags: ['imp'] });
    expect(s.memory.get(result.chunk_ids[2] as string).source).toEqual({ type: 'task_execution', task_id: 'task-1' });
    expect(() => s.memory.import(agent, [{ content: 'would be new' }, { content: ' ' }])).toThrow(/chunks\.1\.content/);
    expect(s.memory.existsByContent('would be new')).toBe(false);
  });

  it('splits long text with the chunker when storing text', () => {
    const { s, agent } = setup();
    const text = Array.from({ length: 600 }, (_, i) => `word${i}`).join(' ');
    const chunks = s.memory.storeText({ agent_id: agent, content: text, tags: ['long'] });
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.every((c) => c.tags[0] === 'long' && [...c.content].length <= 1600)).toBe(true);
    expect(() => s.memory.storeText({ agent_id: agent, content: ' ' })).toThrow(InvalidInputError);
  });

  it('reports stats per agent', () => {
    const { s, agent } = setup();
    expect(s.memory.stats(agent)).toEqual({
      agent_id: agent,
      session_count: 0,
      chunk_count: 0,
      total_tokens: 0,
      oldest_memory: null,
      newest_memory: null,
    });
    const t0 = s.clock.now();
    s.memory.storeChunk({ agent_id: agent, content: 'x', token_count: 10 });
    s.clock.advance(500);
    s.memory.storeChunk({ agent_id: agent, content: 'y', token_count: 5 });
    s.memory.createSession({ agent_id: agent, name: 'S' });
    expect(s.memory.stats(agent)).toEqual({
      agent_id: agent,
      session_count: 1,
      chunk_count: 2,
      total_tokens: 15,
      oldest_memory: t0,
      newest_memory: t0 + 500,
    });
    expect(s.memory.deleteForAgent(agent)).toBe(2);
    expect(s.memory.stats(agent).chunk_count).toBe(0);
  });
});

describe('MemoryService sessions', () => {
  it('creates, lists (updated desc), updates and keeps stats in step with chunks', () => {
    const { s, agent } = setup();
    const a = s.memory.createSession({ agent_id: agent, name: 'Research', description: 'notes', tags: ['r'] });
    expect(a).toMatchObject({ id: expect.stringMatching(/^session-/), chunk_count: 0, total_tokens: 0, tags: ['r'] });
    s.clock.advance(100);
    const b = s.memory.createSession({ agent_id: agent, name: 'Ops' });
    expect(s.memory.listSessions(agent).map((x) => x.id)).toEqual([b.id, a.id]);
    s.clock.advance(100);
    s.memory.storeChunk({ agent_id: agent, content: 'in a', session_id: a.id, token_count: 4 });
    const c2 = s.memory.storeChunk({ agent_id: agent, content: 'also in a', session_id: a.id, token_count: 6 });
    expect(s.memory.getSession(a.id)).toMatchObject({ chunk_count: 2, total_tokens: 10, updated_at: s.clock.now() });
    expect(s.memory.listSessions(agent)[0]?.id).toBe(a.id);
    s.memory.delete(c2.id);
    expect(s.memory.getSession(a.id)).toMatchObject({ chunk_count: 1, total_tokens: 4 });
    const renamed = s.memory.updateSession(a.id.slice(0, 14), { name: 'Renamed', description: null, tags: ['x', 'X'] });
    expect(renamed).toMatchObject({ name: 'Renamed', description: null, tags: ['x'] });
    expect(s.memory.refreshSessionStats(a.id)).toMatchObject({ chunk_count: 1, name: 'Renamed' });
    expect(() => s.memory.createSession({ agent_id: agent, name: ' ' })).toThrow(/name/);
    expect(() => s.memory.getSession('session-missing')).toThrow(NotFoundError);
  });

  it('deletes a session with or without its chunks', () => {
    const { s, agent } = setup();
    const keep = s.memory.createSession({ agent_id: agent, name: 'keep chunks' });
    const drop = s.memory.createSession({ agent_id: agent, name: 'drop chunks' });
    const kept = s.memory.storeChunk({ agent_id: agent, content: 'kept', session_id: keep.id });
    s.memory.storeChunk({ agent_id: agent, content: 'dropped', session_id: drop.id });
    expect(s.memory.deleteSession(keep.id)).toEqual({ deleted: true, id: keep.id });
    expect(s.memory.get(kept.id).session_id).toBeNull();
    expect(s.memory.deleteSession(drop.id, true)).toEqual({ deleted: true, id: drop.id });
    expect(s.memory.existsByContent('dropped')).toBe(false);
    expect(s.memory.listSessions(agent)).toEqual([]);
    expect(() => s.memory.deleteSession(drop.id)).toThrow(NotFoundError);
  });
});

describe('MemoryService searches off the thread', () => {
  const answer = { chunks: [], total_count: 7, has_more: false };

  it('searches here without a search thread, and with one that gives no answer', async () => {
    const { s, agent } = setup();
    s.memory.store({ agent_id: agent, content: 'notes on the harbor' });
    const here = s.memory.search({ agent_id: agent, query: 'harbor' });
    expect(await s.memory.searchOffThread({ agent_id: agent, query: 'harbor' })).toEqual(here);
    const asked: unknown[] = [];
    s.memory.useReadThread({
      read: async (domain, name, args) => {
        asked.push([`${domain}.${name}`, ...args]);
        return undefined;
      },
    });
    expect(await s.memory.searchOffThread({ agent_id: agent, query: 'harbor' })).toEqual(here);
    expect(asked).toEqual([['memory.search', { agent_id: agent, query: 'harbor' }]]);
  });

  it("takes the thread's answer, and sends it the query with the agent resolved", async () => {
    const { s, agent } = setup();
    const asked: unknown[][] = [];
    s.memory.useReadThread({
      read: async (domain, name, args) => {
        asked.push([`${domain}.${name}`, ...args]);
        return answer as never;
      },
    });
    expect(await s.memory.searchOffThread({ query: 'x' })).toEqual(answer);
    expect(asked[0]).toEqual(['memory.search', { query: 'x', agent_id: agent }]);
    s.memory.useReadThread(undefined);
    expect((await s.memory.searchOffThread({ query: 'x' })).total_count).toBe(0);
  });

  it("throws the daemon's own error for a search the thread could not answer", async () => {
    const { s, agent } = setup();
    s.memory.useReadThread({ read: async () => undefined });
    await expect(s.memory.searchOffThread({ agent_id: agent, query: '(', search_mode: 'regex' })).rejects.toThrow(
      InvalidInputError,
    );
    await expect(s.memory.searchOffThread({ agent_id: 'nobody' })).rejects.toThrow(NotFoundError);
  });

  it('sends ranked and unified searches with the time of asking, and runs them here without an answer', async () => {
    const { s, agent } = setup();
    s.memory.store({ agent_id: agent, content: 'the harbor opens at dawn', tags: ['port'] });
    const asked: unknown[][] = [];
    s.memory.useReadThread({
      read: async (domain, name, args) => {
        asked.push([`${domain}.${name}`, ...args]);
        return undefined;
      },
    });
    const ranked = await s.memory.searchRankedOffThread({ agent_id: agent, query: 'harbor' }, { min_score: 0 });
    expect(ranked).toEqual(s.memory.searchRanked({ agent_id: agent, query: 'harbor' }, { min_score: 0 }));
    expect(ranked.chunks).toHaveLength(1);
    const unified = await s.memory.searchUnifiedOffThread({ agent_id: agent, query: 'harbor' });
    expect(unified).toEqual(s.memory.searchUnified({ agent_id: agent, query: 'harbor' }));
    expect(asked).toEqual([
      ['memory.ranked', { agent_id: agent, query: 'harbor' }, { min_score: 0 }, s.clock.now()],
      ['memory.unifiedWithChat', { agent_id: agent, query: 'harbor' }, s.clock.now()],
    ]);
  });
});
