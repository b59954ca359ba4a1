// Growth of the database file over a simulated year of use, without VACUUM (docs/lifecycle.md#database-upkeep).
// Each day adds runs streaming their answers as token events, memory chunks and chat sessions; old chat sessions
// and memory are deleted after their retention, and a busy quarter (three times the traffic) is followed by quieter
// ones. Three databases live the same year, day by day in turn: one made as before this work (auto_vacuum NONE,
// no upkeep: what an existing installation has), one as before but with the daily upkeep (compaction, optimize,
// checkpoint: what an existing installation gets now), and one made new (auto_vacuum INCREMENTAL) with the upkeep.
// Run: `npm run bench:growth` (options: --days N, --scale F to multiply the traffic).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DatabaseMaintenance } from '@restflow/core';
import { closeDb, createDb, type Db } from '@restflow/db';
import { chunkContent, messageContent, rand } from './memory-corpus.ts';
import { recordFigures } from './record.ts';

const { values: args } = parseArgs({
  options: {
    days: { type: 'string', default: '365' },
    scale: { type: 'string', default: '1' },
  },
});
const DAYS = Number(args.days);
const SCALE = Number(args.scale);
const DAY = 86_400_000;
const start = Date.UTC(2025, 0, 1);
const KEEP_SESSIONS_DAYS = 90;
const KEEP_MEMORY_DAYS = 180;

