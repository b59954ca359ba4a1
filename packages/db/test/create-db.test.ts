import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { agents, closeDb, createDb, eq, SchemaUpgradeError, sql } from '../src/index.ts';

describe('createDb', () => {
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
});
