// Memory chunks written straight into the table (the FTS triggers fire), without the service's dedup, tags and
// stats: a memory larger than the search's walk, built in a moment.
import type { TestServices } from '@restflow/testkit';

export interface ChunkRow {
  id: string;
  agentId: string;
  content: string;
  createdAt: number;
}

/** Inserts the rows in one transaction; each row's content hash is its id. */
export function insertChunkRows(s: TestServices, rows: Iterable<ChunkRow>): void {
  const insert = s.db.$client.prepare(
    `INSERT INTO memory_chunks (id, agent_id, content, content_hash, source_type, source, created_at, tags)
     VALUES (?, ?, ?, ?, 'manual_note', '{"type":"manual_note"}', ?, '[]')`,
  );
  s.db.$client.transaction(() => {
    for (const row of rows) insert.run(row.id, row.agentId, row.content, row.id, row.createdAt);
  })();
}
