// Memory search's ways to a page (every match by key, the newest rows with LIKE, the agent's index through a
// superset of trigrams) against the plain definition: the agent's chunks, newest first, that contain every token.
import { describe, expect, it } from '@jest/globals';
import { createTestServices, type TestServices } from '@restflow/testkit';
import { SEARCH_TOTAL_CAP } from '../src/memory/memory-model.ts';
import { type ChunkRow, insertChunkRows } from './memory-rows.ts';

/** A seeded generator (mulberry32), so a failure is the same on every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Word frequencies from everywhere to one chunk in a thousand, so each way is taken.
const WORDS = ['note', 'the', 'deploy', 'cargo', 'kubernetes', 'upgrade', 'zeppelin', 'walrus', 'e1234', 'ui', 'go'];
const SHARES = [1, 0.6, 0.3, 0.12, 0.05, 0.04, 0.02, 0.006, 0.002, 0.1, 0.08];

function memory(random: () => number): { s: TestServices; agentId: string } {
  const s = createTestServices();
  const crowd = s.agents.create('Crowd', {}).id;
  const agentId = s.agents.create('Keeper', {}).id;
  const content = (i: number) =>
    [`n${i}`, ...WORDS.filter((_, w) => random() < (SHARES[w] as number))].join(random() < 0.5 ? ' ' : ', ');
  const rows: ChunkRow[] = [];
  for (let i = 0; i < 2500; i++) {
    rows.push({ id: `crowd-${i}`, agentId: crowd, content: content(i), createdAt: Math.floor(random() * 1e6) });
  }
  // created_at apart from the key order, as imported memories are.
  for (let i = 0; i < 4000; i++) {
    rows.push({ id: `k-${i}`, agentId, content: content(i), createdAt: Math.floor(random() * 1e6) });
  }
  insertChunkRows(s, rows);
  return { s, agentId };
}

describe('memory search: every way to a page gives the page of the definition', () => {
  it('matches the definition for queries of every frequency, pages and modes', () => {
    const random = seeded(17);
    const { s, agentId } = memory(random);
    const all = s.memory.listChunks({ agent_id: agentId });
    const queries: { query: string; mode: 'keyword' | 'phrase' }[] = [];
    for (let i = 0; i < 60; i++) {
      const count = 1 + Math.floor(random() * 3);
      const tokens = Array.from({ length: count }, () => WORDS[Math.floor(random() * WORDS.length)] as string);
      queries.push({ query: tokens.join(' '), mode: 'keyword' });
    }
    queries.push({ query: 'deploy, cargo', mode: 'phrase' }, { query: 'e1234', mode: 'phrase' });
    // A time filter leaves fewer candidates than the walk reads: they are all read with LIKE.
    for (const [{ query, mode }, to_time] of queries.flatMap((q) => [[q, undefined] as const, [q, 300_000] as const])) {
      const tokens = mode === 'phrase' ? [query] : [...new Set(query.split(' '))];
      const matching = all.filter(
        (c) =>
          tokens.every((t) => c.content.toLowerCase().includes(t)) &&
          (to_time === undefined || c.created_at <= to_time),
      );
      for (const offset of [0, 30, 600]) {
        const found = s.memory.search({ agent_id: agentId, query, search_mode: mode, limit: 20, offset, to_time });
        const where = `${mode} "${query}" at ${offset}${to_time ? ' (to_time)' : ''}`;
        expect({ where, ids: found.chunks.map((c) => c.id) }).toEqual({
          where,
          ids: matching.slice(offset, offset + 20).map((c) => c.id),
        });
        expect({ where, has_more: found.has_more }).toEqual({ where, has_more: matching.length > offset + 20 });
        if (found.total_estimated) {
          // An estimate from the share among the newest chunks: near, and never below what the page shows.
          expect(found.total_count).toBeGreaterThanOrEqual(offset + found.chunks.length);
          expect(Math.abs(found.total_count - matching.length)).toBeLessThanOrEqual(matching.length * 0.6 + 25);
        } else if (found.total_capped) {
          expect(matching.length).toBeGreaterThan(found.total_count);
        } else {
          expect({ where, total: found.total_count }).toEqual({
            where,
            total: Math.min(matching.length, SEARCH_TOTAL_CAP),
          });
        }
      }
    }
  });
});
