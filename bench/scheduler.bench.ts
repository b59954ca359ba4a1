// The task scheduler under load: 10k scheduled tasks in a file database (WAL), 1k of them due per minute, a no-op
// agent runner. Prints the cost of one tick (due lookup + dispatch decision) and the fire latency
// (actual start − next_run_at). Run: npm run bench:scheduler   [-- seconds] (default 60)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ALL_RUNS_CHANNEL,
  createServices,
  type StoredEvent,
  type TaskAgentRunner,
  TaskScheduler,
  taskStreamId,
} from '@restflow/core';
import { closeDb, createDb, sql } from '@restflow/db';
import { recordFigures } from './record.ts';

const TASKS = 10_000;
const PER_MINUTE = 1000;
const SPACING_MS = 60_000 / PER_MINUTE;
const SECONDS = Number(process.argv[2] ?? 60);

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
const summary = (samples: number[], unit: string, digits = 3) => {
  const sorted = [...samples].sort((a, b) => a - b);
  const f = (v: number) => `${v.toFixed(digits)} ${unit}`;
  return `n=${sorted.length}  p50 ${f(percentile(sorted, 0.5))}  p95 ${f(percentile(sorted, 0.95))}  p99 ${f(percentile(sorted, 0.99))}  max ${f(sorted.at(-1) ?? 0)}`;
};

const noop: TaskAgentRunner = {
  run: async (r) => ({ output: 'ok', tokens: 0, transcript: [{ role: 'user', content: r.input }] }),
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-sched-bench-'));
const db = createDb(path.join(dir, 'restflow.db'));
const services = createServices({ db, env: {} });
const scheduler = new TaskScheduler(
  services,
  {
    tasks: services.tasks,
    config: services.config,
    agents: services.agents,
    memory: services.memory,
    secrets: services.secrets,
  },
  { agentRunner: noop, fallbackModels: [] },
);
try {
  const agent = services.agents.create('bench', { model: 'sonnet' });
  let t = performance.now();
  db.$client.exec('BEGIN');
  for (let i = 0; i < TASKS; i++) {
    services.tasks.create({
      name: `task ${i}`,
      agent_id: agent.id,
      schedule: { type: 'interval', interval_ms: TASKS * SPACING_MS, start_at: null },
      memory: { persist_on_complete: false },
    });
  }
  db.$client.exec('COMMIT');
  console.log(`created ${TASKS} tasks in ${(performance.now() - t).toFixed(0)} ms`);

  // Spread the next runs: one due every 60 ms from 2 s from now, i.e. 1k per minute.
  const t0 = Date.now() + 2000;
  db.run(sql`UPDATE tasks SET next_run_at = ${t0} + (rowid - 1) * ${SPACING_MS}`);
  const plan = db.$client
    .prepare(
      "EXPLAIN QUERY PLAN SELECT * FROM tasks WHERE status = 'active' AND next_run_at <= ? ORDER BY next_run_at LIMIT 4",
    )
    .all(Date.now()) as { detail: string }[];
  console.log(`due query plan: ${plan.map((p) => p.detail).join('; ')}`);

  // Tick cost with nothing due: the index lookup alone (plus the earliest-next-run query that plans the sleep).
  const idle: number[] = [];
  for (let i = 0; i < 2000; i++) {
    t = performance.now();
    scheduler.tick();
    scheduler.plannedSleepMs();
    idle.push(performance.now() - t);
  }
  console.log(`tick, nothing due (lookup + sleep plan):   ${summary(idle, 'ms')}`);

  // Fire latency: the real loop, for the given number of seconds.
  const latencies: number[] = [];
  const dispatchCosts: number[] = [];
  services.bus.subscribe(ALL_RUNS_CHANNEL, (event) => {
    const e = event as StoredEvent;
    if (e.type === 'started' && e.runId.startsWith(taskStreamId(''))) {
      latencies.push(e.createdAt - (e.payload.scheduled_at as number));
    }
  });
  const realTick = scheduler.tick.bind(scheduler);
  scheduler.tick = () => {
    const start = performance.now();
    const started = realTick();
    if (started.length > 0) dispatchCosts.push((performance.now() - start) / started.length);
    return started;
  };
  scheduler.start();
  await new Promise((r) => setTimeout(r, SECONDS * 1000 + 2000));
  const expected = Math.floor((Date.now() - t0) / SPACING_MS) + 1;
  await scheduler.stop();
  console.log(`tick with dispatch (per started run):      ${summary(dispatchCosts, 'ms')}`);
  console.log(`fire latency (start − next_run_at):        ${summary(latencies, 'ms', 0)}`);
  const p50 = (samples: number[]) =>
    percentile(
      [...samples].sort((a, b) => a - b),
      0.5,
    );
  recordFigures('scheduler', [
    { what: `tick with nothing due (${TASKS} tasks)`, value: p50(idle), unit: 'ms' },
    { what: 'tick with dispatch, per started run', value: p50(dispatchCosts), unit: 'ms' },
    { what: 'fire latency p50 (start − next_run_at)', value: p50(latencies), unit: 'ms' },
  ]);
  console.log(
    `runs started ${latencies.length} of ${expected} due; run_events rows ${(db.$client.prepare('SELECT count(*) AS n FROM run_events').get() as { n: number }).n}`,
  );
} finally {
  closeDb(db);
  fs.rmSync(dir, { recursive: true, force: true });
}
