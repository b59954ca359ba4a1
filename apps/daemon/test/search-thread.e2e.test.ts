// Searches on the daemon's search thread (src/search-thread/): a real daemon process, whose thread runs its own entry,
// answers memory.search, searchRanked, searchUnified and sessions.search(Page) as the daemon's own code does on the
// same database (checked here after it stops), sees each write as soon as the write has been answered, and fails a bad search with
// the daemon's own error.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRestflowClient, type RestflowClient } from '@restflow/api/client';
import { ChatSessionReads, MemoryReads } from '@restflow/core';
import { closeDb, createDb } from '@restflow/db';
import { resolvePaths } from '@restflow/paths';
import { removeDataDir, startTestDaemon, type TestDaemon, tempDataDir, waitUntil } from '@restflow/testkit';
import { SEARCH_THREAD_READY } from '../src/search-thread/searches-on-thread.ts';

const WORDS = ['harbor', 'invoice', 'journal', 'forest', 'gateway'];
type Query = { query?: string; tags?: string[]; limit?: number; offset?: number; search_mode?: 'regex' };
const QUERIES: Query[] = [
  { query: 'harbor' },
  { query: 'harbor', limit: 3, offset: 2 },
  { query: 'journal entry' },
  { query: 'entry', tags: ['even'] },
  { query: 'inv.ice entry [0-9]+', search_mode: 'regex', limit: 5 },
  { tags: ['odd'], limit: 4 },
  { query: 'nothing-like-this' },
];

let dataDir: string;
let daemon: TestDaemon | undefined;
let sdk: RestflowClient;
const answered: { query: Query; result: unknown }[] = [];
const RANKED_QUERIES: Query[] = [{ query: 'journal' }, { query: 'entry', tags: ['odd'] }];
type Ranked = { chunks: { chunk: { id: string } }[]; total_count: number };
type Unified = { results: { id: string }[]; source_counts: unknown };
const answeredRanked: { query: Query; ranked: Ranked; unified: Unified }[] = [];

beforeAll(async () => {
  dataDir = tempDataDir('rf-search-thread');
  daemon = await startTestDaemon(dataDir, { RESTFLOW_HTTP: 'off', RESTFLOW_LOG_LEVEL: 'debug' });
  sdk = createRestflowClient({ pipePath: daemon.pipe });
  for (let i = 0; i < 40; i++) {
    await sdk.memory.create.mutate({
      content: `${WORDS[i % WORDS.length]} entry ${i}`,
      tags: [i % 2 === 0 ? 'even' : 'odd'],
    });
  }
  for (let i = 0; i < 6; i++) {
    const session = await sdk.sessions.create.mutate({ name: `talk ${i}` });
    for (const word of WORDS.slice(0, i + 1)) {
      await sdk.sessions.messages.create.mutate({ session_id: session.id, role: 'user', content: `about the ${word}` });
    }
  }
  const log = resolvePaths(dataDir).daemonLog;
  await waitUntil(
    () => fs.existsSync(log) && fs.readFileSync(log, 'utf8').includes(SEARCH_THREAD_READY),
    20_000,
    'the search thread ready',
  );
}, 60_000);

afterAll(async () => {
  sdk?.close();
  await daemon?.stop();
  removeDataDir(dataDir);
});

describe('memory.search on the search thread', () => {
  it('sees every write as soon as it has been answered', async () => {
    for (let i = 0; i < 10; i++) {
      const word = `fresh${i}word`;
      const { id } = await sdk.memory.create.mutate({ content: `a ${word} note` });
      const found = await sdk.memory.search.query({ query: word });
      expect(found.chunks.map((c) => c.id)).toEqual([id]);
      expect(found.total_count).toBe(1);
    }
  });

  it("fails a bad search with the daemon's own error", async () => {
    const error = await sdk.memory.search.query({ query: '(', search_mode: 'regex' }).catch((e: unknown) => e);
    expect((error as { data?: { code?: string } }).data?.code).toBe('BAD_REQUEST');
    expect((error as Error).message).toContain('invalid regular expression');
  });

  it('answers as the daemon searches on its own thread, on the same database', async () => {
    for (const query of QUERIES) answered.push({ query, result: await sdk.memory.search.query(query) });
    const sessionHits = await sdk.sessions.search.query({ query: 'invoice' });
    const firstPage = await sdk.sessions.searchPage.query({ query: 'the', limit: 4 });
    const secondPage = await sdk.sessions.searchPage.query({
      query: 'the',
      limit: 4,
      cursor: firstPage.next_cursor as string,
    });
    for (const query of RANKED_QUERIES) {
      answeredRanked.push({
        query,
        ranked: await sdk.memory.searchRanked.query({ query }),
        unified: await sdk.memory.searchUnified.query(query),
      });
    }
    const agentId = (await sdk.memory.search.query({ limit: 1 })).chunks[0]?.agent_id as string;
    await daemon?.stop();
    expect(daemon?.process.exitCode).toBe(0);
    daemon = undefined;
    const db = createDb(resolvePaths(dataDir).database, { readonly: true });
    try {
      const here = new MemoryReads(db);
      for (const { query, result } of answered) {
        expect(result).toEqual(here.search({ ...query, agent_id: agentId }));
      }
      // Their scores decay with the time of asking: the order and totals are compared.
      for (const { query, ranked, unified } of answeredRanked) {
        const now = Date.now();
        const rankedHere = here.ranked({ ...query, agent_id: agentId }, {}, now);
        expect(ranked.chunks.map((c) => c.chunk.id)).toEqual(rankedHere.chunks.map((c) => c.chunk.id));
        expect(ranked.total_count).toBe(rankedHere.total_count);
        const unifiedHere = here.unifiedWithChat({ ...query, agent_id: agentId }, now);
        expect(unified.results.map((r) => r.id)).toEqual(unifiedHere.results.map((r) => r.id));
        expect(unified.source_counts).toEqual(unifiedHere.source_counts);
      }
      expect(answeredRanked.map(({ ranked }) => ranked.total_count)).toEqual([8, 20]);
      const sessionsHere = new ChatSessionReads(db);
      expect(sessionHits).toEqual(sessionsHere.searchHits('invoice', undefined, Infinity, undefined));
      expect(sessionHits.map((h) => h.name)).toEqual(['talk 5', 'talk 4', 'talk 3', 'talk 2', 'talk 1']);
      const all = sessionsHere.searchHits('the', undefined, Infinity, undefined);
      expect([...firstPage.items, ...secondPage.items]).toEqual(all);
      expect(all).toHaveLength(6);
      expect(secondPage.next_cursor).toBeNull();
      // Every search was the thread's, but the bad one, which the daemon ran again for its error.
      const log = fs.readFileSync(resolvePaths(dataDir).daemonLog, 'utf8');
      expect(log.match(/a search failed on the search thread/g)).toHaveLength(1);
      expect(log).not.toContain('the search thread failed');
    } finally {
      closeDb(db);
    }
    expect(answered.map(({ result }) => (result as { total_count: number }).total_count)).toEqual([
      8, 8, 8, 20, 8, 20, 0,
    ]);
  });
});
