// Soak: a real daemon under mixed load for a bounded time — agent runs (chat) against the fake provider, task
// runs through the scheduler, subscriptions opened and closed (heartbeat, logs, run events) — next to an idle
// daemon started in the same run (the baseline). RSS and heap are read at start, after warm-up and at the end;
// the bench fails when the loaded daemon's RSS grows more than 15 % after warm-up.
// Run: npm run bench:soak   (RESTFLOW_SOAK_SECS=N for a short run; default 600 s; RESTFLOW_SOAK_LONG=1: 1 hour)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRestflowClient, type RestflowClient } from '@restflow/api/client';
import { startFakeProvider } from '@restflow/fake-provider';
import { removeDataDir, startTestDaemon, type TestDaemon, tempDataDir } from '@restflow/testkit';
import { DAEMON_BUNDLE, exitUnlessBundled } from './bundles.ts';
import { recordFigures } from './record.ts';

exitUnlessBundled(DAEMON_BUNDLE);

const SECS = Number(process.env.RESTFLOW_SOAK_SECS ?? (process.env.RESTFLOW_SOAK_LONG === '1' ? 3600 : 600));
const WARMUP_SECS = Math.max(5, Math.round(SECS * 0.2));
const MAX_GROWTH = 0.15;
const WORKERS = 3;
const probe = fileURLToPath(new URL('./soak-memory-probe.mjs', import.meta.url));

interface Memory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}

interface Soaked {
  dataDir: string;
  daemon: TestDaemon;
  client: RestflowClient;
  memoryFile: string;
}

const fake = await startFakeProvider({ fallback: { text: 'Soak answer with a few words in it.', tokens: 8 } });

async function start(name: string): Promise<Soaked> {
  const dataDir = tempDataDir(`rf-soak-${name}`);
  const memoryFile = path.join(dataDir, 'soak-memory.json');
  const daemon = await startTestDaemon(dataDir, {
    ...fake.env(),
    ANTHROPIC_API_KEY: 'sk-ant-soak-0000',
    OPENAI_API_KEY: '',
    NODE_OPTIONS: `--import ${probe}`,
    RESTFLOW_SOAK_MEMORY_FILE: memoryFile,
  });
  return { dataDir, daemon, client: createRestflowClient({ pipePath: daemon.pipe }), memoryFile };
}

async function memoryOf(soaked: Soaked): Promise<Memory> {
  const before = Date.now();
  // The probe writes once a second: wait for a figure taken now, not one from before.
  for (let i = 0; i < 100; i++) {
    try {
      const figure = JSON.parse(fs.readFileSync(soaked.memoryFile, 'utf8')) as Memory & { at: number };
      if (figure.at >= before) return figure;
    } catch {
      // Not written yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the daemon wrote no memory figure');
}

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

const loaded = await start('loaded');
const idle = await start('idle');
let stop = false;
const counts = { runs: 0, tasks: 0, subscriptions: 0, errors: 0 };
try {
  const agent = await loaded.client.agents.create.mutate({ name: 'soak', agent: { model: 'sonnet' } });
  const task = await loaded.client.tasks.create.mutate({ name: 'soak task', agent_id: agent.id, input: 'report' });
  const startMem = { loaded: await memoryOf(loaded), idle: await memoryOf(idle) };
  const deadline = Date.now() + SECS * 1000;
  const warmEnd = Date.now() + WARMUP_SECS * 1000;
  const worker = async (n: number) => {
    for (let i = 0; i < 1_000_000 && !stop && Date.now() < deadline; i++) {
      try {
        // Subscriptions opened for the length of one call, as consoles and CLIs come and go.
        const subs = [
          loaded.client.system.onHeartbeat.subscribe(undefined, { onData: () => {} }),
          loaded.client.logs.onLine.subscribe({ level: 'info' }, { onData: () => {} }),
        ];
        counts.subscriptions += subs.length;
        const run = await loaded.client.agents.execute.mutate({ id: agent.id, input: `question ${n}.${i}` });
        counts.runs++;
        const events = loaded.client.runs.onEvents.subscribe({ run_id: run.run_id }, { onData: () => {} });
        counts.subscriptions++;
        if (i % 5 === n) {
          await loaded.client.tasks.run.mutate({ id: task.id }).catch(() => undefined);
          counts.tasks++;
        }
        await loaded.client.logs.list.query({ limit: 50 });
        events.unsubscribe();
        for (const sub of subs) sub.unsubscribe();
      } catch {
        counts.errors++;
      }
    }
  };
  const workers = Array.from({ length: WORKERS }, (_, n) => worker(n));
  await new Promise((r) => setTimeout(r, Math.max(0, warmEnd - Date.now())));
  const warmMem = { loaded: await memoryOf(loaded), idle: await memoryOf(idle) };
  await Promise.all(workers);
  const endMem = { loaded: await memoryOf(loaded), idle: await memoryOf(idle) };

  const growth = (d: 'loaded' | 'idle') => endMem[d].rss / warmMem[d].rss - 1;
  const row = (d: 'loaded' | 'idle') =>
    `| ${d === 'loaded' ? 'under load' : 'idle (baseline)'} | ${mb(startMem[d].rss)} / ${mb(startMem[d].heapUsed)} | ` +
    `${mb(warmMem[d].rss)} / ${mb(warmMem[d].heapUsed)} | ${mb(endMem[d].rss)} / ${mb(endMem[d].heapUsed)} | ` +
    `${(growth(d) * 100).toFixed(1)} % |`;
  console.log(`soak ${SECS} s (warm-up ${WARMUP_SECS} s), ${WORKERS} workers`);
  console.log(
    `load: ${counts.runs} agent runs, ${counts.tasks} task runs, ${counts.subscriptions} subscriptions, ${counts.errors} errors`,
  );
  console.log('| daemon | start RSS / heap | after warm-up | end | RSS growth after warm-up |');
  console.log('| --- | --- | --- | --- | --- |');
  console.log(row('loaded'));
  console.log(row('idle'));
  recordFigures('soak', [
    {
      what: `RSS growth after warm-up, ${SECS} s of mixed load (${counts.runs} agent runs)`,
      value: growth('loaded') * 100,
      unit: '%',
      baseline: { what: 'an idle daemon', value: growth('idle') * 100 },
      goal: `≤ ${MAX_GROWTH * 100} %`,
      met: growth('loaded') <= MAX_GROWTH,
    },
    { what: 'daemon RSS at the end', value: endMem.loaded.rss / 1048576, unit: 'MB' },
  ]);
  if (growth('loaded') > MAX_GROWTH) {
    console.log(`FAIL: RSS grew ${(growth('loaded') * 100).toFixed(1)} % after warm-up (limit ${MAX_GROWTH * 100} %)`);
    process.exitCode = 1;
  } else {
    console.log(`ok: RSS growth after warm-up within ${MAX_GROWTH * 100} %`);
  }
} finally {
  stop = true;
  for (const soaked of [loaded, idle]) {
    soaked.client.close();
    await soaked.daemon.stop();
    removeDataDir(soaked.dataDir);
  }
  await fake.close();
}
