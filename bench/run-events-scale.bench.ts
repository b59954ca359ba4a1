// Run history at scale: a year of runs whose events fill `run_events` (1M rows by default, `--events 10000000`
// for the 10M), written through packages/db in big transactions, then through the real RunManager:
// how soon one run's replay (runs.events: the run, then its stored events after the cursor) yields its first
// event, the whole replay of a long run before and after compaction, the run list's first page, and the
// compaction of old runs (docs/streams.md#compaction). Run: `npm run bench:run-events` (options: --events N,
// --rounds N, --keep, --db FILE to measure a kept database again).
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { compactRunEvents, RunEventCompactor } from '@restflow/core';
import { openBenchDatabase } from './bench-database.ts';
import { messageContent, rand } from './memory-corpus.ts';
import { recordFigures } from './record.ts';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: process.env.RESTFLOW_BENCH_FULL ? '10000000' : '1000000' },
    rounds: { type: 'string', default: '200' },
    keep: { type: 'boolean', default: false },
    db: { type: 'string' },
  },
});
const EVENTS = Number(args.events);
const ROUNDS = Number(args.rounds);
const DAY = 86_400_000;
const start = Date.UTC(2025, 0, 1);

const { reuse, db, services, sizeMiB, close } = openBenchDatabase(args.db, 'run-events.db');
const client = db.$client;

/**
 * Runs of a year, oldest first: most answer in tens of events (deltas batched), one in 50 streamed thousands of
 * deltas unbatched (the worst case), each with a tool call in the middle.
 */
function generate(): number {
  const insertRun = client.prepare(
    `INSERT INTO runs (id, kind, status, agent_id, started_at, finished_at) VALUES (?, 'chat', 'completed', ?, ?, ?)`,
  );
  const insertEvent = client.prepare(
    'INSERT INTO run_events (run_id, seq, type, payload, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const agents = ['agent-a', 'agent-b', 'agent-c'];
  const usage = JSON.stringify({ input_tokens: 900, output_tokens: 300, total_tokens: 1200 });
  let written = 0;
  let run = 0;
  const batch = client.transaction((until: number) => {
    while (written < until) {
      const id = `run-${String(run).padStart(8, '0')}`;
      const long = run % 50 === 7;
      const deltas = long ? 2000 + Math.floor(rand() * 6000) : 10 + Math.floor(rand() * 60);
      const at = start + Math.floor((run * 365 * DAY) / (EVENTS / 60));
      let seq = 0;
      const event = (type: string, payload: string) => insertEvent.run(id, ++seq, type, payload, at + seq * 30);
      event('started', JSON.stringify({ model: 'claude-sonnet-5-5', input: messageContent().slice(0, 200) }));
      let content = '';
      for (let d = 0; d < deltas; d++) {
        if (d === deltas >> 1) {
          event('tool_call_start', JSON.stringify({ tool_id: 'c1', tool_name: 'bash', arguments: '{"command":"ls"}' }));
          event('tool_call_end', JSON.stringify({ tool_id: 'c1', result: 'README.md\nsrc', success: true }));
        }
        const text = long ? `w${d} ` : `${messageContent().slice(0, 60)} `;
        content += text;
        event('token', JSON.stringify({ text, token_count: d + 1 }));
      }
      event('usage', usage);
      event('completed', JSON.stringify({ full_content: content, duration_ms: seq * 30, total_tokens: 1200 }));
      insertRun.run(id, agents[run % agents.length], at, at + seq * 30);
      written += seq;
      run++;
    }
  });
  while (written < EVENTS) batch(Math.min(EVENTS, written + 200_000));
  return run;
}

const built = performance.now();
const runCount = reuse ? (client.prepare('SELECT count(*) FROM runs').pluck().get() as number) : generate();
const buildMs = performance.now() - built;
const eventCount = client.prepare('SELECT max(id) FROM run_events').pluck().get() as number;
client.exec('ANALYZE');

const ms = (value: number) => `${value.toFixed(2)} ms`;
function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
  return { p50: at(50), p95: at(95), max: sorted.at(-1) as number };
}
const runIdAt = (i: number) => `run-${String(i).padStart(8, '0')}`;

/** From asking for a run's events to holding its first one, as runs.events serves a subscriber. */
async function firstEventMs(runId: string): Promise<number> {
  const t0 = performance.now();
  const events = services.runs.subscribe(runId);
  await events.next();
  const took = performance.now() - t0;
  await events.return(undefined);
  return took;
}

