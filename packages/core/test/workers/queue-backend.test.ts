// The queue backend against a real redis-server and real BullMQ: runs started in the daemon's services go to
// WorkerRuntimes (in this process, linked to the services without HTTP: the router's part is tested in the
// daemon's e2e), which run the loop against the fake provider and report back. What subscribers see is what a
// local run gives them.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createDb } from '@restflow/db';
import { type FakeProvider, startFakeProvider } from '@restflow/fake-provider';
import { PROTOCOL_VERSION } from '@restflow/paths';
import {
  type FakeTelegram,
  removeDataDir,
  startFakeTelegram,
  startRedis,
  type TestRedis,
  tempDataDir,
  waitUntil,
} from '@restflow/testkit';
import { createServices, type DaemonLink, type RestflowServices } from '../../src/index.ts';
import {
  RunLostError,
  WorkerRuntime,
  type WorkerRuntimeOptions,
  WorkerUnknownError,
} from '../../src/workers/worker-runtime.ts';

let redis: TestRedis;
/** The agents' workspaces of every worker here, removed at the end (a worker's default is under the OS's tmp). */
const workspaceRoot = tempDataDir('rf-worker-ws');
let fake: FakeProvider;
let services: RestflowServices;
const runtimes: WorkerRuntime[] = [];
/** Telegram's Bot API: what the daemon's telegram_send posted. */
let telegram: FakeTelegram;

/** The link as the wire would have it: every payload goes through JSON. */
function directLink(target: RestflowServices): DaemonLink {
  const wire = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
  const known = <T>(call: () => T): T => {
    try {
      return call();
    } catch (error) {
      if ((error as Error).name === 'NotFoundError') throw new WorkerUnknownError((error as Error).message);
      throw error;
    }
  };
  // As the HTTP link does: the daemon's refusal of a call for a run that is no longer the worker's.
  const ownRun = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'ConflictError' || name === 'ForbiddenError') throw new RunLostError((error as Error).message);
      throw error;
    }
  };
  return {
    register: async (hello) => wire(target.workers.register(wire(hello))),
    heartbeat: async (id) => {
      known(() => target.workers.heartbeat(id));
    },
    deregister: async (id) => target.workers.deregister(id),
    claim: async (id, runId, jobId) => wire(await target.workers.claim(id, runId, jobId)),
    report: async (id, runId, seq, events) => wire(target.workers.report(id, runId, seq, wire(events))),
    settle: async (id, runId, result) => wire(target.workers.settle(id, runId, wire(result))),
    callTool: (id, runId, call, waitMs) =>
      ownRun(async () => wire(await target.workers.callTool(id, runId, wire(call), waitMs))),
    requestApproval: (id, runId, request) =>
      ownRun(async () => wire(await target.workers.requestApproval(id, runId, wire(request)))),
    waitApproval: (id, runId, approvalId, waitMs) =>
      ownRun(async () => wire(await target.workers.waitApproval(id, runId, approvalId, waitMs))),
  };
}

/** A worker's options here: its agents' workspaces in this file's directory, one run at a time unless told. */
function workerOptions(name: string, tags: string[], concurrency = 1) {
  return {
    name,
    version: 'test',
    protocolVersion: PROTOCOL_VERSION,
    queue: 'default',
    tags,
    concurrency,
    env: {},
    workspaceRoot,
  };
}

async function startWorker(
  name: string,
  tags: string[] = [],
  options: Partial<WorkerRuntimeOptions> = {},
): Promise<WorkerRuntime> {
  const runtime = new WorkerRuntime({ link: directLink(services), ...workerOptions(name, tags, 2), ...options });
  runtimes.push(runtime);
  await runtime.start();
  return runtime;
}

beforeAll(async () => {
  [redis, fake] = await Promise.all([startRedis(), startFakeProvider({ fallback: { text: 'done by a worker' } })]);
  telegram = await startFakeTelegram({ token: 'bot-token-of-the-daemon' });
  services = createServices({
    db: createDb(':memory:'),
    env: {
      ...fake.env(),
      ANTHROPIC_API_KEY: 'sk-ant-worker-test',
      RESTFLOW_EXECUTION_BACKEND: 'queue',
      RESTFLOW_REDIS_URL: redis.url,
      RESTFLOW_QUEUE_PREFIX: 'core-test',
      RESTFLOW_WORKER_TIMEOUT_MS: '5000',
      TELEGRAM_API_BASE: telegram.apiRoot,
    },
  });
  await services.workers.ready;
}, 30_000);

