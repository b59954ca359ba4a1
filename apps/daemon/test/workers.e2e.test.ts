// Remote workers end to end (docs/workers.md): a real redis-server on a free loopback port, the daemon with the
// queue backend and its HTTP API, two `restflow-worker` processes (one tagged gpu) that reach it with an API
// token, and the fake provider. Runs spread over both workers, a tagged agent runs only on the tagged worker,
// cancel reaches the worker within 500 ms, and a worker SIGKILLed mid-run leaves its run interrupted (its events
// never duplicated) while the task's retry runs on the other worker.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRestflowClient, type RestflowClient } from '@restflow/api/client';
import { type FakeProvider, startFakeProvider } from '@restflow/fake-provider';
import {
  removeDataDir,
  settledRun,
  startRedis,
  startTestWorker,
  type TestRedis,
  type TestWorker,
  tempDataDir,
  waitUntil,
} from '@restflow/testkit';
import { createLogger, type RunningDaemon, startDaemon } from '../src/index.ts';

let redis: TestRedis;
let fake: FakeProvider;
let daemon: RunningDaemon;
let pipe: RestflowClient;
let base: string;
let token: string;
const workers: TestWorker[] = [];
const dataDir = tempDataDir('rf-workers');

async function startWorker(name: string, args: string[] = []): Promise<TestWorker> {
  const worker = await startTestWorker({ daemonUrl: base, token, name, args });
  workers.push(worker);
  return worker;
}

const placement = (runId: string) => pipe.workers.placement.query({ run_id: runId });

const settled = (runId: string, timeoutMs?: number) => settledRun(pipe, runId, timeoutMs);

/** The run's stored events: seqs 1..n without a gap or a repeat, and exactly one terminal event, last. */
function assertCleanEvents(runId: string): string[] {
  const events = daemon.services.events.listAfter(runId, 0, 100_000);
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  const types = events.map((e) => e.type);
  expect(types[0]).toBe('started');
  expect(types.filter((t) => ['completed', 'failed', 'cancelled'].includes(t))).toHaveLength(1);
  expect(['completed', 'failed', 'cancelled']).toContain(types.at(-1));
  return types;
}

beforeAll(async () => {
  [redis, fake] = await Promise.all([
    startRedis(),
    startFakeProvider({ fallback: { text: 'done on a worker', tokens: 4, tokenDelayMs: 15 } }),
  ]);
  daemon = await startDaemon({
    dataDir,
    logger: createLogger(undefined, 'silent'),
    env: {
      ...process.env,
      ...fake.env(),
      ANTHROPIC_API_KEY: 'sk-ant-e2e-workers',
      OPENAI_API_KEY: '',
      RESTFLOW_EXECUTION_BACKEND: 'queue',
      RESTFLOW_REDIS_URL: redis.url,
      RESTFLOW_WORKER_TIMEOUT_MS: '3000',
      RESTFLOW_WORKER_HEARTBEAT_MS: '400',
      RESTFLOW_TASK_RETRY_INITIAL_MS: '200',
    },
    http: { host: '127.0.0.1', port: 0 },
  });
  base = daemon.status().transports.find((t) => t.kind === 'http')?.address as string;
  pipe = createRestflowClient({ pipePath: daemon.paths.pipe });
  token = (await pipe.tokens.create.mutate({ name: 'workers' })).token;
  await Promise.all([startWorker('plain'), startWorker('gpu-box', ['--tags', 'gpu'])]);
}, 120_000);

afterAll(async () => {
  for (const worker of workers) await worker.stop();
  pipe?.close();
  await daemon?.stop('test over');
  await fake?.close();
  await redis?.stop();
  removeDataDir(dataDir);
}, 60_000);

