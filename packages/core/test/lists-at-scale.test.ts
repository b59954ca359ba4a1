// The run list and the memory chunk list as keyset pages, memory search's capped total, and the query plans of
// these reads on real SQLite (an index in list order, never a full scan of runs or memory_chunks).
import { describe, expect, it } from '@jest/globals';
import { createTestServices, type TestServices } from '@restflow/testkit';
import { SEARCH_TOTAL_CAP } from '../src/memory/memory-model.ts';
import { FEW_MATCHES, SEARCH_WALK_ROWS } from '../src/memory/memory-search.ts';
import { type ChunkRow, insertChunkRows } from './memory-rows.ts';
import { planProblems, statementsOf } from './query-plans.ts';

function allPages<T>(read: (cursor?: string) => { items: T[]; next_cursor: string | null }): T[] {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const page = read(cursor);
    items.push(...page.items);
    if (page.next_cursor === null) return items;
    cursor = page.next_cursor;
  }
  throw new Error('pages never ended');
}

function insertRuns(s: TestServices, count: number, from = 0, agents = ['a1', 'a2']): void {
  const insert = s.db.$client.prepare(
    `INSERT INTO runs (id, kind, status, agent_id, session_id, started_at) VALUES (?, 'chat', 'completed', ?, ?, ?)`,
  );
  s.db.$client.transaction(() => {
    // Four runs per millisecond: equal started_at values are ordered by id.
    for (let i = from; i < from + count; i++) {
      insert.run(`run-${String(i).padStart(5, '0')}`, agents[i % agents.length], `ses-${i % 3}`, Math.floor(i / 4));
    }
  })();
}

describe('RunManager.listPage', () => {
  it('pages runs newest first with ties broken by id, filters kept, while new runs start', () => {
    const s = createTestServices();
    insertRuns(s, 37);
    const expected = s.runs.list({ limit: 500 }).map((r) => r.id);
    expect(expected.slice(0, 5)).toEqual(['run-00036', 'run-00035', 'run-00034', 'run-00033', 'run-00032']);
    let started = 1000;
    const seen = allPages((cursor) => {
      const page = s.runs.listPage({ cursor, limit: 6 });
      insertRuns(s, 2, started);
      started += 2;
      return page;
    }).map((r) => r.id);
    expect(seen).toEqual(expected);
    const ofSession = allPages((cursor) => s.runs.listPage({ sessionId: 'ses-1', agentId: 'a2', cursor, limit: 2 }));
    expect(ofSession.map((r) => r.id)).toEqual(
      s.runs.list({ sessionId: 'ses-1', agentId: 'a2', limit: 500 }).map((r) => r.id),
    );
    expect(ofSession.length).toBeGreaterThan(2);
    expect(() => s.runs.listPage({ cursor: 'x' })).toThrow(/cursor: is not a cursor of this list/);
  });

  it('reads pages through an index in list order', () => {
    const s = createTestServices();
    insertRuns(s, 400);
    s.db.$client.exec('ANALYZE');
    const first = s.runs.listPage({ limit: 20 });
    const statements = [
      ...statementsOf(s.db, () => s.runs.listPage({ limit: 20 })),
      ...statementsOf(s.db, () => s.runs.listPage({ cursor: first.next_cursor as string, limit: 20 })),
      ...statementsOf(s.db, () => s.runs.listPage({ sessionId: 'ses-2', limit: 20 })),
      ...statementsOf(s.db, () => s.runs.listPage({ agentId: 'a1', cursor: first.next_cursor as string })),
    ];
    expect(statements.filter((st) => /from "runs"/.test(st.sql))).toHaveLength(4);
    expect(planProblems(s.db, statements, { bigTables: ['runs', 'run_events'] })).toEqual([]);
  });
});

