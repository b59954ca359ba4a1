// Queries a service runs on every call, built once per database. drizzle builds a query's SQL anew on each call
// (~30–50 µs a query in a loaded daemon, before SQLite runs it), and the statement cache (statement-cache.ts) saves
// only the compiling; a prepared query (`.prepare()`, values as `sql.placeholder`s) skips the building too.
import { sql } from 'drizzle-orm';
import type { Db } from './index.ts';

/** `build`'s queries for a database, built on its first use and kept for as long as the database lives. */
export function preparedQueriesOf<T>(build: (db: Db) => T): (db: Db) => T {
  const byDb = new WeakMap<Db, T>();
  return (db) => {
    let queries = byDb.get(db);
    if (queries === undefined) {
      queries = build(db);
      byDb.set(db, queries);
    }
    return queries;
  };
}

/** A named value of a prepared query, encoded by its column (a JSON column's value as JSON text). */
export const placeholder = (name: string) => sql.placeholder(name);

/**
 * A named value passed to SQLite as given, not through its column's encoder: an update's value (drizzle's types take
 * no placeholder in `set()`, an SQL fragment holding one they do), or a JSON column's NULL (its encoder would store
 * a null as the text 'null').
 */
export const rawPlaceholder = (name: string) => sql`${sql.placeholder(name)}`;