async function wholeReplayMs(runId: string): Promise<{ ms: number; events: number; text: number }> {
  const t0 = performance.now();
  let events = 0;
  let text = 0;
  for await (const event of services.runs.subscribe(runId)) {
    events++;
    if (event.kind.type === 'token') text += event.kind.text.length;
  }
  return { ms: performance.now() - t0, events, text };
}

// Warm up, then first events of runs spread over the year (a cold one from disk now and then, as in use).
for (let i = 0; i < 20; i++) await firstEventMs(runIdAt(Math.floor(rand() * runCount)));
const firstEvent: number[] = [];
for (let i = 0; i < ROUNDS; i++) firstEvent.push(await firstEventMs(runIdAt(Math.floor(rand() * runCount))));
const first = percentiles(firstEvent);

const listPage: number[] = [];
let cursor: string | undefined;
for (let i = 0; i < ROUNDS; i++) {
  const t0 = performance.now();
  const page = services.runs.listPage({ limit: 50, ...(cursor ? { cursor } : {}) });
  listPage.push(performance.now() - t0);
  cursor = i % 10 === 9 ? undefined : (page.next_cursor ?? undefined);
}
const list = percentiles(listPage);

// A long run replayed whole, then compacted and replayed again: the same text from fewer rows.
// The newest long run still holding every delta (a --db rerun finds the one before, compacted by the last run).
const eventsOf = client.prepare('SELECT count(*) FROM run_events WHERE run_id = ?').pluck();
let longIndex = Math.floor((runCount - 8) / 50) * 50 + 7;
while (longIndex > 7 && (eventsOf.get(runIdAt(longIndex)) as number) < 1000) longIndex -= 50;
const longRun = runIdAt(longIndex);
const longBefore = await wholeReplayMs(longRun);
const compactStart = performance.now();
compactRunEvents(db, longRun);
const compactOneMs = performance.now() - compactStart;
const longAfter = await wholeReplayMs(longRun);
if (longAfter.text !== longBefore.text) throw new Error('compaction changed the replayed text');

// The upkeep's compaction of the oldest month of runs not compacted yet (the rest stay for a --db rerun).
const compactedUpTo = client.prepare('SELECT max(started_at) FROM run_event_compactions').pluck().get() as
  | number
  | null;
const monthCutoff = (compactedUpTo ?? start) + 30 * DAY;
const compactor = new RunEventCompactor(db, () => Date.now());
const passStart = performance.now();
let passRuns = 0;
let passRemoved = 0;
for (let more = true; more; ) {
  const step = compactor.compactStartedBefore(monthCutoff, 50);
  passRuns += step.runs;
  passRemoved += step.events_removed;
  more = step.more;
}
const passMs = performance.now() - passStart;

console.log(
  `corpus            ${eventCount} events in ${runCount} runs (${sizeMiB().toFixed(0)} MiB)` +
    (reuse ? '' : `, built in ${(buildMs / 1000).toFixed(1)} s`),
);
console.log(`replay, first     p50 ${ms(first.p50)}  p95 ${ms(first.p95)}  max ${ms(first.max)}`);
console.log(`run list page     p50 ${ms(list.p50)}  p95 ${ms(list.p95)}  max ${ms(list.max)}`);
console.log(
  `long run replay   ${longBefore.events} events ${ms(longBefore.ms)} → compacted (${ms(compactOneMs)}) ` +
    `${longAfter.events} events ${ms(longAfter.ms)}, same ${longAfter.text} characters of text`,
);
console.log(
  `compaction pass   ${passRuns} runs of a month, ${passRemoved} events removed in ${ms(passMs)} ` +
    `(${((passRemoved / passMs) * 1000).toFixed(0)} events/s)`,
);

const size = eventCount >= 9_000_000 ? '10M' : eventCount >= 900_000 ? '1M' : 'quick';
recordFigures(`run-events-${size}`, [
  {
    what: `run replay, first event p50 (${eventCount} events)`,
    value: first.p50,
    unit: 'ms',
    goal: 'starts streaming ≤ 50 ms',
    met: first.p50 <= 50,
  },
  { what: 'run replay, first event p95', value: first.p95, unit: 'ms' },
  { what: `run list page of 50 p50 (${runCount} runs)`, value: list.p50, unit: 'ms' },
  {
    what: `long run replayed whole, compacted (${longAfter.events} events)`,
    value: longAfter.ms,
    unit: 'ms',
    baseline: { what: `before compaction, ${longBefore.events} events`, value: longBefore.ms },
  },
  {
    what: 'compaction, events removed per second',
    value: (passRemoved / passMs) * 1000,
    unit: '/s',
  },
]);
close(args.keep);