afterAll(async () => {
  for (const runtime of runtimes) await runtime.stop({ abortRuns: true });
  await services?.runs.stopAll();
  await services?.workers.close();
  await telegram?.close();
  await fake?.close();
  await redis?.stop();
  removeDataDir(workspaceRoot);
});

describe('queue execution backend', () => {
  it('runs a stored agent on a worker: same events as a local run, the answer saved, the placement recorded', async () => {
    const worker = await startWorker('w-plain');
    const agent = services.agents.create('remote', { model: 'sonnet' });
    fake.script({ text: 'Hello from far away', tokens: 4 });
    const started = await services.chat.startExecution(agent.id, 'say hello');
    const outcome = await services.runs.wait(started.run_id);
    const settled = await outcome;
    expect(settled?.status).toBe('completed');
    expect(settled?.content).toBe('Hello from far away');
    const types = services.events.listAfter(started.run_id, 0, 100).map((e) => e.type);
    expect(types[0]).toBe('started');
    expect(types.at(-1)).toBe('completed');
    expect(types.filter((t) => t === 'completed')).toHaveLength(1);
    const placement = services.workers.placement(started.run_id);
    expect(placement).toMatchObject({
      backend: 'queue',
      queue: 'default',
      worker_id: worker.id,
      worker_name: 'w-plain',
    });
    // The key reached the provider from the worker, and only for the run.
    expect(fake.requests.at(-1)?.headers['x-api-key']).toBe('sk-ant-worker-test');
  }, 30_000);

  it('routes an agent that requires a tag only to a worker carrying it', async () => {
    const gpu = await startWorker('w-gpu', ['gpu']);
    const agent = services.agents.create('needs-gpu', { model: 'sonnet', requires: ['gpu'] });
    const ids: string[] = [];
    // Each run's outcome taken as it starts: one that ends before an earlier one is still waited for.
    const outcomes: Promise<unknown>[] = [];
    for (let i = 0; i < 4; i++) {
      ids.push((await services.chat.startExecution(agent.id, `job ${i}`)).run_id);
      outcomes.push(services.runs.wait(ids.at(-1) as string) as Promise<unknown>);
    }
    for (const outcome of await Promise.all(outcomes)) expect(outcome).toMatchObject({ status: 'completed' });
    for (const id of ids) expect(services.workers.placement(id).worker_id).toBe(gpu.id);
    expect(services.workers.placement(ids[0] as string).queue).toBe('default.gpu');
  }, 30_000);

  it('starts a job key at most once: a second run with the same key ends failed without running', async () => {
    const agent = services.agents.create('once-per-slot', { model: 'sonnet' });
    const ref = { id: agent.id, name: agent.name, node: agent.agent };
    const jobKey = 'task-t1-slot-1767225600000-try-0-agent';
    const first = await services.chat.startAgentRun({ agent: ref, input: 'slot', kind: 'task', jobKey });
    const second = await services.chat.startAgentRun({ agent: ref, input: 'slot again', kind: 'task', jobKey });
    const [a, b] = await Promise.all([first.done, second.done]);
    expect(a.status).toBe('completed');
    expect(b).toMatchObject({ status: 'failed', error: expect.stringContaining('not started twice') });
    expect(services.events.listAfter(second.runId, 0, 100).at(-1)?.payload.error_code).toBe('duplicate_job');
    expect(services.workers.placement(second.runId).worker_id).toBeNull();
  }, 30_000);

  it('a job that fails before any worker claimed its run settles the run failed (it never waits for ever)', async () => {
    const unreachable = new WorkerRuntime({
      link: { ...directLink(services), claim: async () => Promise.reject(new Error('connect ECONNREFUSED')) },
      ...workerOptions('w-cut-off', ['island']),
    });
    await unreachable.start();
    try {
      const agent = services.agents.create('on-an-island', { model: 'sonnet', requires: ['island'] });
      const started = await services.chat.startExecution(agent.id, 'anyone?');
      const outcome = await services.runs.wait(started.run_id);
      expect(outcome).toMatchObject({
        status: 'failed',
        error: expect.stringContaining('no worker could take the run'),
      });
      expect(outcome?.error).toContain('ECONNREFUSED');
    } finally {
      // It also serves the base queue, where it would fail every run it took.
      await unreachable.stop();
    }
  }, 30_000);

  it('cancel reaches the worker within 500 ms: its provider request is cut', async () => {
    await startWorker('w-cancel');
    const agent = services.agents.create('slow', { model: 'sonnet' });
    fake.reset();
    fake.script({ hang: true });
    const started = await services.chat.startExecution(agent.id, 'take your time');
    await fake.received(1, 10_000);
    const asked = performance.now();
    const cancelled = await services.runs.cancel(started.run_id);
    expect(cancelled.status).toBe('cancelled');
    const request = await fake.ended(0, 5000);
    expect(request.aborted).toBe(true);
    expect((request.endedAt ?? Number.POSITIVE_INFINITY) - (asked + performance.timeOrigin)).toBeLessThan(500);
  }, 30_000);

  it('lists workers with their tags and load; a worker with another protocol is refused', async () => {
    await waitUntil(() => services.workers.list().length >= 3, 5000, 'three workers registered');
    const listed = services.workers.list();
    expect(listed.map((w) => w.name)).toEqual(expect.arrayContaining(['w-plain', 'w-gpu', 'w-cancel']));
    expect(listed.find((w) => w.name === 'w-gpu')).toMatchObject({ tags: ['gpu'], status: 'online', concurrency: 2 });
    expect(() =>
      services.workers.register({
        name: 'old',
        version: '0.0.1',
        protocol_version: PROTOCOL_VERSION + 1,
        tags: [],
        queue: 'default',
        concurrency: 1,
      }),
    ).toThrow(/speaks protocol/);
  });

  it('--concurrency caps the runs of the whole worker process, over every queue its tags make it serve', async () => {
    let running = 0;
    let most = 0;
    const capped = new WorkerRuntime({
      link: directLink(services),
      // Three queues only this worker serves: default.cap-a, default.cap-b and default.cap-a+cap-b.
      ...workerOptions('w-capped', ['cap-a', 'cap-b'], 2),
      onRun: ({ phase }) => {
        if (phase === 'started') most = Math.max(most, ++running);
        if (phase === 'ended') running -= 1;
      },
    });
    runtimes.push(capped);
    await capped.start();
    const agents = [['cap-a'], ['cap-b'], ['cap-a', 'cap-b']].map((requires, i) =>
      services.agents.create(`capped-${i}`, { model: 'sonnet', requires }),
    );
    fake.reset();
    for (let i = 0; i < 6; i++) fake.script({ text: 'slow and steady', tokens: 6, tokenDelayMs: 40 });
    const ids: string[] = [];
    const outcomes: Promise<unknown>[] = [];
    for (let i = 0; i < 6; i++) {
      ids.push((await services.chat.startExecution((agents[i % 3] as { id: string }).id, `job ${i}`)).run_id);
      outcomes.push(services.runs.wait(ids.at(-1) as string) as Promise<unknown>);
    }
    for (const outcome of await Promise.all(outcomes)) expect(outcome).toMatchObject({ status: 'completed' });
    for (const id of ids) expect(services.workers.placement(id).worker_name).toBe('w-capped');
    // Two at a time at most (BullMQ's own concurrency, per queue, would have allowed six), and both slots used.
    expect(most).toBe(2);
    expect(running).toBe(0);
    await capped.stop();
  }, 60_000);
});

