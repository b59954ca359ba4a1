import { describe, expect, it } from '@jest/globals';
import { createTestServices, type TestServices } from '@restflow/testkit';
import { InvalidInputError, type MemorySearchQuery } from '../src/index.ts';

interface Fixture {
  s: TestServices;
  agent: string;
  ids: Record<string, string>;
}

/** Chunks one minute apart, oldest first, so "newest first" order is known. */
function fixture(): Fixture {
  const s = createTestServices();
  const agent = s.agents.create('Researcher').id;
  const other = s.agents.create('Other').id;
  const ids: Record<string, string> = {};
  const add = (key: string, content: string, extra: Partial<Parameters<typeof s.memory.storeChunk>[0]> = {}) => {
    ids[key] = s.memory.storeChunk({ agent_id: agent, content, ...extra }).id;
    s.clock.advance(60_000);
  };
  add('pg', 'PostgreSQL vacuum settings were tuned for the billing database', { tags: ['ops', 'db'] });
  add('redis', 'Redis timeout of 5 ms caused retries in the session store', {
    tags: ['ops', 'incident'],
    session_id: 'sess-a',
  });
  add('pref', 'User prefers concise answers with tables', {
    tags: ['preference'],
    source: { type: 'conversation', session_id: 'chat-1' },
  });
  add('task', 'Nightly report task finished: 42 rows, error code E500 twice', {
    tags: ['ops'],
    source: { type: 'task_execution', task_id: 'task-1' },
  });
  add('quote', 'He said "ship it" and deployed on Friday', {
    source: { type: 'agent_generated', tool_name: 'memory_store' },
  });
  add('unicode', 'Über-Café notes: naïve approach to Straße caching');
  s.memory.storeChunk({ agent_id: other, content: 'PostgreSQL for the other agent' });
  return { s, agent, ids };
}

const idsOf = (f: Fixture, query: Omit<MemorySearchQuery, 'agent_id'>): string[] => {
  const byId = Object.fromEntries(Object.entries(f.ids).map(([k, v]) => [v, k]));
  return f.s.memory.search({ agent_id: f.agent, ...query }).chunks.map((c) => byId[c.id] ?? c.id);
};

