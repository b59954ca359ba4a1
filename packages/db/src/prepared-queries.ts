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

/** A placeholder as an update's value: drizzle's types take none in `set()`, an SQL fragment holding one they do. */
export const setPlaceholder = (name: string) => sql`${sql.placeholder(name)}`;