describe("daemon tools and approvals on a worker (the daemon's services, through the worker's link)", () => {
  /** The results the run's tool calls ended with, in order. */
  const toolResults = (runId: string) =>
    services.events
      .listAfter(runId, 0, 1000)
      .filter((e) => e.type === 'tool_call_end')
      .map((e) => e.payload as { success: boolean; result: string });
  const pendingApproval = async (runId: string) => {
    await waitUntil(
      () => services.security.approvals.list({ run_id: runId, status: 'pending' }).length > 0,
      20_000,
      'the approval',
    );
    return services.security.approvals.list({ run_id: runId, status: 'pending' })[0] as { id: string };
  };

  beforeAll(async () => {
    // One worker serving the base queue for these (the earlier ones may have stopped).
    if (!services.workers.list().some((w) => w.status === 'online' && w.tags.length === 0)) {
      await startWorker('w-tools');
    }
    services.security.addPattern('approval_required', { pattern: 'echo asked-*' });
  });

  it("memory_store and memory_search on a worker use the daemon's memory of the run's agent", async () => {
    const agent = services.agents.create('remembers-remotely', { model: 'sonnet', tools: ['memory'] });
    fake.reset();
    fake.script(
      { toolCalls: [{ name: 'memory_store', arguments: { content: 'The deploy window is Tuesday', tags: ['ops'] } }] },
      { toolCalls: [{ name: 'memory_search', arguments: { query: 'deploy window' } }] },
      { text: 'Tuesday' },
    );
    const started = await services.chat.startExecution(agent.id, 'remember and recall');
    expect(await services.runs.wait(started.run_id)).toMatchObject({ status: 'completed' });
    expect(services.workers.placement(started.run_id).worker_id).not.toBeNull();
    const [stored, searched] = toolResults(started.run_id);
    expect(stored).toMatchObject({ success: true });
    expect(searched).toMatchObject({ success: true });
    expect(searched?.result).toContain('The deploy window is Tuesday');
    const hits = services.memory.searchUnified({ agent_id: agent.id, query: 'deploy window', limit: 5 }).results;
    expect(hits.map((h) => h.content)).toContain('The deploy window is Tuesday');
  }, 30_000);

  it("telegram_send on a worker is sent by the daemon, with the daemon's bot token (the worker has none)", async () => {
    services.secrets.set('TELEGRAM_BOT_TOKEN', 'bot-token-of-the-daemon');
    services.secrets.set('TELEGRAM_CHAT_ID', '4242');
    const agent = services.agents.create('tells-remotely', { model: 'sonnet', tools: ['telegram_send'] });
    fake.reset();
    fake.script({ toolCalls: [{ name: 'telegram_send', arguments: { message: 'deployed' } }] }, { text: 'told' });
    const started = await services.chat.startExecution(agent.id, 'tell the team');
    expect(await services.runs.wait(started.run_id)).toMatchObject({ status: 'completed' });
    expect(services.workers.placement(started.run_id).worker_id).not.toBeNull();
    expect(toolResults(started.run_id)).toEqual([expect.objectContaining({ success: true })]);
    expect(telegram.calls.map(({ method, token, params }) => ({ method, token, params }))).toEqual([
      { method: 'sendMessage', token: 'bot-token-of-the-daemon', params: { chat_id: '4242', text: 'deployed' } },
    ]);
  }, 30_000);

  it("a command sent for approval waits in the daemon's approvals; approved, the run goes on", async () => {
    const agent = services.agents.create('asks-remotely', { model: 'sonnet', tools: ['bash'] });
    fake.reset();
    fake.script({ toolCalls: [{ name: 'bash', arguments: { command: 'echo asked-and-approved' } }] }, { text: 'ran' });
    const started = await services.chat.startExecution(agent.id, 'run it');
    const approval = await pendingApproval(started.run_id);
    expect(services.security.approvals.get(approval.id)).toMatchObject({
      command: 'echo asked-and-approved',
      agent_id: agent.id,
      run_id: started.run_id,
    });
    // Only the worker that claimed the run may act for it.
    const other = services.workers.register({
      name: 'intruder',
      version: 'test',
      protocol_version: PROTOCOL_VERSION,
      tags: ['nobody-routes-here'],
      queue: 'default',
      concurrency: 1,
    });
    await expect(services.workers.waitApproval(other.id, started.run_id, approval.id, 10)).rejects.toMatchObject({
      name: 'ForbiddenError',
    });
    await expect(
      services.workers.callTool(other.id, started.run_id, { id: 'c1', name: 'memory_search', arguments: '{}' }, 10),
    ).rejects.toMatchObject({ name: 'ForbiddenError' });
    services.workers.deregister(other.id);
    services.security.approvals.approve(approval.id);
    expect(await services.runs.wait(started.run_id)).toMatchObject({ status: 'completed', content: 'ran' });
    const [bash] = toolResults(started.run_id);
    expect(bash).toMatchObject({ success: true });
    expect(bash?.result).toContain('asked-and-approved');
    const events = services.events.listAfter(started.run_id, 0, 1000);
    expect(events.find((e) => e.type === 'approval_required')?.payload).toMatchObject({
      approval: { id: approval.id, status: 'pending' },
    });
    // A run that has ended takes no more calls.
    await expect(
      services.workers.waitApproval(
        services.workers.placement(started.run_id).worker_id as string,
        started.run_id,
        approval.id,
        10,
      ),
    ).rejects.toMatchObject({ name: 'ConflictError' });
  }, 30_000);

  it('a rejected approval fails the tool call; the model hears why', async () => {
    const agent = services.agents.create('refused-remotely', { model: 'sonnet', tools: ['bash'] });
    fake.reset();
    fake.script({ toolCalls: [{ name: 'bash', arguments: { command: 'echo asked-and-refused' } }] }, { text: 'ok' });
    const started = await services.chat.startExecution(agent.id, 'try it');
    const approval = await pendingApproval(started.run_id);
    services.security.approvals.reject(approval.id, 'not on a friday');
    expect(await services.runs.wait(started.run_id)).toMatchObject({ status: 'completed' });
    const [bash] = toolResults(started.run_id);
    expect(bash).toMatchObject({ success: false });
    expect(bash?.result).toContain('rejected: not on a friday');
  }, 30_000);

  it('cancel stops a run waiting for an approval on a worker', async () => {
    const agent = services.agents.create('cancelled-waiting', { model: 'sonnet', tools: ['bash'] });
    fake.reset();
    fake.script({ toolCalls: [{ name: 'bash', arguments: { command: 'echo asked-never' } }] }, { text: 'never' });
    const started = await services.chat.startExecution(agent.id, 'wait');
    await pendingApproval(started.run_id);
    const asked = performance.now();
    expect((await services.runs.cancel(started.run_id)).status).toBe('cancelled');
    expect(performance.now() - asked).toBeLessThan(2000);
    expect(services.events.listAfter(started.run_id, 0, 1000).at(-1)?.type).toBe('cancelled');
    // The worker gives the run up: it asks the provider nothing more.
    await waitUntil(() => !runtimes.some((r) => r.activeRuns().includes(started.run_id)), 5000, 'the worker let go');
    expect(fake.requests.length).toBe(1);
  }, 30_000);

  it("a refusal for a run no longer the worker's ends it there at once, before the queue's cancel arrives", async () => {
    // The daemon refuses the wait as for a cancelled run; no cancel is published, so only the refusal can stop it.
    const link = directLink(services);
    const told = await startWorker('w-told', ['told'], {
      link: {
        ...link,
        waitApproval: async (_id, runId) => {
          throw new RunLostError(`run ${runId} was cancelled`);
        },
      },
      concurrency: 1,
    });
    const agent = services.agents.create('told', { model: 'sonnet', tools: ['bash'], requires: ['told'] });
    fake.reset();
    fake.script(
      { toolCalls: [{ name: 'bash', arguments: { command: 'echo asked-and-refused-wait' } }] },
      { text: 'x' },
    );
    const started = await services.chat.startExecution(agent.id, 'wait');
    expect(await services.runs.wait(started.run_id)).toMatchObject({ status: 'cancelled' });
    expect(fake.requests.length).toBe(1);
    await told.stop();
  }, 30_000);

  it("a daemon tool stopped by the run's cancel is answered as a refusal, not as a failed tool", async () => {
    const link = directLink(services);
    const answers: unknown[] = [];
    const recording = await startWorker('w-recording', ['recording'], {
      link: {
        ...link,
        callTool: (...args) =>
          link.callTool(...args).then(
            (answer) => {
              answers.push(answer);
              return answer;
            },
            (error: unknown) => {
              answers.push(error);
              throw error;
            },
          ),
      },
      concurrency: 1,
    });
    const agent = services.agents.create('recorded', { model: 'sonnet', tools: ['agents'], requires: ['recording'] });
    fake.reset();
    fake.script(
      { toolCalls: [{ name: 'spawn_agent', arguments: { agent: 'writer', task: 'slowly', wait: true } }] },
      { text: 'a long answer', tokens: 100, tokenDelayMs: 50 },
    );
    const started = await services.chat.startExecution(agent.id, 'delegate');
    await waitUntil(() => fake.requests.length >= 2, 10_000, "the sub-agent's provider call");
    expect((await services.runs.cancel(started.run_id)).status).toBe('cancelled');
    await waitUntil(() => answers.length > 0, 10_000, "the daemon's answer to the pending call");
    expect(answers[0]).toBeInstanceOf(RunLostError);
    await waitUntil(() => !recording.activeRuns().includes(started.run_id), 5000, 'the worker let go');
    expect(fake.requests.length).toBe(2);
    await recording.stop();
  }, 30_000);

  it('waits longer than one poll: the worker asks again until the tool or the decision is there', async () => {
    const polls = { tools: 0, approvals: 0 };
    const link = directLink(services);
    const patient = await startWorker('w-patient', ['patient'], {
      link: {
        ...link,
        callTool: (...args) => {
          polls.tools += 1;
          return link.callTool(...args);
        },
        waitApproval: (...args) => {
          polls.approvals += 1;
          return link.waitApproval(...args);
        },
      },
      concurrency: 1,
      longPollMs: 20,
    });
    const agent = services.agents.create('patient', {
      model: 'sonnet',
      tools: ['bash', 'agents'],
      requires: ['patient'],
    });
    fake.reset();
    fake.script(
      { toolCalls: [{ name: 'bash', arguments: { command: 'echo asked-slowly' } }] },
      { toolCalls: [{ name: 'spawn_agent', arguments: { agent: 'writer', task: 'slowly', wait: true } }] },
      { text: 'written, slowly', tokens: 5, tokenDelayMs: 40 },
      { text: 'both done' },
    );
    const started = await services.chat.startExecution(agent.id, 'take your time');
    const approval = await pendingApproval(started.run_id);
    await waitUntil(() => polls.approvals >= 3, 5000, 'a few polls');
    services.security.approvals.approve(approval.id);
    expect(await services.runs.wait(started.run_id)).toMatchObject({ status: 'completed', content: 'both done' });
    const [bash, spawned] = toolResults(started.run_id);
    expect(bash).toMatchObject({ success: true, result: expect.stringContaining('asked-slowly') });
    expect(spawned).toMatchObject({ success: true, result: expect.stringContaining('written, slowly') });
    // The sub-agent took about 200 ms: several asks of the same call, one sub-agent run.
    expect(polls.tools).toBeGreaterThan(2);
    expect(services.runs.list({ parentRunId: started.run_id })).toHaveLength(1);
    await patient.stop();
  }, 30_000);

  it("spawn_agent on a worker runs the sub-agent in the daemon, linked to the worker's run", async () => {
    const agent = services.agents.create('leads-remotely', { model: 'sonnet', tools: ['agents'] });
    fake.reset();
    fake.script(
      { toolCalls: [{ name: 'spawn_agent', arguments: { agent: 'researcher', task: 'look it up', wait: true } }] },
      { text: 'found it: 42' },
      { text: 'the answer is 42' },
    );
    const started = await services.chat.startExecution(agent.id, 'delegate');
    expect(await services.runs.wait(started.run_id)).toMatchObject({ status: 'completed' });
    const [spawned] = toolResults(started.run_id);
    expect(spawned).toMatchObject({ success: true });
    expect(spawned?.result).toContain('found it: 42');
    const children = services.runs.list({ parentRunId: started.run_id });
    expect(children).toHaveLength(1);
    expect(children[0]).toMatchObject({ status: 'completed', root_run_id: started.run_id });
    expect(services.workers.placement(children[0]?.id as string).backend).toBe('local');
  }, 30_000);
});