describe('memory search — keyword (FTS5 trigram)', () => {
  it('needs every whitespace token, case-insensitively, as a substring', () => {
    const f = fixture();
    expect(idsOf(f, { query: 'postgresql' })).toEqual(['pg']);
    expect(idsOf(f, { query: 'POSTGRES billing' })).toEqual(['pg']);
    expect(idsOf(f, { query: 'timeout store' })).toEqual(['redis']);
    expect(idsOf(f, { query: 'timeout billing' })).toEqual([]);
    expect(idsOf(f, { query: 'ship' })).toEqual(['quote']);
    // Substrings inside words match (trigram semantics), not only whole words.
    expect(idsOf(f, { query: 'cise' })).toEqual(['pref']);
  });

  it('uses the FTS index for tokens of three or more characters', () => {
    const f = fixture();
    const plan = f.s.db.$client
      .prepare(
        `EXPLAIN QUERY PLAN SELECT pk FROM memory_chunks WHERE agent_id = ? AND pk IN
         (SELECT rowid FROM memory_chunks_fts WHERE memory_chunks_fts MATCH ?)`,
      )
      .all(f.agent, '"postgresql"') as { detail: string }[];
    expect(plan.some((row) => row.detail.includes('VIRTUAL TABLE'))).toBe(true);
  });

  it('filters tokens shorter than a trigram on the FTS candidates, and scans when all are short', () => {
    const f = fixture();
    expect(idsOf(f, { query: '5 ms redis' })).toEqual(['redis']);
    expect(idsOf(f, { query: 'ms' })).toEqual(['redis']);
    expect(idsOf(f, { query: 'E5 42' })).toEqual(['task']);
    expect(idsOf(f, { query: 'of 5' })).toEqual(['redis']);
    expect(idsOf(f, { query: 'zz' })).toEqual([]);
  });

  it('treats FTS syntax and LIKE wildcards in queries as plain text', () => {
    const f = fixture();
    expect(idsOf(f, { query: '"ship' })).toEqual(['quote']);
    expect(idsOf(f, { query: 'it"' })).toEqual(['quote']);
    expect(idsOf(f, { query: 'AND OR NOT' })).toEqual([]);
    expect(idsOf(f, { query: 'billing*' })).toEqual([]);
    expect(idsOf(f, { query: '%' })).toEqual([]);
    expect(idsOf(f, { query: '_' })).toEqual([]);
    expect(idsOf(f, { query: 'E5_0' })).toEqual([]);
    f.s.memory.storeChunk({ agent_id: f.agent, content: 'progress at 50% done, a_b' });
    expect(f.s.memory.search({ agent_id: f.agent, query: '%' }).total_count).toBe(1);
    expect(f.s.memory.search({ agent_id: f.agent, query: 'a_b 50%' }).total_count).toBe(1);
  });

  it('answers a query of a thousand one-character words (was an SQLite "Expression tree is too large" error)', () => {
    const f = fixture();
    // 1000 distinct CJK characters and the spaces between them: 1999 characters, within the query limit.
    const words = Array.from({ length: 1000 }, (_, i) => String.fromCharCode(0x4e00 + i));
    f.s.memory.storeChunk({ agent_id: f.agent, content: words.join('') });
    f.s.memory.storeChunk({ agent_id: f.agent, content: words.slice(1).join('') });
    const query = words.join(' ');
    expect(f.s.memory.search({ agent_id: f.agent, query }).total_count).toBe(1);
    const unified = f.s.memory.searchUnified({ agent_id: f.agent, query });
    expect(unified.source_counts).toEqual({ memory: 1, sessions: 0 });
    // Short words beside long ones: the index and the scan together.
    expect(
      f.s.memory.search({ agent_id: f.agent, query: `${query.slice(0, 1990)} ${words.slice(0, 3).join('')}` })
        .total_count,
    ).toBe(1);
  });

  it('folds case of non-ASCII letters through the trigram index', () => {
    const f = fixture();
    expect(idsOf(f, { query: 'über straße' })).toEqual(['unicode']);
    expect(idsOf(f, { query: 'CAFÉ' })).toEqual(['unicode']);
  });

  it('returns every chunk of the agent, newest first, for an empty query', () => {
    const f = fixture();
    expect(idsOf(f, {})).toEqual(['unicode', 'quote', 'task', 'pref', 'redis', 'pg']);
    expect(idsOf(f, { query: '   ' })).toHaveLength(6);
  });
});

describe('memory search — phrase and regex', () => {
  it('phrase matches a case-insensitive substring including spaces', () => {
    const f = fixture();
    expect(idsOf(f, { query: 'vacuum settings', search_mode: 'phrase' })).toEqual(['pg']);
    expect(idsOf(f, { query: 'settings vacuum', search_mode: 'phrase' })).toEqual([]);
    expect(idsOf(f, { query: '"SHIP IT"', search_mode: 'phrase' })).toEqual(['quote']);
    expect(idsOf(f, { query: ' 5 MS ', search_mode: 'phrase' })).toEqual(['redis']);
    expect(idsOf(f, { query: 'E5', search_mode: 'phrase' })).toEqual(['task']);
  });

  it('regex runs on the raw content (case-sensitive) after the other filters', () => {
    const f = fixture();
    expect(idsOf(f, { query: 'E\\d{3}', search_mode: 'regex' })).toEqual(['task']);
    expect(idsOf(f, { query: '^(Redis|User)', search_mode: 'regex' })).toEqual(['pref', 'redis']);
    expect(idsOf(f, { query: 'redis', search_mode: 'regex' })).toEqual([]);
    expect(idsOf(f, { query: '^(Redis|User)', search_mode: 'regex', tags: ['ops'] })).toEqual(['redis']);
    const page = f.s.memory.search({ agent_id: f.agent, query: '[a-z]', search_mode: 'regex', limit: 2, offset: 2 });
    expect(page).toMatchObject({ total_count: 6, has_more: true });
    expect(page.chunks.map((c) => c.id)).toEqual([f.ids.task, f.ids.pref]);
  });

  it('rejects an invalid regex as bad input naming the query', () => {
    const f = fixture();
    const attempt = () => f.s.memory.search({ agent_id: f.agent, query: '(unclosed', search_mode: 'regex' });
    expect(attempt).toThrow(InvalidInputError);
    expect(attempt).toThrow(/^query: invalid regular expression/);
  });

  it('runs in linear time: a catastrophic pattern over a hostile chunk answers at once', () => {
    const f = fixture();
    const hostile = f.s.memory.storeChunk({ agent_id: f.agent, content: `${'a'.repeat(24)}!` }).id;
    for (let i = 0; i < 200; i++) f.s.memory.storeChunk({ agent_id: f.agent, content: `${'a'.repeat(30)}-${i}` });
    const started = performance.now();
    const none = f.s.memory.search({ agent_id: f.agent, query: '^(a+)+$', search_mode: 'regex', limit: 5 });
    // JS backtracking needs seconds for the first 24-character chunk alone (2^24 paths); RE2 is linear.
    expect(performance.now() - started).toBeLessThan(1000);
    expect(none.total_count).toBe(0);
    const some = f.s.memory.search({ agent_id: f.agent, query: '^(a+)+!$', search_mode: 'regex', limit: 500 });
    expect(some.chunks.map((c) => c.id)).toContain(hostile);
  });

  it('refuses what RE2 cannot run in linear time (backreferences, lookarounds) as invalid', () => {
    const f = fixture();
    for (const query of ['(a)\\1', '(?=a)b', '(?<!a)b']) {
      expect(() => f.s.memory.search({ agent_id: f.agent, query, search_mode: 'regex' })).toThrow(
        /^query: invalid regular expression/,
      );
    }
  });
});