interface Variant {
  name: string;
  db: Db;
  file: string;
  maintenance?: DatabaseMaintenance;
  sizes: number[];
  upkeepMs: number;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-bench-growth-'));
let today = start;
const clock = { now: () => today };

function open(name: string, autoVacuum: 'none' | 'incremental', upkeep: boolean): Variant {
  const file = path.join(dir, `${name}.db`);
  if (autoVacuum === 'none') {
    // A database made before new ones got auto_vacuum: the mode is fixed once a table exists.
    const db = createDb(file);
    db.$client.pragma('auto_vacuum = NONE');
    db.$client.exec('VACUUM');
    closeDb(db);
  }
  const db = createDb(file);
  const maintenance = upkeep
    ? new DatabaseMaintenance(db, clock as never, { keepDays: () => 30, vacuumPages: 1_000_000 })
    : undefined;
  return { name, db, file, maintenance, sizes: [], upkeepMs: 0 };
}

const variants = [
  open('existing', 'none', false),
  open('existing-upkeep', 'none', true),
  open('new-upkeep', 'incremental', true),
];

const fileMiB = (file: string) =>
  (fs.statSync(file).size + (fs.statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0)) / 2 ** 20;

interface DayPlan {
  runs: { id: string; events: [string, string][] }[];
  chunks: string[];
  sessions: { id: string; messages: string[] }[];
}

/** One day of traffic, generated once and written the same into every variant. */
function plan(dayIndex: number): DayPlan {
  const busy = dayIndex >= 60 && dayIndex < 150 ? 3 : 1;
  const runs = Array.from({ length: Math.round(12 * busy * SCALE) }, (_, r) => {
    const events: [string, string][] = [['started', JSON.stringify({ model: 'claude-sonnet-5-5' })]];
    let content = '';
    const deltas = 20 + Math.floor(rand() * 80);
    for (let d = 0; d < deltas; d++) {
      const text = `${messageContent().slice(0, 80)} `;
      content += text;
      events.push(['token', JSON.stringify({ text, token_count: d + 1 })]);
    }
    events.push(['completed', JSON.stringify({ full_content: content, duration_ms: 3000, total_tokens: 1200 })]);
    return { id: `run-${dayIndex}-${r}`, events };
  });
  const chunks = Array.from({ length: Math.round(10 * busy * SCALE) }, () => chunkContent());
  const sessions = Array.from({ length: Math.round(4 * busy * SCALE) }, (_, s) => ({
    id: `ses-${dayIndex}-${s}`,
    messages: Array.from({ length: 4 + Math.floor(rand() * 30) }, () => messageContent()),
  }));
  return { runs, chunks, sessions };
}

function write(variant: Variant, dayIndex: number, day: DayPlan): void {
  const client = variant.db.$client;
  const at = start + dayIndex * DAY;
  const insertRun = client.prepare(
    `INSERT INTO runs (id, kind, status, agent_id, started_at, finished_at) VALUES (?, 'chat', 'completed', 'a', ?, ?)`,
  );
  const insertEvent = client.prepare(
    'INSERT INTO run_events (run_id, seq, type, payload, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const insertChunk = client.prepare(
    `INSERT INTO memory_chunks (id, agent_id, content, content_hash, source_type, source, created_at, tags)
     VALUES (?, 'a', ?, ?, 'manual_note', '{"type":"manual_note"}', ?, '[]')`,
  );
  const insertSession = client.prepare(
    `INSERT INTO chat_sessions (id, name, agent_id, model, created_at, updated_at, total_tokens, message_count)
     VALUES (?, 'chat', 'a', 'default', ?, ?, 0, ?)`,
  );
  const insertMessage = client.prepare(
    'INSERT INTO chat_messages (id, session_id, seq, role, content, timestamp) VALUES (?, ?, ?, ?, ?, ?)',
  );
  client.transaction(() => {
    for (const run of day.runs) {
      run.events.forEach(([type, payload], i) => {
        insertEvent.run(run.id, i + 1, type, payload, at + i * 30);
      });
      insertRun.run(run.id, at, at + run.events.length * 30);
    }
    day.chunks.forEach((content, c) => {
      insertChunk.run(`chunk-${dayIndex}-${c}`, content, `hash-${dayIndex}-${c}`, at);
    });
    for (const session of day.sessions) {
      insertSession.run(session.id, at, at, session.messages.length);
      session.messages.forEach((content, m) => {
        insertMessage.run(`${session.id}-${m + 1}`, session.id, m + 1, m % 2 ? 'assistant' : 'user', content, at);
      });
    }
    // Retention: old chats and memory go (their FTS rows with them, through the triggers).
    const oldSessions = client
      .prepare('SELECT id FROM chat_sessions WHERE updated_at < ?')
      .pluck()
      .all(at - KEEP_SESSIONS_DAYS * DAY) as string[];
    for (const id of oldSessions) {
      client.prepare('DELETE FROM chat_messages WHERE session_id = ?').run(id);
      client.prepare('DELETE FROM chat_sessions WHERE id = ?').run(id);
    }
    client.prepare('DELETE FROM memory_chunks WHERE created_at < ?').run(at - KEEP_MEMORY_DAYS * DAY);
  })();
}

const t0 = performance.now();
for (let d = 0; d < DAYS; d++) {
  today = start + (d + 1) * DAY;
  const traffic = plan(d);
  for (const variant of variants) {
    write(variant, d, traffic);
    if (variant.maintenance) {
      const u0 = performance.now();
      await variant.maintenance.runOnce();
      variant.upkeepMs += performance.now() - u0;
    }
    if (d % 30 === 29 || d === DAYS - 1) variant.sizes.push(fileMiB(variant.file));
  }
}
const took = performance.now() - t0;

const events = (v: Variant) => v.db.$client.prepare('SELECT count(*) FROM run_events').pluck().get() as number;
const pages = (v: Variant) => ({
  page_count: v.db.$client.pragma('page_count', { simple: true }) as number,
  freelist: v.db.$client.pragma('freelist_count', { simple: true }) as number,
});
console.log(`${DAYS} simulated days in ${(took / 1000).toFixed(0)} s (busy days 60–149 at 3× the traffic)`);
console.log('file size (MiB, database + WAL) at the end of each 30 days:');
for (const v of variants) {
  const p = pages(v);
  console.log(
    `  ${v.name.padEnd(16)} ${v.sizes.map((s) => s.toFixed(1)).join(' ')}  | peak ${Math.max(...v.sizes).toFixed(1)}, ` +
      `end ${v.sizes.at(-1)?.toFixed(1)}; ${events(v)} run events, ${p.freelist} of ${p.page_count} pages free; ` +
      `upkeep ${(v.upkeepMs / DAYS).toFixed(0)} ms a day`,
  );
}

const [existing, existingUpkeep, fresh] = variants as [Variant, Variant, Variant];
const end = (v: Variant) => v.sizes.at(-1) as number;
recordFigures('growth', [
  {
    what: `file after a year, new database with upkeep (auto_vacuum INCREMENTAL)`,
    value: end(fresh),
    unit: 'MiB',
    baseline: { what: 'existing database, no upkeep', value: end(existing) },
  },
  {
    what: 'file after a year, existing database with upkeep (auto_vacuum NONE)',
    value: end(existingUpkeep),
    unit: 'MiB',
    baseline: { what: 'existing database, no upkeep', value: end(existing) },
  },
  {
    what: 'peak file size, new database with upkeep',
    value: Math.max(...fresh.sizes),
    unit: 'MiB',
    baseline: { what: 'existing database, no upkeep', value: Math.max(...existing.sizes) },
  },
  { what: 'daily upkeep pass, new database', value: fresh.upkeepMs / DAYS, unit: 'ms' },
]);

for (const v of variants) closeDb(v.db);
fs.rmSync(dir, { recursive: true, force: true });
