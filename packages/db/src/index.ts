import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema/index.ts';
import { openSqlite } from './sqlite.ts';
import { withStatementCache } from './statement-cache.ts';

// Re-exported so nothing above this package imports drizzle-orm directly.
export {
  and,
  asc,
  count,
  desc,
  eq,
  gt,
  gte,
  inArray,
  isNotNull,
  isNull,
  like,
  lt,
  lte,
  ne,
  not,
  notInArray,
  or,
  type SQL,
  sql,
} from 'drizzle-orm';
export type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
export { placeholder, preparedQueriesOf, rawPlaceholder } from './prepared-queries.ts';
export * from './schema/index.ts';
export { keptStatements, statementsOf } from './statement-cache.ts';
export {
  type CheckpointPass,
  startWalCheckpointer,
  type WalCheckpointer,
  type WalCheckpointerOptions,
} from './wal-checkpointer.ts';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
/** A compiled statement of better-sqlite3 (`keptStatements`). */
export type Statement = Database.Statement;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/**
 * The committed migrations ship with this package: next to its sources, or, from a bundle, in the package as
 * node_modules holds it. Found by looking in those places rather than by resolving the package's name (~5 ms of a
 * daemon start for Node's exports lookup), which stays the last resort.
 */
function defaultMigrationsFolder(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, '..', 'drizzle')];
  for (let dir = here; ; dir = path.dirname(dir)) {
    candidates.push(path.join(dir, 'node_modules', '@restflow', 'db', 'drizzle'));
    if (path.dirname(dir) === dir) break;
  }
  const found = candidates.find((folder) => fs.existsSync(path.join(folder, 'meta', '_journal.json')));
  if (found) return found;
  try {
    return path.join(path.dirname(createRequire(import.meta.url).resolve('@restflow/db/package.json')), 'drizzle');
  } catch {
    return fileURLToPath(new URL('../drizzle', import.meta.url));
  }
}

/**
 * The database's schema is one this build cannot bring up to date: its migrations would create tables that are
 * already there, as with a database made by an earlier pre-release build whose initial migration differed
 * (docs/lifecycle.md#schema-upgrades). Retrying cannot help; the message says what to do.
 */
export class SchemaUpgradeError extends Error {
  override name = 'SchemaUpgradeError';
  constructor(
    readonly file: string,
    cause: Error,
  ) {
    super(
      `the database ${file} was made by an earlier pre-release build of RestFlow, and this build cannot upgrade ` +
        `its schema (${cause.message.split('\n').at(-1)?.replace(/^.*: /, '')}). Nothing was changed. To start ` +
        `afresh, move its data dir aside (mv "${path.dirname(file)}" "${path.dirname(file)}.old") or set RESTFLOW_DIR ` +
        'to a new one; to keep using it, run the build that made it.',
      { cause },
    );
  }
}

export interface CreateDbOptions {
  migrationsFolder?: string;
  readonly?: boolean;
}

/**
 * Opens (or creates) the database and brings its schema up to date. Only the daemon calls this with a file;
 * tests use `':memory:'`.
 */
export function createDb(file: string, options: CreateDbOptions = {}): Db {
  const client = openSqlite(file, { readonly: options.readonly ?? false });
  // A new database hands the pages that deletes free back to the file system, a few at a time
  // (DatabaseMaintenance in core); the mode can only be chosen before the first table exists. An existing
  // database keeps its mode (none, before this): its free pages are reused by later writes, and only a VACUUM
  // would change it (docs/lifecycle.md#database-upkeep).
  if (!options.readonly && client.prepare('SELECT count(*) FROM sqlite_schema').pluck().get() === 0) {
    client.pragma('auto_vacuum = INCREMENTAL');
  }
  if (file !== ':memory:') client.pragma('journal_mode = WAL');
  client.pragma('busy_timeout = 5000');
  client.pragma('synchronous = NORMAL');
  client.pragma('foreign_keys = ON');
  // drizzle's queries reuse their compiled statements (statement-cache.ts); `$client` stays the database itself.
  const db = drizzle({ client: withStatementCache(client), schema }) as Db;
  db.$client = client;
  // A read-only connection (the daemon's search thread) reads the schema the daemon's own connection brought up to date.
  if (options.readonly) return db;
  const migrationsFolder = options.migrationsFolder ?? defaultMigrationsFolder();
  try {
    if (!migrationsApplied(client, migrationsFolder)) migrate(db, { migrationsFolder });
  } catch (error) {
    client.close();
    // drizzle runs each migration in a transaction: a failed one leaves the database as it was.
    const text = `${(error as Error).message} ${String((error as Error).cause ?? '')}`;
    if (/already exists/.test(text)) throw new SchemaUpgradeError(file, error as Error);
    throw error;
  }
  return db;
}

/**
 * Whether the database already has every migration of the folder, by drizzle's own rule (a migration runs when it
 * is newer than the newest one recorded). Drizzle's migrator reads and hashes every migration file to find that out,
 * at each daemon start; this reads the journal only. Anything unexpected leaves the decision to the migrator.
 */
function migrationsApplied(client: Database.Database, migrationsFolder: string): boolean {
  try {
    const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as {
      entries: { when: number }[];
    };
    const newest = Math.max(...journal.entries.map((entry) => entry.when));
    const recorded = client
      .prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = '__drizzle_migrations'")
      .get();
    if (!recorded || !Number.isFinite(newest)) return false;
    const last = client.prepare('SELECT max(created_at) FROM __drizzle_migrations').pluck().get();
    return last !== null && Number(last) >= newest;
  } catch {
    return false;
  }
}

export function closeDb(db: Db): void {
  if (db.$client.open) db.$client.close();
}