describe('remote workers', () => {
  it('lists both workers, online, with tags, load and version', async () => {
    const listed = await pipe.workers.list.query();
    expect(listed.map((w) => w.name).sort()).toEqual(['gpu-box', 'plain']);
    expect(listed.find((w) => w.name === 'gpu-box')).toMatchObject({ tags: ['gpu'], status: 'online' });
    for (const worker of listed) expect(worker.version).toMatch(/\d+\.\d+/);
  });

  it('spreads 20 runs over both workers; each run streams exactly what a local run does', async () => {
    const agent = await pipe.agents.create.mutate({ name: 'spread', agent: { model: 'sonnet' } });
    const started = [];
    for (let i = 0; i < 20; i++) started.push(await pipe.agents.run.mutate({ id: agent.id, input: `job ${i}` }));
    const byWorker = new Map<string, number>();
    for (const { run_id } of started) {
      const run = await settled(run_id);
      expect(run.status).toBe('completed');
      const where = await placement(run_id);
      expect(where.backend).toBe('queue');
      byWorker.set(where.worker_name as string, (byWorker.get(where.worker_name as string) ?? 0) + 1);
      const types = assertCleanEvents(run_id);
      expect(types.at(-1)).toBe('completed');
    }
    expect([...byWorker.keys()].sort()).toEqual(['gpu-box', 'plain']);
    const answer = daemon.services.events.listAfter(started[0]?.run_id as string, 0, 1000).at(-1);
    expect(answer?.payload.full_content).toBe('done on a worker');
  }, 180_000);

  it('runs an agent that requires gpu only on the gpu worker', async () => {
    const agent = await pipe.agents.create.mutate({ name: 'tagged', agent: { model: 'sonnet', requires: ['gpu'] } });
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push((await pipe.agents.run.mutate({ id: agent.id, input: `gpu ${i}` })).run_id);
    for (const id of ids) {
      expect((await settled(id)).status).toBe('completed');
      expect(await placement(id)).toMatchObject({ worker_name: 'gpu-box', queue: 'default.gpu' });
    }
  }, 120_000);

  it('cancels a remote run: the worker cuts its provider request within 500 ms', async () => {
    const agent = await pipe.agents.create.mutate({ name: 'hanging', agent: { model: 'sonnet' } });
    const before = fake.requests.length;
    fake.script({ hang: true });
    const { run_id } = await pipe.agents.run.mutate({ id: agent.id, input: 'wait for it' });
    await fake.received(before + 1, 60_000);
    const asked = Date.now();
    const cancelled = await pipe.runs.cancel.mutate({ id: run_id });
    expect(cancelled.status).toBe('cancelled');
    const request = await fake.ended(before, 10_000);
    expect(request.aborted).toBe(true);
    expect((request.endedAt as number) - asked).toBeLessThan(500);
    assertCleanEvents(run_id);
  }, 120_000);

  it('a worker SIGKILLed mid-run: the run ends interrupted, the task retries it on the other worker', async () => {
    const agent = await pipe.agents.create.mutate({ name: 'fragile', agent: { model: 'sonnet' } });
    const task = await pipe.tasks.create.mutate({
      name: 'survives-a-worker',
      agent_id: agent.id,
      input: 'do the thing',
      schedule: { type: 'once', run_at: Date.now() + 24 * 60 * 60 * 1000 },
    });
    const before = fake.requests.length;
    fake.script({ hang: true });
    await pipe.tasks.run.mutate({ id: task.id });
    await fake.received(before + 1, 60_000);
    const [first] = await pipe.runs.list.query({ task_id: task.id });
    const victimName = (await placement(first?.id as string)).worker_name;
    const victim = workers.find((w) => w.name === victimName) as TestWorker;
    const survivor = workers.find((w) => w.name !== victimName) as TestWorker;
    victim.child.kill('SIGKILL');

    const lost = await settled(first?.id as string, 30_000);
    expect(lost.status).toBe('interrupted');
    expect(lost.error_code).toBe('worker_lost');
    expect(assertCleanEvents(lost.id).at(-1)).toBe('failed');

    await waitUntil(
      async () => (await pipe.runs.list.query({ task_id: task.id })).some((r) => r.status === 'completed'),
      60_000,
      'the retried run completed',
      100,
    );
    const runs = await pipe.runs.list.query({ task_id: task.id });
    const retried = runs.find((r) => r.status === 'completed');
    expect(runs).toHaveLength(2);
    expect((await placement(retried?.id as string)).worker_name).toBe(survivor.name);
    assertCleanEvents(retried?.id as string);
    const listed = await pipe.workers.list.query();
    expect(listed.find((w) => w.name === victimName)?.status).toBe('lost');
  }, 180_000);
});