describe('MemoryService: chunk pages and the capped search total', () => {
  function withChunks(count: number): { s: TestServices; agentId: string } {
    const s = createTestServices();
    const agentId = s.agents.create('Keeper', {}).id;
    const other = s.agents.create('Other', {}).id;
    for (let done = 0; done < count; done += 500) {
      const batch = Array.from({ length: Math.min(500, count - done) }, (_, i) => ({
        content: `note ${done + i} about the zeppelin${(done + i) % 2 === 0 ? ' and its cargo' : ''}`,
        // Pairs of chunks share a created_at: the page order falls back to the chunk's key.
        created_at: 1_000 + Math.floor((done + i) / 2),
        tags: (done + i) % 3 === 0 ? ['ops'] : [],
      }));
      s.memory.import((done / 500) % 4 === 3 ? other : agentId, batch);
    }
    return { s, agentId };
  }

  it('pages chunks newest first, per agent, tag or every agent, like the offset list', () => {
    const { s, agentId } = withChunks(120);
    for (const filter of [{ agent_id: agentId }, { agent_id: agentId, tag: 'ops' }, {}]) {
      const paged = allPages((cursor) => s.memory.listChunksPage({ ...filter, cursor, limit: 7 }));
      expect(paged).toEqual(s.memory.listChunks(filter));
    }
    const first = s.memory.listChunksPage({ agent_id: agentId, limit: 10 });
    s.memory.storeChunk({ agent_id: agentId, content: 'a newer note', created_at: 999_999 });
    const second = s.memory.listChunksPage({ agent_id: agentId, cursor: first.next_cursor as string, limit: 10 });
    expect(second.items).toEqual(s.memory.listChunks({ agent_id: agentId }).slice(11, 21));
  });

  it('counts matches exactly up to the cap, then says the total is capped', () => {
    const { s, agentId } = withChunks(SEARCH_TOTAL_CAP + 300);
    const exact = s.memory.search({ agent_id: agentId, query: 'cargo', limit: 10 });
    expect(exact).toMatchObject({ total_count: (SEARCH_TOTAL_CAP + 300) / 2, has_more: true });
    expect(exact.total_capped).toBeUndefined();

    const capped = s.memory.search({ agent_id: agentId, query: 'zeppelin', limit: 10 });
    expect(capped).toMatchObject({ total_count: SEARCH_TOTAL_CAP, has_more: true, total_capped: true });
    expect(capped.chunks.map((c) => c.id)).toEqual(
      s.memory.listChunks({ agent_id: agentId, limit: 10 }).map((c) => c.id),
    );
    // A page past the cap is still served, and counted to its end.
    const far = s.memory.search({ agent_id: agentId, query: 'zeppelin', limit: 50, offset: SEARCH_TOTAL_CAP });
    expect(far.chunks).toEqual(
      s.memory.listChunks({ agent_id: agentId }).slice(SEARCH_TOTAL_CAP, SEARCH_TOTAL_CAP + 50),
    );
    expect(far.total_count).toBe(SEARCH_TOTAL_CAP + 50);
    expect(far.total_capped).toBe(true);
  });

  /**
   * Chunks straight into the table (the FTS triggers fire): a memory larger than the search's walk, quickly. A
   * `crowd` of older chunks of another agent, each about "the Zeppelin and its cargo", makes those terms more
   * frequent in the index than FEW_MATCHES without changing this agent's matches.
   */
  function withManyChunks(
    count: number,
    content: (i: number) => string,
    crowd = 0,
  ): { s: TestServices; agentId: string } {
    const s = createTestServices();
    const crowdId = s.agents.create('Crowd', {}).id;
    const agentId = s.agents.create('Keeper', {}).id;
    const rows: ChunkRow[] = [];
    for (let i = 0; i < crowd; i++) {
      rows.push({
        id: `crowd-${i}`,
        agentId: crowdId,
        content: `crowd note ${i} about the Zeppelin and its cargo`,
        createdAt: i,
      });
    }
    // created_at runs against the key: the walk must follow created_at, not insertion order.
    for (let i = 0; i < count; i++)
      rows.push({ id: `chunk-${i}`, agentId, content: content(i), createdAt: 1_000_000 - i });
    insertChunkRows(s, rows);
    return { s, agentId };
  }

  const newestMatching = (s: TestServices, agentId: string, needle: string, limit: number) =>
    s.memory
      .listChunks({ agent_id: agentId })
      .filter((c) => c.content.toLowerCase().includes(needle))
      .slice(0, limit)
      .map((c) => c.id);

  /** "cargo" in one chunk of 8 (500 of 4000, under the cap), "Zeppelin" in every one; both frequent in the index. */
  const cargoMemory = () =>
    withManyChunks(
      SEARCH_WALK_ROWS * 2,
      (i) => `note ${i} about the Zeppelin${i % 8 === 0 ? ' and its cargo' : ''}`,
      FEW_MATCHES,
    );

  it('estimates the total of a frequent term from the newest chunks, and pages it like the index', () => {
    const count = SEARCH_WALK_ROWS * 2;
    const { s, agentId } = cargoMemory();
    const frequent = s.memory.search({ agent_id: agentId, query: 'CARGO', limit: 20 });
    expect(frequent.chunks.map((c) => c.id)).toEqual(newestMatching(s, agentId, 'cargo', 20));
    expect(frequent).toMatchObject({ has_more: true, total_estimated: true });
    expect(Math.abs(frequent.total_count - count / 8)).toBeLessThanOrEqual(count / 8 / 10);
    const everywhere = s.memory.search({ agent_id: agentId, query: 'zeppelin', limit: 20, offset: 40 });
    expect(everywhere).toMatchObject({ total_count: SEARCH_TOTAL_CAP, total_capped: true, has_more: true });
    expect(everywhere.chunks.map((c) => c.id)).toEqual(newestMatching(s, agentId, 'zeppelin', 60).slice(40));
    // A phrase and a query of short tokens take the same path.
    const phrase = s.memory.search({ agent_id: agentId, query: 'its cargo', search_mode: 'phrase', limit: 5 });
    expect(phrase.chunks.map((c) => c.id)).toEqual(newestMatching(s, agentId, 'its cargo', 5));
    expect(phrase.total_estimated).toBe(true);
    // A page deeper than the walk reaches comes from the index, exact when the matches end before it.
    const deep = s.memory.search({ agent_id: agentId, query: 'cargo', limit: 50, offset: 450 });
    expect(deep.chunks.map((c) => c.id)).toEqual(newestMatching(s, agentId, 'cargo', 500).slice(450));
    expect(deep).toMatchObject({ total_count: count / 8, has_more: false });
    expect(deep.total_estimated).toBeUndefined();
    // Through the index too, a page before the end has an estimated total.
    const middle = s.memory.search({ agent_id: agentId, query: 'cargo zeppelin', limit: 50, offset: 300 });
    expect(middle.chunks.map((c) => c.id)).toEqual(newestMatching(s, agentId, 'cargo', 350).slice(300));
    expect(middle).toMatchObject({ has_more: true, total_estimated: true });
    expect(Math.abs(middle.total_count - count / 8)).toBeLessThanOrEqual(count / 8 / 10);
  });

  it('answers a term with few matches from the index with an exact total', () => {
    const { s, agentId } = withManyChunks(SEARCH_WALK_ROWS * 2, (i) => `note ${i}${i % 500 === 7 ? ' walrus' : ''}`);
    const rare = s.memory.search({ agent_id: agentId, query: 'walrus', limit: 3 });
    expect(rare.chunks.map((c) => c.id)).toEqual(newestMatching(s, agentId, 'walrus', 3));
    expect(rare).toMatchObject({ total_count: 8, has_more: true });
    expect(rare.total_estimated).toBeUndefined();
    // Up to FEW_MATCHES in the index (every chunk's "note"), the page and its total are still exact.
    const few = s.memory.search({ agent_id: agentId, query: 'NOTE', limit: 5, offset: 10 });
    expect(few.chunks.map((c) => c.id)).toEqual(newestMatching(s, agentId, 'note', 15).slice(10));
    expect(few).toMatchObject({ total_count: SEARCH_TOTAL_CAP, total_capped: true, has_more: true });
    // Several words whose trigrams are common, found together in a few chunks only.
    const together = s.memory.search({ agent_id: agentId, query: 'walrus note', limit: 50 });
    expect(together.chunks.map((c) => c.id)).toEqual(newestMatching(s, agentId, 'walrus', 50));
    expect(together).toMatchObject({ total_count: 8, has_more: false });
  });

  it('reads each kind of search through an index, never a scan of every chunk', () => {
    const { s, agentId } = cargoMemory();
    s.db.$client.exec('ANALYZE');
    const statements = [
      ...statementsOf(s.db, () => s.memory.search({ agent_id: agentId, query: 'cargo' })),
      ...statementsOf(s.db, () => s.memory.search({ agent_id: agentId, query: 'ca' })),
      ...statementsOf(s.db, () => s.memory.search({ agent_id: agentId, query: 'cargo', search_mode: 'phrase' })),
      ...statementsOf(s.db, () => s.memory.search({ agent_id: agentId, query: 'cargo', offset: 450 })),
      ...statementsOf(s.db, () => s.memory.search({ agent_id: agentId, query: 'note 4007' })),
    ];
    // The newest rows with LIKE, the index newest first, and the few matches by key: each path is here.
    expect(statements.filter((st) => /WHERE hit LIMIT/.test(st.sql)).length).toBeGreaterThanOrEqual(3);
    expect(statements.filter((st) => /memory_chunks_fts MATCH/.test(st.sql) && /order by/i.test(st.sql)).length).toBe(
      1,
    );
    expect(statements.filter((st) => /json_each/.test(st.sql))).toHaveLength(1);
    expect(planProblems(s.db, statements, { bigTables: ['memory_chunks'] })).toEqual([]);
  });

  it('finds the default agent (a search or a note without one) through an index, not by reading every agent', () => {
    const s = createTestServices();
    for (let i = 0; i < 30; i++) s.agents.create(`Agent ${i}`, { prompt: 'p'.repeat(5_000) });
    s.db.$client.exec('ANALYZE');
    const firstCreated = Math.min(...s.agents.list().map((a) => a.created_at));
    const statements = statementsOf(s.db, () => s.memory.search({ query: 'cargo' }));
    expect(statements.filter((st) => /from "?agents"?\s/i.test(st.sql))).toHaveLength(1);
    expect(planProblems(s.db, statements, { bigTables: ['agents', 'memory_chunks'] })).toEqual([]);
    const { agent_id } = s.memory.storeChunk({ content: 'a note for the default agent' });
    expect(s.agents.list().find((a) => a.id === agent_id)?.created_at).toBe(firstCreated);
  });

  it('reads chunk pages through an index in list order', () => {
    const { s, agentId } = withChunks(600);
    s.db.$client.exec('ANALYZE');
    const first = s.memory.listChunksPage({ agent_id: agentId, limit: 20 });
    const statements = [
      ...statementsOf(s.db, () => s.memory.listChunksPage({ agent_id: agentId, limit: 20 })),
      ...statementsOf(s.db, () => s.memory.listChunksPage({ agent_id: agentId, cursor: first.next_cursor as string })),
      ...statementsOf(s.db, () => s.memory.listChunksPage({ limit: 20 })),
    ];
    expect(statements.filter((st) => /from "memory_chunks"/.test(st.sql))).toHaveLength(3);
    expect(planProblems(s.db, statements, { bigTables: ['memory_chunks'] })).toEqual([]);
  });
});
