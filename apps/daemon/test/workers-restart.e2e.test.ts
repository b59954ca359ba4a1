// Daemon restarts with runs still queued (docs/workers.md): a real redis-server, real daemon processes restarted
// on the same data dir — once SIGKILLed (a crash), once stopped with SIGTERM — and no worker until the last daemon
// is up. The queued jobs survive both restarts: the restarted daemon re-attaches to each waiting job (its run stays
// `running`), and once a worker comes every run completes exactly once — one `started`, one `completed`, no repeated
// seq — a chat turn's assistant message gets its reply, and a scheduled task's slot runs once and settles the task.
// A run a worker had already claimed when the daemon crashed is not re-attached: it ends interrupted, as before.
import { createServer } from 'node:net';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createRestflowClient, type RestflowClient } from '@restflow/api/client';
import { type FakeProvider, startFakeProvider } from '@restflow/fake-provider';
import {
  startRedis,
  startTestDaemon,
  startTestWorker,
  type TestDaemon,
  type TestRedis,
  type TestWorker,
  tempDataDir,
  waitUntil,
} from '@restflow/testkit';
import { stopWorkerStack } from './worker-stack.ts';

const TERMINAL = ['completed', 'failed', 'cancelled'];
const dataDir = tempDataDir('rf-workers-restart');
let redis: TestRedis;
let fake: FakeProvider;
let daemon: TestDaemon | undefined;
let pipe: RestflowClient | undefined;
let worker: TestWorker | undefined;
const workerLog = () => worker?.log() ?? '';
/** One HTTP port for every daemon of the file, so a worker started before a restart reaches the next daemon. */
let httpPort = 0;

const env = () => ({
  RESTFLOW_HTTP_PORT: String(httpPort),
  ...fake.env(),
  ANTHROPIC_API_KEY: 'sk-ant-e2e-restart',
  RESTFLOW_EXECUTION_BACKEND: 'queue',
  RESTFLOW_REDIS_URL: redis.url,
  RESTFLOW_WORKER_TIMEOUT_MS: '5000',
  RESTFLOW_WORKER_HEARTBEAT_MS: '500',
});

async function restart(how: 'kill' | 'stop'): Promise<RestflowClient> {
  pipe?.close();
  await daemon?.[how]();
  daemon = await startTestDaemon(dataDir, env());
  pipe = createRestflowClient({ pipePath: daemon.pipe });
  return pipe;
}

interface StreamedEvent {
  seq: number;
  kind: { type: string };
}

/** Every stored event of a run, through runs.onEvents, until its terminal event. */
function eventsOf(client: RestflowClient, runId: string): Promise<StreamedEvent[]> {
  return new Promise((resolve, reject) => {
    const seen: StreamedEvent[] = [];
    const sub = client.runs.onEvents.subscribe(
      { run_id: runId },
      {
        onData: (event) => {
          const data = (event as unknown as { data: StreamedEvent }).data;
          seen.push(data);
          if (TERMINAL.includes(data.kind.type)) {
            sub.unsubscribe();
            resolve(seen);
          }
        },
        onError: reject,
        onComplete: () => resolve(seen),
      },
    );
  });
}

beforeAll(async () => {
  [redis, fake] = await Promise.all([startRedis(), startFakeProvider({ fallback: { text: 'ran once' } })]);
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  httpPort = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
}, 30_000);

afterAll(() => stopWorkerStack({ worker, pipe, daemon, fake, redis, dataDir }), 60_000);

