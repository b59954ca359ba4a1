// Runs per second through the queue backend (docs/workers.md) with 1, 2 and 4 `restflow-worker` processes on this
// machine, against the local backend measured in the same run. Each round: a daemon (in this process, its HTTP API
// on a free port) with the backend under test, a real redis-server, the fake provider answering at once; N runs
// of one agent started over the pipe at once, timed until the last one has settled. Workers run from the
// bundle when it is current (`npm run build -w @restflow/daemon`), else the TypeScript sources, with --concurrency 4
// each.
// Run: npm run bench:workers  (options: --runs N, --workers 1,2,4)
import { type ChildProcess, spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { createRestflowClient } from '@restflow/api/client';
import { createLogger, startDaemon } from '@restflow/daemon';
import { startFakeProvider } from '@restflow/fake-provider';
import { removeDataDir, startRedis, tempDataDir, waitUntil, workerBin } from '@restflow/testkit';
import { type Figure, recordFigures } from './record.ts';

const { values: args } = parseArgs({
  options: { runs: { type: 'string', default: '100' }, workers: { type: 'string', default: '1,2,4' } },
});
const RUNS = Number(args.runs);
const WORKER_COUNTS = args.workers.split(',').map(Number);
const CONCURRENCY = 4;

const fake = await startFakeProvider({ fallback: { text: 'a short answer from the fake provider', tokens: 4 } });
const redis = await startRedis();

async function round(workerCount: number | 'local'): Promise<number> {
  const dataDir = tempDataDir('rf-bench-workers');
  const daemon = await startDaemon({
    dataDir,
    logger: createLogger(undefined, 'silent'),
    env: {
      ...process.env,
      ...fake.env(),
      ANTHROPIC_API_KEY: 'sk-ant-bench',
      ...(workerCount === 'local'
        ? { RESTFLOW_EXECUTION_BACKEND: 'local' }
        : {
            RESTFLOW_EXECUTION_BACKEND: 'queue',
            RESTFLOW_REDIS_URL: redis.url,
            RESTFLOW_QUEUE_PREFIX: `bench-${workerCount}-${Date.now()}`,
          }),
    },
    http: { host: '127.0.0.1', port: 0 },
  });
  const pipe = createRestflowClient({ pipePath: daemon.paths.pipe });
  const children: ChildProcess[] = [];
  try {
    if (workerCount !== 'local') {
      const base = daemon.status().transports.find((t) => t.kind === 'http')?.address as string;
      const { token } = await pipe.tokens.create.mutate({ name: 'bench' });
      for (let i = 0; i < workerCount; i++) {
        children.push(
          spawn(process.execPath, [workerBin, '--daemon-url', base, '--concurrency', String(CONCURRENCY)], {
            env: { ...process.env, NODE_OPTIONS: '', RESTFLOW_WORKER_TOKEN: token },
            stdio: 'ignore',
          }),
        );
      }
      await waitUntil(
        async () => (await pipe.workers.list.query()).length === workerCount,
        120_000,
        `${workerCount} workers registered`,
        100,
      );
    }
    const agent = await pipe.agents.create.mutate({ name: 'bench', agent: { model: 'sonnet' } });
    const started = performance.now();
    const ids = await Promise.all(
      Array.from(
        { length: RUNS },
        async (_, i) => (await pipe.agents.run.mutate({ id: agent.id, input: `run ${i}` })).run_id,
      ),
    );
    for (const id of ids) await daemon.services.runs.wait(id);
    const seconds = (performance.now() - started) / 1000;
    const completed = ids.filter((id) => daemon.services.runs.get(id).status === 'completed').length;
    if (completed !== RUNS) throw new Error(`${RUNS - completed} of ${RUNS} runs did not complete`);
    return RUNS / seconds;
  } finally {
    for (const child of children) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    pipe.close();
    await daemon.stop('bench over');
    removeDataDir(dataDir);
  }
}

try {
  const local = await round('local');
  console.log(`local backend: ${local.toFixed(1)} runs/s (${RUNS} runs)`);
  const figures: Figure[] = [];
  for (const count of WORKER_COUNTS) {
    const rate = await round(count);
    console.log(`queue, ${count} worker(s) × concurrency ${CONCURRENCY}: ${rate.toFixed(1)} runs/s`);
    figures.push({
      what: `runs/s through the queue, ${count} worker process${count > 1 ? 'es' : ''} (${RUNS} runs)`,
      value: Number(rate.toFixed(1)),
      unit: 'runs/s',
      baseline: { what: 'local backend', value: Number(local.toFixed(1)) },
    });
  }
  recordFigures('workers', figures);
} finally {
  await redis.stop();
  await fake.close();
}
