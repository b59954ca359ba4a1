import { describe, expect, it } from '@jest/globals';
import { agents, closeDb, createDb, eq, memoryChunks, preparedQueriesOf, setPlaceholder, sql } from '../src/index.ts';

const value = (name: string) => sql.placeholder(name);

describe('prepared queries', () => {
  it('are built once per database, each database its own, and encode their values by column', () => {
    let built = 0;
    const queriesOf = preparedQueriesOf((db) => {
      built++;
      return {
        insertChunk: db
          .insert(memoryChunks)
          .values({
            id: value('id'),
            agentId: value('agent_id'),
            sessionId: value('session_id'),
            content: value('content'),
            contentHash: value('hash'),
            sourceType: value('source_type'),
            source: value('source'),
            createdAt: value('created_at'),
            tags: value('tags'),
            tokenCount: value('token_count'),
          })
          .prepare(),
        chunk: db
          .select()
          .from(memoryChunks)
          .where(eq(memoryChunks.id, value('id')))
          .prepare(),
        rename: db
          .update(agents)
          .set({ name: setPlaceholder('name') })
          .where(eq(agents.id, value('id')))
          .prepare(),
      };
    });
    const first = createDb(':memory:');
    const second = createDb(':memory:');
    try {
      expect(queriesOf(first)).toBe(queriesOf(first));
      expect(queriesOf(second)).not.toBe(queriesOf(first));
      expect(built).toBe(2);

      const source = { type: 'manual_note' as const };
      queriesOf(first).insertChunk.run({
        id: 'chunk-1',
        agent_id: 'a1',
        session_id: null,
        content: 'harbor budget',
        hash: 'h1',
        source_type: 'manual_note',
        source,
        created_at: 5,
        tags: ['ops', 'q3'],
        token_count: 3,
      });
      // JSON columns go in as JSON text and come back decoded, as with drizzle's unprepared queries.
      expect(first.$client.prepare("SELECT tags, source FROM memory_chunks WHERE id = 'chunk-1'").get()).toEqual({
        tags: '["ops","q3"]',
        source: '{"type":"manual_note"}',
      });
      expect(queriesOf(first).chunk.get({ id: 'chunk-1' })).toMatchObject({ tags: ['ops', 'q3'], source });
      expect(queriesOf(second).chunk.get({ id: 'chunk-1' })).toBeUndefined();

      first
        .insert(agents)
        .values({ id: 'a1', name: 'one', agent: {} as never, createdAt: 1, updatedAt: 1 })
        .run();
      expect(queriesOf(first).rename.run({ id: 'a1', name: 'renamed' }).changes).toBe(1);
      expect(first.select({ name: agents.name }).from(agents).all()).toEqual([{ name: 'renamed' }]);
      // A value missing is the caller's error, not a NULL written.
      expect(() => queriesOf(first).rename.run({ id: 'a1' })).toThrow(/No value for placeholder "name"/);
    } finally {
      closeDb(first);
      closeDb(second);
    }
  });
});