describe('memory search — filters and pagination', () => {
  it('requires ALL tags (case-insensitive)', () => {
    const f = fixture();
    expect(idsOf(f, { tags: ['ops'] })).toEqual(['task', 'redis', 'pg']);
    expect(idsOf(f, { tags: ['OPS', 'incident'] })).toEqual(['redis']);
    expect(idsOf(f, { tags: ['ops', 'preference'] })).toEqual([]);
    expect(idsOf(f, { tags: ['ops'], query: 'e500' })).toEqual(['task']);
  });

  it('filters by session, source type and time range', () => {
    const f = fixture();
    const base = f.s.memory.get(f.ids.pg as string).created_at;
    expect(idsOf(f, { session_id: 'sess-a' })).toEqual(['redis']);
    expect(idsOf(f, { source_type: 'task_execution' })).toEqual(['task']);
    expect(idsOf(f, { source_type: 'conversation' })).toEqual(['pref']);
    expect(idsOf(f, { source_type: 'manual_note' })).toEqual(['unicode', 'redis', 'pg']);
    expect(idsOf(f, { source_type: 'agent_generated' })).toEqual(['quote']);
    expect(idsOf(f, { from_time: base + 60_000, to_time: base + 180_000 })).toEqual(['task', 'pref', 'redis']);
    expect(idsOf(f, { from_time: base + 60_000, to_time: base + 180_000, query: 'in' })).toEqual(['task', 'redis']);
  });

  it('reports an exact total_count and has_more for every page', () => {
    const f = fixture();
    const page = (limit: number, offset: number) =>
      f.s.memory.search({ agent_id: f.agent, query: 'in', limit, offset });
    expect(page(50, 0)).toMatchObject({ total_count: 4, has_more: false });
    expect(page(2, 0)).toMatchObject({ total_count: 4, has_more: true });
    expect(page(2, 2)).toMatchObject({ total_count: 4, has_more: false });
    expect(page(2, 2).chunks.map((c) => c.id)).toEqual([f.ids.redis, f.ids.pg]);
    expect(page(2, 10)).toMatchObject({ chunks: [], total_count: 4, has_more: false });
    expect(f.s.memory.search({ agent_id: f.agent }).chunks).toHaveLength(6);
    const fts = f.s.memory.search({ agent_id: f.agent, query: 'the', limit: 1, offset: 1 });
    expect(fts).toMatchObject({ total_count: 2, has_more: false });
    expect(fts.chunks.map((c) => c.id)).toEqual([f.ids.pg]);
  });

  it('only searches the given agent', () => {
    const f = fixture();
    expect(f.s.memory.search({ agent_id: f.agent, query: 'other agent' }).total_count).toBe(0);
  });
});