describe('metering of remote runs', () => {
  it("meters a remote run's provider calls in the daemon: llm_calls rows, priced usage events", async () => {
    const agent = services.agents.create('metered', { model: 'sonnet' });
    fake.script({ text: 'counted', usage: { input_tokens: 1200, output_tokens: 300 } });
    const started = await services.chat.startExecution(agent.id, 'count me');
    expect((await services.runs.wait(started.run_id))?.status).toBe('completed');
    const totals = services.usage.ofRun(started.run_id);
    expect(totals).toMatchObject({ calls: 1, input_tokens: 1200, output_tokens: 300 });
    expect(totals.cost_usd).toBeGreaterThan(0);
    const usage = services.events.listAfter(started.run_id, 0, 100).find((e) => e.type === 'usage');
    expect(usage?.payload.cost_usd).toBeCloseTo(totals.cost_usd, 10);
    expect((usage?.payload.call as { model: string } | undefined)?.model).toBe('claude-sonnet-5-5');
  }, 30_000);

  it('a daily budget already spent stops a remote run before its first provider call', async () => {
    const agent = services.agents.create('frugal-remote', { model: 'sonnet' });
    services.usage.setBudgets({ global: { tokens_per_day: 1 } });
    try {
      const before = fake.requests.length;
      const started = await services.chat.startExecution(agent.id, 'too late today');
      const outcome = await services.runs.wait(started.run_id);
      expect(outcome).toMatchObject({ status: 'failed', error_code: 'budget_exceeded' });
      expect(fake.requests.length).toBe(before);
      expect(services.workers.placement(started.run_id).worker_id).not.toBeNull();
    } finally {
      services.usage.setBudgets({});
    }
  }, 30_000);
});

describe('local execution backend (the default)', () => {
  it('has no workers and says how to turn the queue on', () => {
    const local = createServices({ db: createDb(':memory:'), env: {} });
    expect(local.workers.list()).toEqual([]);
    expect(() => local.workers.heartbeat('w')).toThrow(/config set execution.backend queue/);
    expect(local.workers.placement('any').backend).toBe('local');
  });
});
