// A daemon crash with a scheduled run still queued (docs/workers.md): the restarted daemon closes the run as
// interrupted and does not run its slot again, and the job left in Redis is dropped by the worker that takes it
// (the claim answers `gone`), so the slot never runs twice — not through the scheduler, not through the queue.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createRestflowClient, type RestflowClient } from '@restflow/api/client';
import { type FakeProvider, startFakeProvider } from '@restflow/fake-provider';
import {
  removeDataDir,
  repoRoot,
  startRedis,
  startTestDaemon,
  type TestDaemon,
  type TestRedis,
  tempDataDir,
  waitUntil,
} from '@restflow/testkit';

const workerBin = path.join(repoRoot, 'apps/daemon/bin/restflow-worker.js');
const dataDir = tempDataDir('rf-workers-restart');
let redis: TestRedis;
let fake: FakeProvider;
let daemon: TestDaemon | undefined;
let worker: ChildProcess | undefined;

const env = () => ({
  ...fake.env(),
  ANTHROPIC_API_KEY: 'sk-ant-e2e-restart',
  RESTFLOW_EXECUTION_BACKEND: 'queue',
  RESTFLOW_REDIS_URL: redis.url,
  RESTFLOW_WORKER_TIMEOUT_MS: '5000',
  RESTFLOW_WORKER_HEARTBEAT_MS: '500',
});

beforeAll(async () => {
  [redis, fake] = await Promise.all([startRedis(), startFakeProvider({ fallback: { text: 'ran' } })]);
}, 30_000);

afterAll(async () => {
  if (worker && worker.exitCode === null && worker.signalCode === null) {
    const exited = new Promise((resolve) => worker?.once('exit', resolve));
    worker.kill('SIGTERM');
    await exited;
  }
  await daemon?.stop();
  await fake?.close();
  await redis?.stop();
  removeDataDir(dataDir);
}, 60_000);

it('a slot queued when the daemon crashed never runs: not again by the scheduler, not from the queue', async () => {
  daemon = await startTestDaemon(dataDir, env());
  let pipe: RestflowClient = createRestflowClient({ pipePath: daemon.pipe });
  const agent = await pipe.agents.create.mutate({ name: 'scheduled', agent: { model: 'sonnet' } });
  const task = await pipe.tasks.create.mutate({
    name: 'one-slot',
    agent_id: agent.id,
    input: 'run at the slot',
    schedule: { type: 'once', run_at: Date.now() + 500 },
  });
  // No worker yet: the slot's run waits in the queue.
  await waitUntil(
    async () => (await pipe.runs.list.query({ task_id: task.id })).length === 1,
    30_000,
    'the slot run queued',
    100,
  );
  const [queued] = await pipe.runs.list.query({ task_id: task.id });
  expect(queued?.status).toBe('running');
  expect(await pipe.workers.placement.query({ run_id: queued?.id as string })).toMatchObject({
    backend: 'queue',
    worker_id: null,
  });
  pipe.close();
  await daemon.kill();

  daemon = await startTestDaemon(dataDir, env());
  pipe = createRestflowClient({ pipePath: daemon.pipe });
  const status = await pipe.system.status.query();
  const base = status.transports.find((t) => t.kind === 'http')?.address as string;
  const { token } = await pipe.tokens.create.mutate({ name: 'restart-worker' });
  let log = '';
  worker = spawn(process.execPath, [workerBin, '--daemon-url', base, '--name', 'after-restart'], {
    env: { ...process.env, NODE_OPTIONS: '', RESTFLOW_WORKER_TOKEN: token },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  worker.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  // The worker takes the job the crashed daemon left and drops it: the daemon no longer runs that run.
  await waitUntil(() => log.includes(`run ${queued?.id} dropped`), 60_000, 'the stale job dropped', 100);
  const runs = await pipe.runs.list.query({ task_id: task.id });
  expect(runs).toHaveLength(1);
  expect(runs[0]).toMatchObject({ id: queued?.id, status: 'interrupted' });
  expect(fake.requests).toHaveLength(0);
  expect(log).not.toContain(`run ${queued?.id} started`);
  pipe.close();
}, 180_000);
