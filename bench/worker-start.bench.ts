// A remote worker's start (docs/workers.md): from spawning bin/restflow-worker.cjs to its registration with the
// daemon (the worker's ` ready: ` line, printed once workers.create answered), its bundle with the code cache warm
// (any start after the first since a build) and without it (RESTFLOW_CODE_CACHE=off), against its TypeScript sources
// through tsx (RESTFLOW_FROM_SOURCE=1: what ran before the worker was bundled) measured in the same run, rounds
// alternating. One daemon (in this process, its HTTP API on a free port) on the queue backend and a real
// redis-server for all rounds. Medians (a loaded machine has long tails). Needs `npm run build -w @restflow/daemon`.
// Run: npm run bench:worker-start [-- --rounds N]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createRestflowClient } from '@restflow/api/client';
import { createLogger, startDaemon } from '@restflow/daemon';
import { removeDataDir, startRedis, tempDataDir, workerBin } from '@restflow/testkit';
import { exitUnlessBundled, WORKER_BUNDLE } from './bundles.ts';
import { recordFigures } from './record.ts';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '10' } } });
const ROUNDS = Number(args.rounds);
exitUnlessBundled(WORKER_BUNDLE);

const MODES = {
  bundle: {},
  'bundle, no code cache': { RESTFLOW_CODE_CACHE: 'off' },
  sources: { RESTFLOW_FROM_SOURCE: '1' },
} satisfies Record<string, NodeJS.ProcessEnv>;
type Mode = keyof typeof MODES;

const redis = await startRedis();
const dataDir = tempDataDir('rf-bench-worker-start');
const codeCache = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-bench-worker-cache-'));
const daemon = await startDaemon({
  dataDir,
  logger: createLogger(undefined, 'silent'),
  env: { ...process.env, RESTFLOW_EXECUTION_BACKEND: 'queue', RESTFLOW_REDIS_URL: redis.url },
  http: { host: '127.0.0.1', port: 0 },
});
const pipe = createRestflowClient({ pipePath: daemon.paths.pipe });

/** Milliseconds from spawn to the worker's registration; the worker is stopped (SIGTERM) and awaited. */
function startWorker(base: string, token: string, mode: Mode): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [workerBin, '--daemon-url', base], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      RESTFLOW_WORKER_TOKEN: token,
      RESTFLOW_CODE_CACHE: codeCache,
      ...MODES[mode],
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let log = '';
    let ms = 0;
    child.stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (!ms && log.includes(' ready: ')) {
        ms = performance.now() - started;
        child.kill('SIGTERM');
      }
    });
    child.once('exit', (code) => (ms ? resolve(ms) : reject(new Error(`worker (${mode}) exited ${code}: ${log}`))));
  });
}

const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? 0;

try {
  const base = daemon.status().transports.find((t) => t.kind === 'http')?.address as string;
  const { token } = await pipe.tokens.create.mutate({ name: 'bench' });
  const modes = Object.keys(MODES) as Mode[];
  // Warm-up: the file system cache for each, and the code cache's first write.
  for (const mode of modes) await startWorker(base, token, mode);
  const samples = Object.fromEntries(modes.map((mode) => [mode, [] as number[]])) as Record<Mode, number[]>;
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of modes) samples[mode].push(await startWorker(base, token, mode));
  }
  for (const mode of modes) {
    console.log(`${mode.padEnd(22)} median ${median(samples[mode]).toFixed(0)} ms  (${ROUNDS} rounds)`);
  }
  const sources = { what: 'from the TypeScript sources', value: Number(median(samples.sources).toFixed(0)) };
  recordFigures('worker-start', [
    {
      what: 'worker spawn to registration, bundle + code cache',
      value: Number(median(samples.bundle).toFixed(0)),
      unit: 'ms',
      baseline: sources,
    },
    {
      what: 'worker spawn to registration, bundle without code cache',
      value: Number(median(samples['bundle, no code cache']).toFixed(0)),
      unit: 'ms',
      baseline: sources,
    },
  ]);
} finally {
  pipe.close();
  await daemon.stop('bench over');
  await redis.stop();
  removeDataDir(dataDir);
  fs.rmSync(codeCache, { recursive: true, force: true });
}
