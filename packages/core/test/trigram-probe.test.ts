// The choice of trigrams that stands in for a query's tokens in the FTS index (memory search's superset).
import { describe, expect, it } from '@jest/globals';
import { keptStatements } from '@restflow/db';
import { createTestServices } from '@restflow/testkit';
import { rarestTrigrams, trigramsOf } from '../src/memory/trigram-probe.ts';
import { insertChunkRows } from './memory-rows.ts';

describe('trigramsOf', () => {
  it('gives the distinct trigrams of a token, by character, spread over a long one', () => {
    expect(trigramsOf('cargo')).toEqual(['car', 'arg', 'rgo']);
    expect(trigramsOf('aaaa')).toEqual(['aaa']);
    expect(trigramsOf('straße')).toEqual(['str', 'tra', 'raß', 'aße']);
    expect(trigramsOf('ab')).toEqual([]);
    const long = trigramsOf('abcdefghijklmnopqrstuvwxyz', 4);
    expect(long).toEqual(['abc', 'ghi', 'mno', 'stu']);
  });
});

describe('rarestTrigrams', () => {
  it('chooses the two rarest trigrams of each token, whose AND holds every match', () => {
    const s = createTestServices();
    const agent = s.agents.create('Keeper', {}).id;
    // "the" and "her" in every chunk, "kubernetes" in one of 10 ("net" in one of 5), "upgrade" in one of 50.
    insertChunkRows(
      s,
      Array.from({ length: 500 }, (_, i) => ({
        id: `c-${i}`,
        agentId: agent,
        content: [
          'the other note',
          i % 10 === 0 ? 'kubernetes' : '',
          i % 50 === 0 ? 'upgrade' : '',
          i % 10 === 5 ? 'network' : '',
        ].join(' '),
        createdAt: i,
      })),
    );
    const one = rarestTrigrams(keptStatements(s.db.$client), ['kubernetes']);
    expect(one.expression).toBe('"kub" AND "ube"');
    // Fewer matches than the probe reads: all of them, exact.
    expect(one).toMatchObject({ estimate: 50 });
    expect(one.matches).toHaveLength(50);
    const frequent = rarestTrigrams(keptStatements(s.db.$client), ['other']);
    expect(frequent.matches).toBeUndefined();
    expect(frequent.share).toBe(1);
    expect(frequent.estimate).toBe(500);
    const both = rarestTrigrams(keptStatements(s.db.$client), ['kubernetes', 'upgrade']);
    expect(both.expression).toBe('"kub" AND "ube" AND "upg" AND "pgr"');
    expect(both).toMatchObject({ estimate: 10 });
    const matches = s.db.$client
      .prepare('SELECT count(*) FROM memory_chunks_fts WHERE memory_chunks_fts MATCH ?')
      .pluck()
      .get(both.expression);
    expect(matches).toBe(10);
    // A trigram in no chunk is the rarest there is.
    expect(rarestTrigrams(keptStatements(s.db.$client), ['zzzother']).expression).toBe('"zzz"');
    // A token of one trigram stands for itself.
    expect(rarestTrigrams(keptStatements(s.db.$client), ['net']).expression).toBe('"net"');
  });

  it('works on an empty memory', () => {
    const s = createTestServices();
    expect(rarestTrigrams(keptStatements(s.db.$client), ['cargo'])).toEqual({
      expression: '"car"',
      share: 0,
      estimate: 0,
      matches: [],
    });
    expect(rarestTrigrams(keptStatements(s.db.$client), ['cargo', 'ship'])).toMatchObject({
      expression: '"car" AND "shi"',
      share: 0,
    });
  });

  it('leaves the superset to LIKE: a chunk with the rare trigram but not the token is no match', () => {
    const s = createTestServices();
    const agent = s.agents.create('Keeper', {}).id;
    const kept = s.memory.storeChunk({ agent_id: agent, content: 'the kubernetes cluster' }).id;
    s.memory.storeChunk({ agent_id: agent, content: 'the kubectl tool' });
    s.memory.storeChunk({ agent_id: agent, content: 'the other cluster' });
    const found = s.memory.search({ agent_id: agent, query: 'Kubernetes cluster' });
    expect(found.chunks.map((c) => c.id)).toEqual([kept]);
    expect(found).toMatchObject({ total_count: 1, has_more: false });
  });
});
