import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { waitUntil } from '@restflow/testkit';
import { openSqlite } from '../src/sqlite.ts';
import { type CheckpointPass, startWalCheckpointer } from '../src/wal-checkpointer.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function walDatabase() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-db-ckpt-'));
  dirs.push(dir);
  const file = path.join(dir, 'test.db');
  const client = openSqlite(file);
  client.pragma('journal_mode = WAL');
  client.pragma('synchronous = NORMAL');
  client.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)');
  return { client, file };
}

/** A waitUntil check that writes one row on each look until `done` holds (the log starts over only on a write). */
const writingUntil = (client: ReturnType<typeof openSqlite>, done: () => boolean) => () => {
  if (done()) return true;
  insert(client, 1);
  return false;
};

const insert = (client: ReturnType<typeof openSqlite>, rows: number) => {
  const statement = client.prepare('INSERT INTO notes (body) VALUES (?)');
  client.transaction(() => {
    for (let i = 0; i < rows; i++) statement.run(`${i} ${'x'.repeat(1000)}`);
  })();
};

describe('startWalCheckpointer', () => {
  it("checkpoints from its own thread while the connection's own checkpoints are off, and gives them back", async () => {
    const { client, file } = walDatabase();
    const passes: CheckpointPass[] = [];
    const checkpointer = startWalCheckpointer(client, { everyMs: 20, onPass: (pass) => passes.push(pass) });
    try {
      expect(checkpointer).toBeDefined();
      expect(client.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
      // ~1 500 pages: past the 1000 at which the connection would have checkpointed inside this COMMIT.
      insert(client, 6000);
      await waitUntil(() => passes.some((p) => p.checkpointed_pages >= 1000), 10_000, 'a pass over the 6000 rows');
      const pass = passes.find((p) => p.checkpointed_pages >= 1000) as CheckpointPass;
      expect(pass.checkpointed_pages).toBe(pass.log_pages);
      // The log's pages are in the database file: a write starts the log again from its beginning (unless it
      // meets the thread's pass at that moment: then the next one does).
      const later = () => passes.slice(passes.indexOf(pass) + 1);
      const startedOver = () => later().some((p) => p.log_pages < 10);
      // One write per look, spaced by the wait's interval.
      await waitUntil(writingUntil(client, startedOver), 10_000, 'a pass over the log started over', 40);
      expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(0);
      const written = later().find((p) => p.log_pages < 10) as CheckpointPass;
      expect(written.checkpointed_pages).toBe(written.log_pages);
    } finally {
      await checkpointer?.stop();
    }
    expect(client.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(client.prepare('SELECT count(*) FROM notes').pluck().get()).toBeGreaterThan(6000);
    client.close();
  });

  it('lets the connection checkpoint by itself while the thread is behind, and takes over again once it caught up', async () => {
    const { client } = walDatabase();
    const checkpointer = startWalCheckpointer(client, { everyMs: 5, behindAtPages: 50 });
    try {
      // Writes without a pause: the pages written while the thread copies keep the log from starting over.
      for (let i = 0; i < 500 && !checkpointer?.connectionCheckpoints; i++) {
        insert(client, 200);
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(checkpointer?.connectionCheckpoints).toBe(true);
      expect(client.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
      // Writes with pauses: the connection checkpoints what is left, a write starts the log over, and the thread
      // finds it short again.
      await waitUntil(
        writingUntil(client, () => checkpointer?.connectionCheckpoints === false),
        10_000,
        'the thread taking over again',
      );
      expect(checkpointer?.connectionCheckpoints).toBe(false);
      expect(client.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    } finally {
      await checkpointer?.stop();
      client.close();
    }
  });

  it('gives the connection its checkpoints back when the thread fails', async () => {
    const { client, file } = walDatabase();
    const errors: Error[] = [];
    // The thread opens the file by name (fileMustExist): gone, it fails at its start.
    const moved = `${file}.moved`;
    fs.renameSync(file, moved);
    const checkpointer = startWalCheckpointer(client, { onError: (error) => errors.push(error) });
    try {
      await waitUntil(() => errors.length > 0, 10_000, 'the thread failing');
      expect(errors[0]?.message).toMatch(/SQLITE_CANTOPEN|unable to open/);
      expect(client.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    } finally {
      await checkpointer?.stop();
      fs.renameSync(moved, file);
      client.close();
    }
  });

  it('has nothing to do for a database without a write-ahead log', () => {
    const memory = openSqlite(':memory:');
    expect(startWalCheckpointer(memory)).toBeUndefined();
    expect(memory.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    memory.close();
  });
});
