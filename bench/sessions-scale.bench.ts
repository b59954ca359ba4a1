import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { Db } from '@restflow/db';
import { openBenchDatabase } from './bench-database.ts';
import { messageContent, pick, rand } from './memory-corpus.ts';
import { recordFigures } from './record.ts';

const { values: args } = parseArgs({
  options: {
    sessions: { type: 'string', default: '10000' },
    messages: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '200' },
    keep: { type: 'boolean', default: false },
    db: { type: 'string' },
  },
});
const SESSIONS = Number(args.sessions);
const MESSAGES = Number(args.messages);
const ROUNDS = Number(args.rounds);
const PAGE = 50;

const { reuse, db, services, sizeMiB, close } = openBenchDatabase(args.db, 'sessions.db');

/** Sessions get Zipf-like shares of the messages: a few long-running chats, most short ones. */
function generate(db: Db): number {
  const agentIds = ['Researcher', 'Ops', 'Support', 'Writer', 'Planner'].map((n) => services.agents.create(n).id);
  const weights = Array.from({ length: SESSIONS }, (_, i) => 1 / (1 + (i % 997)) ** 0.6);
  const sum = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => Math.max(1, Math.round((w / sum) * MESSAGES)));
  const insertSession = db.$client.prepare(
    `INSERT INTO chat_sessions (id, name, agent_id, model, created_at, updated_at, total_tokens, message_count)
     VALUES (?, ?, ?, 'default', ?, ?, ?, ?)`,
  );
  const insertMessage = db.$client.prepare(
    `INSERT INTO chat_messages (id, session_id, seq, role, content, timestamp, execution, run_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, NULL)`,
  );
  const start = Date.UTC(2024, 0, 1);
  const span = 700 * 24 * 3_600_000;
  const execution = JSON.stringify({ steps: [], duration_ms: 900, tokens_used: 420, status: 'completed' });
  let total = 0;
  const batch = db.$client.transaction((from: number, to: number) => {
    for (let s = from; s < to; s++) {
      const id = `ses-${String(s).padStart(6, '0')}-${Math.floor(rand() * 1e9).toString(36)}`;
      const n = counts[s] as number;
      // Whole seconds: many sessions share an updated_at, as imports and bursts of activity make them.
      let at = start + Math.floor(rand() * span) - (Math.floor(rand() * span) % 1000);
      const createdAt = at;
      const rows: [string, number, string, string, number, string | null][] = [];
      for (let seq = 1; seq <= n; seq++) {
        at += 1000 * Math.floor(1 + rand() * 120);
        const role = seq % 2 === 1 ? 'user' : 'assistant';
        rows.push([`${id}-m${seq}`, seq, role, messageContent(), at, role === 'assistant' ? execution : null]);
      }
      insertSession.run(id, `Chat ${s}: ${messageContent().slice(0, 30)}`, pick(agentIds), createdAt, at, n * 210, n);
      for (const [mid, seq, role, content, ts, exec] of rows) insertMessage.run(mid, id, seq, role, content, ts, exec);
      total += n;
    }
  });
  for (let s = 0; s < SESSIONS; s += 500) batch(s, Math.min(SESSIONS, s + 500));
  return total;
}

const insertStarted = performance.now();
const inserted = reuse ? 0 : generate(db);
const insertMs = performance.now() - insertStarted;
const stored = db.$client.prepare('SELECT count(*) FROM chat_messages').pluck().get() as number;
const sessionIds = db.$client.prepare('SELECT id FROM chat_sessions').pluck().all() as string[];
const fileMiB = sizeMiB();

/** Median and p95 of `rounds` timed calls (after two untimed ones: a running daemon's page cache is warm). */
function measure(
  name: string,
  rounds: number,
  call: (i: number) => unknown,
): { p50: number; p95: number; max: number } {
  call(0);
  call(1);
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    call(i);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] as number;
  const result = { p50: at(50), p95: at(95), max: times.at(-1) as number };
  console.log(
    `${name.padEnd(34)} p50 ${result.p50.toFixed(2)} ms  p95 ${result.p95.toFixed(2)} ms  max ${result.max.toFixed(2)} ms`,
  );
  return result;
}

console.log(`messages stored   ${stored} in ${sessionIds.length} sessions (${fileMiB.toFixed(0)} MiB)`);
if (!reuse) console.log(`insert            ${(insertMs / 1000).toFixed(1)} s (${inserted} messages, direct)`);

const searchQueries = ['deploy', 'quokka', 'PostgreSQL timeout', 'E1234', 'roadmap', 'walrus', 'invoice', 'Q3'];
const sample = (i: number) => sessionIds[(i * 7919) % sessionIds.length] as string;

const list = measure(`session list, first page of ${PAGE}`, ROUNDS, () => services.sessions.listPage({ limit: PAGE }));
// The same-run baseline: the whole list in one answer, what every client read before pages existed.
const whole = measure('session list, whole (baseline)', Math.max(5, Math.floor(ROUNDS / 20)), () =>
  services.sessions.list(),
);
const open = measure(`session open (last ${PAGE} messages)`, ROUNDS, (i) => {
  services.sessions.summary(sample(i));
  services.sessions.messagesPage(sample(i), { limit: PAGE });
});
const search = measure(`message search, first ${PAGE} sessions`, Math.max(16, Math.floor(ROUNDS / 4)), (i) =>
  services.sessions.search(searchQueries[i % searchQueries.length] as string, { limit: PAGE }),
);

const size = stored >= 1_000_000 ? `${Math.round(stored / 1_000_000)}M` : `${Math.round(stored / 1000)}k`;
recordFigures(`sessions-${size}`, [
  {
    what: `session list p50 (${stored} messages)`,
    value: list.p50,
    unit: 'ms',
    baseline: { what: 'whole list', value: whole.p50 },
    goal: 'p50 ≤ 20 ms',
    met: list.p50 <= 20,
  },
  { what: 'session open (last 50) p50', value: open.p50, unit: 'ms', goal: 'p50 ≤ 20 ms', met: open.p50 <= 20 },
  { what: 'message search p50', value: search.p50, unit: 'ms', goal: 'p50 ≤ 50 ms', met: search.p50 <= 50 },
  { what: 'message search p95', value: search.p95, unit: 'ms' },
]);

close(args.keep);