it('runs queued with no worker survive a crash and a stop of the daemon, then each runs exactly once', async () => {
  daemon = await startTestDaemon(dataDir, env());
  let client = createRestflowClient({ pipePath: daemon.pipe });
  pipe = client;
  const agent = await client.agents.create.mutate({ name: 'queued', agent: { model: 'sonnet' } });
  // Before the crash: three one-off runs, a chat turn and a scheduled slot, all waiting for a worker.
  const runIds: string[] = [];
  for (let i = 0; i < 3; i++) runIds.push((await client.agents.run.mutate({ id: agent.id, input: `job ${i}` })).run_id);
  const chat = await client.chat.send.mutate({ agent_id: agent.id, content: 'answer after the restart' });
  runIds.push(chat.run_id);
  const task = await client.tasks.create.mutate({
    name: 'one-slot',
    agent_id: agent.id,
    input: 'run at the slot',
    schedule: { type: 'once', run_at: Date.now() + 300 },
  });
  await waitUntil(
    async () => (await client.runs.list.query({ task_id: task.id })).length === 1,
    30_000,
    'the slot run queued',
    100,
  );
  const taskRunId = (await client.runs.list.query({ task_id: task.id }))[0]?.id as string;
  runIds.push(taskRunId);
  expect(await client.workers.placement.query({ run_id: taskRunId })).toMatchObject({
    backend: 'queue',
    worker_id: null,
  });

  client = await restart('kill');
  // After a crash: the runs are re-attached, not interrupted, and the task still runs its slot.
  for (const id of runIds) expect((await client.runs.get.query({ id })).status).toBe('running');
  expect((await client.tasks.get.query({ id: task.id })).status).toBe('running');
  // One more run queued by the second daemon, then a clean stop: the jobs stay queued through it too.
  runIds.push((await client.agents.run.mutate({ id: agent.id, input: 'job after the crash' })).run_id);

  client = await restart('stop');
  for (const id of runIds) expect((await client.runs.get.query({ id })).status).toBe('running');
  expect((await client.tasks.get.query({ id: task.id })).status).toBe('running');
  expect(fake.requests).toHaveLength(0);

  // Only now a worker.
  const base = (await client.system.status.query()).transports.find((t) => t.kind === 'http')?.address as string;
  const { token } = await client.tokens.create.mutate({ name: 'restart-worker' });
  worker = await startTestWorker({ daemonUrl: base, token, name: 'after-restart' });
  const log = workerLog;

  const current = client;
  for (const id of runIds) {
    const events = await eventsOf(current, id);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const types = events.map((e) => e.kind.type);
    expect(types.filter((t) => t === 'started')).toHaveLength(1);
    expect(types.filter((t) => TERMINAL.includes(t))).toEqual(['completed']);
    expect((await current.runs.get.query({ id })).status).toBe('completed');
    expect(await current.workers.placement.query({ run_id: id })).toMatchObject({ worker_name: 'after-restart' });
  }
  // Each run reached the provider once and was started once on the worker; none was dropped.
  expect(fake.requests).toHaveLength(runIds.length);
  for (const id of runIds) expect(log().split(`run ${id} started`)).toHaveLength(2);
  expect(log()).not.toContain('dropped');

  // The chat turn's assistant message has the reply.
  const messages = await current.sessions.messages.list.query({ session_id: chat.session_id });
  expect(messages.find((m) => m.id === chat.message_id)).toMatchObject({
    content: 'ran once',
    execution: { status: 'completed' },
  });
  // The slot ran once and settled its task; the scheduler did not start it again.
  await waitUntil(
    async () => (await current.tasks.get.query({ id: task.id })).status === 'completed',
    30_000,
    'the task settled',
    100,
  );
  const settled = await current.tasks.get.query({ id: task.id });
  expect(settled).toMatchObject({ success_count: 1, failure_count: 0 });
  expect(await current.runs.list.query({ task_id: task.id })).toHaveLength(1);
}, 240_000);

it('a run a worker had claimed is not re-attached: it ends interrupted, and what the worker reports after is refused', async () => {
  let client = pipe as RestflowClient;
  const agent = await client.agents.create.mutate({ name: 'claimed', agent: { model: 'sonnet' } });
  fake.reset();
  fake.script({ hang: true });
  const { run_id } = await client.agents.run.mutate({ id: agent.id, input: 'hold on' });
  await fake.received(1, 30_000);
  expect(await client.workers.placement.query({ run_id })).toMatchObject({ worker_name: 'after-restart' });

  client = await restart('kill');
  const run = await client.runs.get.query({ id: run_id });
  expect(run).toMatchObject({ status: 'interrupted', error: expect.stringContaining('interrupted') });
  // The worker finds the new daemon on the same address, learns it is unknown there, stops the run and registers
  // again; whatever it reported for the run after the restart was refused.
  await waitUntil(() => workerLog().includes(`run ${run_id} ended`), 60_000, 'the worker stopped the run', 100);
  await waitUntil(
    async () => (await client.workers.list.query()).some((w) => w.name === 'after-restart'),
    60_000,
    'the worker registered again',
    100,
  );
  const events = await eventsOf(client, run_id);
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  expect(events.map((e) => e.kind.type).filter((t) => TERMINAL.includes(t))).toEqual(['failed']);
  expect((await client.runs.get.query({ id: run_id })).status).toBe('interrupted');
  expect(fake.requests).toHaveLength(1);
}, 180_000);
