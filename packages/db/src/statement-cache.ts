// drizzle prepares (compiles) every query's SQL anew on each call (its better-sqlite3 session calls
// `client.prepare(sql)` per query): a third of the CPU of a busy daemon's list and search calls went to building
// and compiling statements it had compiled a moment before, and each left a Statement behind for the collector
// (bench/pipe-under-load.bench.ts). The client drizzle is given keeps the statements it prepared, by their SQL.
import type Database from 'better-sqlite3';

/** Distinct SQL texts kept; past this the least recently used statement is dropped (finalized when collected). */
export const STATEMENT_CACHE_SIZE = 128;

/**
 * `client`, with a `prepare` that returns the statement it compiled before for the same SQL. Only for drizzle's
 * session (createDb): drizzle uses a statement right after preparing it (a prepared query, prepared-queries.ts,
 * holds it, sharing it with the cache), and switches it to array rows with `raw()` before every read that maps
 * columns, leaving it so; a plain query of the same text expects objects, so a reused statement is switched back
 * first. Code that prepares its own statements on `$client`
 * (and sets `pluck()` or keeps them) does not go through this.
 */
export function withStatementCache(client: Database.Database, size = STATEMENT_CACHE_SIZE): Database.Database {
  const kept = keptStatements(client, size);
  const prepare = (source: string): Database.Statement => {
    const statement = kept(source);
    if (statement.reader) statement.raw(false);
    return statement;
  };
  return new Proxy(client, {
    get(target, key) {
      if (key === 'prepare') return prepare;
      const value = Reflect.get(target, key, target);
      // better-sqlite3's methods are native and must be called on the database itself.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * A `prepare` that returns the statement it compiled before for the same SQL, for code that runs its own SQL on
 * `$client` over and over (memory search). The statement comes in whatever mode its last user left it: set
 * `pluck()` or `raw()` (or `raw(false)`) on every use.
 */
export function keptStatements(
  client: Database.Database,
  size = STATEMENT_CACHE_SIZE,
): (source: string) => Database.Statement {
  const original = (Object.getPrototypeOf(client) as Database.Database).prepare;
  const statements = new Map<string, Database.Statement>();
  return (source) => {
    // A prepare replaced on the database itself (a test recording the statements a call runs: core's
    // test/query-plans.ts) sees every statement, and what it returns is not kept.
    if (client.prepare !== original) return client.prepare(source);
    const cached = statements.get(source);
    // A statement being iterated cannot run again until it is done: that caller gets one of its own.
    if (cached && !cached.busy) {
      // Map order is the recency order: the first entry is the next to go.
      statements.delete(source);
      statements.set(source, cached);
      return cached;
    }
    const statement = client.prepare(source);
    if (!cached) {
      statements.set(source, statement);
      if (statements.size > size) statements.delete(statements.keys().next().value as string);
    }
    return statement;
  };
}

const sharedKept = new WeakMap<Database.Database, (source: string) => Database.Statement>();

/**
 * `keptStatements` of `client`, one cache shared by every caller: for fixed SQL that many calls run once each
 * (resolving an id, a list's last messages), where compiling it again would cost more than running it. The
 * statement comes in the mode its last user left it, as with `keptStatements`.
 */
export function statementsOf(client: Database.Database): (source: string) => Database.Statement {
  let kept = sharedKept.get(client);
  if (!kept) {
    kept = keptStatements(client);
    sharedKept.set(client, kept);
  }
  return kept;
}
