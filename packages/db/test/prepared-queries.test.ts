import { describe, expect, it } from '@jest/globals';
import { agents, closeDb, createDb, eq, placeholder, preparedQueriesOf, rawPlaceholder } from '../src/index.ts';

describe('prepared queries', () => {
  it('are built once per database, each database its own, and encode their values by column', () => {
    let built = 0;
    const queriesOf = preparedQueriesOf((db) => {
      built++;
      return {
        insertAgent: db
          .insert(agents)
          .values({
            id: placeholder('id'),
            name: placeholder('name'),
            agent: placeholder('agent'),
            createdAt: placeholder('at'),
            updatedAt: placeholder('at'),
          })
          .prepare(),
        agent: db
          .select()
          .from(agents)
          .where(eq(agents.id, placeholder('id')))
          .prepare(),
        rename: db
          .update(agents)
          .set({ name: rawPlaceholder('name') })
          .where(eq(agents.id, placeholder('id')))
          .prepare(),
      };
    });
    const first = createDb(':memory:');
    const second = createDb(':memory:');
    try {
      expect(queriesOf(first)).toBe(queriesOf(first));
      expect(queriesOf(second)).not.toBe(queriesOf(first));
      expect(built).toBe(2);

      const node = { model: 'gpt-5', tools: ['bash'] };
      queriesOf(first).insertAgent.run({ id: 'a1', name: 'one', agent: node, at: 5 });
      // A JSON column goes in as JSON text and comes back decoded, as with drizzle's unprepared queries.
      expect(first.$client.prepare("SELECT agent FROM agents WHERE id = 'a1'").get()).toEqual({
        agent: '{"model":"gpt-5","tools":["bash"]}',
      });
      expect(queriesOf(first).agent.get({ id: 'a1' })).toMatchObject({ name: 'one', agent: node, createdAt: 5 });
      expect(queriesOf(second).agent.get({ id: 'a1' })).toBeUndefined();

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
