// The file database a scale benchmark measures: a new one in a temp dir, or a kept one again (`--db FILE`, after
// `--keep`), so a corpus that takes minutes to build is built once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createServices } from '@restflow/core';
import { closeDb, createDb } from '@restflow/db';

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
