import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { agents, closeDb, createDb, eq, SchemaUpgradeError, sql } from '../src/index.ts';

describe('createDb', () => {
  it('creates a new database with incremental auto-vacuum, and leaves an existing one in its mode', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-db-vacuum-'));
    try {
      const fresh = createDb(path.join(dir, 'new.db'));
      expect(fresh.$client.pragma('auto_vacuum', { simple: true })).toBe(2);
      closeDb(fresh);
      const oldFile = path.join(dir, 'old.db');
      const made = new Database(oldFile);
      made.exec('CREATE TABLE left_from_before (x)');
      made.close();
      const old = createDb(oldFile);
      expect(old.$client.pragma('auto_vacuum', { simple: true })).toBe(0);
      expect(old.$client.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'runs'").pluck().get()).toBe(1);
      closeDb(old);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('applies every migration to an in-memory database', () => {
    const db = createDb(':memory:');
    const tables = db.$client
      .prepare("SELECT name FROM sqlite_master WHERE type IN ('table') ORDER BY name")
      .all()
      .map((r) => (r as { name: string }).name);
    for (const table of [
      'agents',
      'skills',
      'tasks',
      'task_events',
      'chat_sessions',
      'chat_messages',
      'memory_chunks',
      'memory_sessions',
      'memory_chunk_tags',
      'memory_chunks_fts',
      'secrets',
      'auth_profiles',
      'system_config',
      'terminal_sessions',
      'shared_space',
      'security_policies',
      'pending_approvals',
      'runs',
      'run_events',
    ]) {
      expect(tables).toContain(table);
    }
    closeDb(db);
  });

  it('opens a file in WAL mode with foreign keys and a busy timeout, and is idempotent on reopen', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-db-'));
    const file = path.join(dir, 'restflow.db');
    const db = createDb(file);
    expect(db.$client.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.$client.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.$client.pragma('busy_timeout', { simple: true })).toBe(5000);
    db.insert(agents)
      .values({ id: 'a1', name: 'n', agent: { model: 'gpt-5' }, createdAt: 1, updatedAt: 1 })
      .run();
    closeDb(db);
    const again = createDb(file);
    expect(again.select().from(agents).where(eq(agents.id, 'a1')).get()?.agent).toEqual({ model: 'gpt-5' });
    closeDb(again);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a database whose tables an earlier build made differently, changing nothing in it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-db-'));
    const file = path.join(dir, 'restflow.db');
    // As an earlier pre-release build left it: its own `agents` table, and no record of today's migrations.
    const older = new Database(file);
    older.exec("CREATE TABLE agents (id TEXT PRIMARY KEY, name TEXT); INSERT INTO agents VALUES (1, 'kept')");
    older.close();
    let refusal: unknown;
    try {
      createDb(file);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(SchemaUpgradeError);
    expect((refusal as Error).message).toMatch(/made by an earlier pre-release build .* cannot upgrade/);
    expect((refusal as Error).message).toContain(`mv "${dir}" "${dir}.old"`);
    const after = new Database(file, { readonly: true });
    const tables = after.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
    expect(tables.map((t) => (t as { name: string }).name).filter((n) => !n.startsWith('__drizzle'))).toEqual([
      'agents',
    ]);
    expect(after.prepare('SELECT name FROM agents').get()).toEqual({ name: 'kept' });
    after.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the FTS index in step with memory chunks', () => {
    const db = createDb(':memory:');
    db.$client
      .prepare(
        "INSERT INTO memory_chunks (id, agent_id, content, content_hash, source_type, source, created_at, tags) VALUES ('c1','a','The quick brown fox','h1','manual_note','{}',1,'[]')",
      )
      .run();
    const hit = db.all(sql`SELECT rowid FROM memory_chunks_fts WHERE memory_chunks_fts MATCH 'brown'`);
    expect(hit).toHaveLength(1);
    db.$client.prepare("DELETE FROM memory_chunks WHERE id = 'c1'").run();
    expect(db.all(sql`SELECT rowid FROM memory_chunks_fts WHERE memory_chunks_fts MATCH 'brown'`)).toHaveLength(0);
    closeDb(db);
  });

  it('upgrades a database made before the list-order indexes and the message index, indexing its messages', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-db-'));
    const file = path.join(dir, 'restflow.db');
    // The migrations as the earlier build shipped them: the first two entries of the journal.
    const migrations = path.join(path.dirname(fileURLToPath(import.meta.url)), '../drizzle');
    const earlier = path.join(dir, 'drizzle');
    fs.mkdirSync(path.join(earlier, 'meta'), { recursive: true });
    const journal = JSON.parse(fs.readFileSync(path.join(migrations, 'meta/_journal.json'), 'utf8'));
    journal.entries = journal.entries.slice(0, 2);
    fs.writeFileSync(path.join(earlier, 'meta/_journal.json'), JSON.stringify(journal));
    for (const entry of journal.entries as { tag: string }[]) {
      fs.copyFileSync(path.join(migrations, `${entry.tag}.sql`), path.join(earlier, `${entry.tag}.sql`));
    }
    const old = createDb(file, { migrationsFolder: earlier });
    old.$client.exec(`INSERT INTO chat_sessions (id, name, agent_id, model, created_at, updated_at)
      VALUES ('s1', 'Chat', 'a', 'default', 1, 1);
      INSERT INTO chat_messages (id, session_id, seq, role, content, timestamp)
      VALUES ('m1', 's1', 1, 'user', 'The zeppelin has landed', 1)`);
    closeDb(old);

    const db = createDb(file);
    const indexes = db.$client
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'chat_sessions_%' ORDER BY name")
      .pluck()
      .all();
    expect(indexes).toEqual([
      'chat_sessions_agent_updated_idx',
      'chat_sessions_skill_idx',
      'chat_sessions_updated_idx',
    ]);
    const match = sql`SELECT k.message_id AS id, k.session_id AS session FROM chat_messages_fts f
      JOIN chat_messages_fts_keys k ON k.pk = f.rowid WHERE chat_messages_fts MATCH '"ZEPPELIN"'`;
    expect(db.all(match)).toEqual([{ id: 'm1', session: 's1' }]);
    db.$client.prepare("DELETE FROM chat_sessions WHERE id = 's1'").run();
    expect(db.all(match)).toEqual([]);
    closeDb(db);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('createDb on a database that is up to date', () => {
  it('opens it from the journal alone, and still applies a migration that is newer than the database', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-db-'));
    const file = path.join(dir, 'restflow.db');
    const migrations = path.join(path.dirname(fileURLToPath(import.meta.url)), '../drizzle');
    const copy = path.join(dir, 'drizzle');
    fs.cpSync(migrations, copy, { recursive: true });
    closeDb(createDb(file, { migrationsFolder: copy }));
    // Up to date: the migration files are not read (the migrator would fail on an unreadable one).
    const journal = JSON.parse(fs.readFileSync(path.join(copy, 'meta/_journal.json'), 'utf8'));
    for (const entry of journal.entries as { tag: string }[])
      fs.writeFileSync(path.join(copy, `${entry.tag}.sql`), 'NOT SQL');
    closeDb(createDb(file, { migrationsFolder: copy }));
    // A newer migration in the journal runs.
    const newest = Math.max(...(journal.entries as { when: number }[]).map((e) => e.when));
    journal.entries.push({
      idx: journal.entries.length,
      version: '6',
      when: newest + 1,
      tag: '9999_later',
      breakpoints: true,
    });
    fs.writeFileSync(path.join(copy, 'meta/_journal.json'), JSON.stringify(journal));
    fs.writeFileSync(path.join(copy, '9999_later.sql'), 'CREATE TABLE later_table (id INTEGER PRIMARY KEY);');
    for (const entry of journal.entries.slice(0, -1) as { tag: string }[]) {
      fs.copyFileSync(path.join(migrations, `${entry.tag}.sql`), path.join(copy, `${entry.tag}.sql`));
    }
    const db = createDb(file, { migrationsFolder: copy });
    expect(db.$client.prepare("SELECT name FROM sqlite_schema WHERE name = 'later_table'").pluck().get()).toBe(
      'later_table',
    );
    closeDb(db);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
