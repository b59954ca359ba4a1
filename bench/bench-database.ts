// The file database a scale benchmark measures: a new one in a temp dir, or a kept one again (`--db FILE`, after
// `--keep`), so a corpus that takes minutes to build is built once.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createServices, type ImportChunkInput } from '@restflow/core';
import { closeDb, createDb, type Db } from '@restflow/db';

export function openBenchDatabase(kept: string | undefined, fileName: string) {
  const reuse = kept !== undefined;
  const dir = reuse ? path.dirname(kept) : fs.mkdtempSync(path.join(os.tmpdir(), 'rf-bench-'));
  const file = reuse ? kept : path.join(dir, fileName);
  const db = createDb(file);
  const services = createServices({ db, env: {} });
  return {
    /** Whether the corpus is already there (`--db`): the benchmark only measures. */
    reuse,
    db,
    services,
    /** The database's size on disk, its write-ahead log included. */
    sizeMiB: () =>
      (fs.statSync(file).size + (fs.statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0)) / 2 ** 20,
    /** Closes it, and removes a new one unless `keep`; a kept one stays for the next `--db` run. */
    close(keep: boolean) {
      closeDb(db);
      if (keep || reuse) console.log(`database kept at ${file}`);
      else fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The rows MemoryService.store writes (the FTS triggers still fire), without its per-chunk dedup and stats. */
export function insertChunksDirectly(db: Db, agentId: string, chunks: ImportChunkInput[], offset: number): void {
  const chunk = db.$client.prepare(
    `INSERT OR IGNORE INTO memory_chunks (id, agent_id, content, content_hash, source_type, source, created_at, tags,
       token_count) VALUES (?, ?, ?, ?, 'manual_note', '{"type":"manual_note"}', ?, ?, ?)`,
  );
  const tag = db.$client.prepare('INSERT INTO memory_chunk_tags (chunk_id, tag) VALUES (?, ?)');
  db.$client.transaction(() => {
    chunks.forEach((c, i) => {
      const id = `chunk-bench-${offset + i}`;
      const hash = createHash('sha256').update(c.content).digest('hex');
      const tags = c.tags ?? [];
      const added = chunk.run(id, agentId, c.content, hash, c.created_at, JSON.stringify(tags), c.content.length >> 2);
      if (added.changes > 0) for (const t of tags) tag.run(id, t);
    });
  })();
}
