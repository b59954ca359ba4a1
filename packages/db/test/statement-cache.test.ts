import { describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { agents, closeDb, createDb, eq, type SQL, sql } from '../src/index.ts';
import { keptStatements, statementsOf, withStatementCache } from '../src/statement-cache.ts';

describe('statement cache', () => {
  it("reuses drizzle's compiled statements, in the row shape each query expects, and leaves $client as it was", () => {
    const db = createDb(':memory:');
    try {
      // $client is the database itself: statements prepared on it are the caller's own (pluck() stays theirs).
      expect(db.$client).toBeInstanceOf(Database);
      const prepare = (db as unknown as { session: { client: Database.Database } }).session.client.prepare;
      const agent = { kind: 'agent' } as never;
      db.insert(agents).values({ id: 'a1', name: 'one', agent, createdAt: 1, updatedAt: 1 }).run();
      db.insert(agents).values({ id: 'a2', name: 'two', agent, createdAt: 2, updatedAt: 2 }).run();
      const select = db.select({ id: agents.id, name: agents.name }).from(agents).where(eq(agents.id, 'a1')).toSQL();
      // Columns mapped by drizzle (raw array rows underneath), twice: one statement, the same rows.
      const first = db.select({ id: agents.id, name: agents.name }).from(agents).where(eq(agents.id, 'a1')).all();
      const statement = prepare(select.sql);
      const again = db.select({ id: agents.id, name: agents.name }).from(agents).where(eq(agents.id, 'a2')).all();
      expect(first).toEqual([{ id: 'a1', name: 'one' }]);
      expect(again).toEqual([{ id: 'a2', name: 'two' }]);
      expect(prepare(select.sql)).toBe(statement);
      // The same SQL text as a plain query, right after drizzle left the statement in raw mode: objects.
      const plain = sql`select "id", "name" from "agents" where "agents"."id" = ${'a2'}`;
      const { dialect } = db as unknown as { dialect: { sqlToQuery(query: SQL): { sql: string } } };
      expect(dialect.sqlToQuery(plain).sql).toBe(select.sql);
      expect(db.all(plain)).toEqual([{ id: 'a2', name: 'two' }]);
      expect(prepare(select.sql)).toBe(statement);
      expect(db.get(sql`select count(*) as n from "agents"`)).toEqual({ n: 2 });
      // Transactions go to the database itself and see the cached statements' writes.
      db.transaction((tx) => tx.update(agents).set({ name: 'uno' }).where(eq(agents.id, 'a1')).run());
      expect(db.select({ name: agents.name }).from(agents).where(eq(agents.id, 'a1')).get()).toEqual({ name: 'uno' });
    } finally {
      closeDb(db);
    }
  });

  it('gives a statement being iterated a fresh one, and keeps at most `size` statements', () => {
    const client = new Database(':memory:');
    try {
      client.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1), (2), (3)');
      const cached = withStatementCache(client, 2);
      const iterating = cached.prepare('SELECT x FROM t');
      const rows = iterating.iterate();
      rows.next();
      const other = cached.prepare('SELECT x FROM t');
      expect(other).not.toBe(iterating);
      expect(other.all()).toEqual([{ x: 1 }, { x: 2 }, { x: 3 }]);
      rows.return?.();
      expect(cached.prepare('SELECT x FROM t')).toBe(iterating);
      cached.prepare('SELECT 1');
      cached.prepare('SELECT 2');
      // 'SELECT x FROM t' was the least recently used of three: dropped.
      expect(cached.prepare('SELECT x FROM t')).not.toBe(iterating);
      expect(cached.prepare('SELECT 2')).toBe(cached.prepare('SELECT 2'));
      // A prepare patched on the database (recording statements) sees each one; nothing it returns is kept.
      const seen: string[] = [];
      const prepare = client.prepare;
      client.prepare = ((source: string) => {
        seen.push(source);
        return prepare.call(client, source);
      }) as typeof client.prepare;
      const whilePatched = cached.prepare('SELECT 2');
      client.prepare = prepare;
      expect(seen).toEqual(['SELECT 2']);
      expect(cached.prepare('SELECT 2')).not.toBe(whilePatched);
    } finally {
      client.close();
    }
  });

  it('keeps the statements of code running its own SQL, in the mode it sets on each use', () => {
    const client = new Database(':memory:');
    try {
      client.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1), (2)');
      const prepare = keptStatements(client, 4);
      const plucked = prepare('SELECT x FROM t');
      expect(plucked.pluck().all()).toEqual([1, 2]);
      const again = prepare('SELECT x FROM t');
      expect(again).toBe(plucked);
      expect(again.raw(true).all()).toEqual([[1], [2]]);
      expect(prepare('SELECT x FROM t').raw(false).all()).toEqual([{ x: 1 }, { x: 2 }]);
    } finally {
      client.close();
    }
  });

  it('shares one cache per database among the callers of statementsOf', () => {
    const one = new Database(':memory:');
    const other = new Database(':memory:');
    try {
      one.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
      other.exec('CREATE TABLE t (x); INSERT INTO t VALUES (2)');
      expect(statementsOf(one)).toBe(statementsOf(one));
      const first = statementsOf(one)('SELECT x FROM t');
      expect(statementsOf(one)('SELECT x FROM t')).toBe(first);
      const elsewhere = statementsOf(other)('SELECT x FROM t');
      expect(elsewhere).not.toBe(first);
      expect(elsewhere.pluck().get()).toBe(2);
      expect(first.pluck().get()).toBe(1);
    } finally {
      one.close();
      other.close();
    }
  });
});
