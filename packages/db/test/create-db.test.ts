import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { agents, closeDb, createDb, eq, sql } from '../src/index.ts';

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
