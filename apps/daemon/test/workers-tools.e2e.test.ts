// The daemon's tools and approvals for runs on remote workers, end to end (docs/workers.md): a real redis-server,
// the daemon with the queue backend and its HTTP API, one `restflow-worker` process that reaches it with an API
// token, and the fake provider scripting the model's tool calls. An agent on the worker stores and searches the
// daemon's memory (seen afterwards with `restflow memory list`), a command it must have approved waits in
// `restflow security approvals` until approved (the run goes on) or rejected (the tool call fails), a sub-agent it spawns
// runs in the daemon linked to it, an MCP tool it is granted is called by the daemon; and a worker's run-scoped
// calls for a run it did not claim are refused.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHttpRestflowClient, createRestflowClient, type RestflowClient } from '@restflow/api/client';
import { type FakeProvider, startFakeProvider } from '@restflow/fake-provider';
import {
  CLI_POLL_MS,
  mcpTestServerScript,
  runCli,
  runCliJson,
  settledRun,
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

let redis: TestRedis;
let fake: FakeProvider;
let daemon: TestDaemon;
let pipe: RestflowClient;
let base: string;
let token: string;
let worker: TestWorker | undefined;
const workerLog = () => worker?.log() ?? '';
const dataDir = tempDataDir('rf-worker-tools');
const cli = { dataDir };

const settled = (runId: string, timeoutMs?: number) => settledRun(pipe, runId, timeoutMs);

type EventKind = { type: string; success?: boolean; result?: string };

/** The stored events of an ended run, as `runs.onEvents` subscribers get them (it completes after the last). */
function eventsOf(runId: string): Promise<EventKind[]> {
  return new Promise((resolve, reject) => {
    const seen: EventKind[] = [];
    pipe.runs.onEvents.subscribe(
      { run_id: runId },
      {
        onData: (event) => {
          seen.push((event as unknown as { data: { kind: EventKind } }).data.kind);
        },
        onError: reject,
        onComplete: () => resolve(seen),
      },
    );
  });
}

/** How the run's tool calls ended, in order (what the model was sent back). */
const resultsIn = (events: EventKind[]): { success: boolean; result: string }[] =>
  events
    .filter((e) => e.type === 'tool_call_end')
    .map((e) => ({ success: e.success as boolean, result: e.result as string }));

const toolResults = async (runId: string) => resultsIn(await eventsOf(runId));

async function onTheWorker(runId: string): Promise<void> {
  expect(await pipe.workers.placement.query({ run_id: runId })).toMatchObject({
    backend: 'queue',
    worker_name: 'tools-worker',
  });
}

type Approval = { id: string; command: string; agent_id: string | null; status: string };

/** `restflow security approvals` until the run's command shows there. */
async function listedApproval(command: string): Promise<Approval> {
  let found: Approval | undefined;
  await waitUntil(
    async () => {
      found = (await runCliJson<Approval[]>(['security', 'approvals'], cli)).find((a) => a.command === command);
      return found !== undefined;
    },
    30_000,
    `approval of ${command} listed`,
    CLI_POLL_MS,
  );
  return found as Approval;
}

beforeAll(async () => {
  [redis, fake] = await Promise.all([startRedis(), startFakeProvider({ fallback: { text: 'fallback answer' } })]);
  // A daemon process of its own (the bundle): it loads the MCP client as in production.
  daemon = await startTestDaemon(dataDir, {
    ...fake.env(),
    ANTHROPIC_API_KEY: 'sk-ant-e2e-worker-tools',
    OPENAI_API_KEY: '',
    RESTFLOW_EXECUTION_BACKEND: 'queue',
    RESTFLOW_REDIS_URL: redis.url,
    RESTFLOW_QUEUE_PREFIX: 'worker-tools',
    RESTFLOW_WORKER_TIMEOUT_MS: '5000',
    RESTFLOW_WORKER_HEARTBEAT_MS: '500',
  });
  pipe = createRestflowClient({ pipePath: daemon.pipe });
  base = (await pipe.system.status.query()).transports.find((t) => t.kind === 'http')?.address as string;
  token = (await pipe.tokens.create.mutate({ name: 'worker-tools' })).token;
  await pipe.security.approvalRequired.add.mutate({ pattern: 'echo asked-*' });
  worker = await startTestWorker({ daemonUrl: base, token, name: 'tools-worker' });
}, 120_000);

afterAll(() => stopWorkerStack({ worker, pipe, daemon, fake, redis, dataDir }), 60_000);

describe("a worker's run uses the daemon's memory, approvals, sub-agents and MCP servers", () => {
  it("memory_store and memory_search on the worker: the chunk is in the daemon's memory of the agent", async () => {
    const agent = await pipe.agents.create.mutate({
      name: 'remote-memory',
      agent: { model: 'sonnet', tools: ['memory'] },
    });
    fake.reset();
    fake.script(
      {
        toolCalls: [{ name: 'memory_store', arguments: { content: 'The staging database is db-7', tags: ['infra'] } }],
      },
      { toolCalls: [{ name: 'memory_search', arguments: { query: 'staging database' } }] },
      { text: 'db-7' },
    );
    const { run_id } = await pipe.agents.run.mutate({ id: agent.id, input: 'remember, then recall' });
    expect((await settled(run_id)).status).toBe('completed');
    await onTheWorker(run_id);
    const [stored, searched] = await toolResults(run_id);
    expect(stored?.success).toBe(true);
    expect(searched?.success).toBe(true);
    expect(searched?.result).toContain('The staging database is db-7');
    // The model got the search result on the worker: its next request carries it.
    expect(JSON.stringify(fake.requests[2]?.body.messages)).toContain('The staging database is db-7');
    const listed = await runCliJson<{ content: string; agent_id: string; tags: string[] }[]>(
      ['memory', 'list', '--agent', agent.id],
      cli,
    );
    expect(listed).toEqual([
      expect.objectContaining({ content: 'The staging database is db-7', agent_id: agent.id, tags: ['infra'] }),
    ]);
  }, 120_000);

  it('a command sent for approval shows in `restflow security approvals`; approved, the run goes on and runs it', async () => {
    const agent = await pipe.agents.create.mutate({
      name: 'remote-asker',
      agent: { model: 'sonnet', tools: ['bash'] },
    });
    fake.reset();
    fake.script(
      { toolCalls: [{ name: 'bash', arguments: { command: 'echo asked-and-approved' } }] },
      { text: 'ran it' },
    );
    const { run_id } = await pipe.agents.run.mutate({ id: agent.id, input: 'run the command' });
    const approval = await listedApproval('echo asked-and-approved');
    expect(approval).toMatchObject({ agent_id: agent.id, status: 'pending' });
    expect(await pipe.security.approvals.get.query({ id: approval.id })).toMatchObject({ run_id });
    // The run waits: no second provider call before the decision.
    expect(fake.requests.length).toBe(1);
    const approved = await runCli(['security', 'approve', approval.id], cli);
    expect(approved.code).toBe(0);
    const run = await settled(run_id);
    expect(run.status).toBe('completed');
    await onTheWorker(run_id);
    const events = await eventsOf(run_id);
    const [bash] = resultsIn(events);
    expect(bash?.success).toBe(true);
    expect(bash?.result).toContain('asked-and-approved');
    const types = events.map((e) => e.type);
    expect(types.filter((t) => t === 'approval_required')).toHaveLength(1);
    expect(types.indexOf('tool_call_start')).toBeLessThan(types.indexOf('approval_required'));
  }, 120_000);

  it('a rejected approval fails the tool call, with the reason, and the run goes on', async () => {
    const agent = await pipe.agents.create.mutate({
      name: 'remote-refused',
      agent: { model: 'sonnet', tools: ['bash'] },
    });
    fake.reset();
    fake.script(
      { toolCalls: [{ name: 'bash', arguments: { command: 'echo asked-and-refused' } }] },
      { text: 'oh well' },
    );
    const { run_id } = await pipe.agents.run.mutate({ id: agent.id, input: 'run the command' });
    const approval = await listedApproval('echo asked-and-refused');
    const rejected = await runCli(['security', 'reject', approval.id, '--reason', 'not during the freeze'], cli);
    expect(rejected.code).toBe(0);
    expect((await settled(run_id)).status).toBe('completed');
    const [bash] = await toolResults(run_id);
    expect(bash?.success).toBe(false);
    expect(bash?.result).toContain('rejected: not during the freeze');
    expect(bash?.result).not.toContain('asked-and-refused\n');
  }, 120_000);

  it('cancel stops a worker run waiting for an approval', async () => {
    const agent = await pipe.agents.create.mutate({
      name: 'remote-waiter',
      agent: { model: 'sonnet', tools: ['bash'] },
    });
    fake.reset();
    fake.script({ toolCalls: [{ name: 'bash', arguments: { command: 'echo asked-forever' } }] }, { text: 'never' });
    const { run_id } = await pipe.agents.run.mutate({ id: agent.id, input: 'wait for it' });
    await listedApproval('echo asked-forever');
    expect((await pipe.runs.cancel.mutate({ id: run_id })).status).toBe('cancelled');
    // The worker lets the run go (its log says so) and the model is not asked again.
    await waitUntil(() => workerLog().includes(`run ${run_id} ended`), 10_000, 'the worker ended the run', 50);
    expect(fake.requests.length).toBe(1);
  }, 120_000);

  it('spawn_agent on the worker runs the sub-agent in the daemon, its run linked to the parent', async () => {
    const agent = await pipe.agents.create.mutate({
      name: 'remote-lead',
      agent: { model: 'sonnet', tools: ['agents'] },
    });
    fake.reset();
    fake.script(
      { toolCalls: [{ name: 'spawn_agent', arguments: { agent: 'researcher', task: 'find the port', wait: true } }] },
      { text: 'the port is 8787' },
      { text: 'it is 8787' },
    );
    const { run_id } = await pipe.agents.run.mutate({ id: agent.id, input: 'delegate' });
    expect((await settled(run_id)).status).toBe('completed');
    await onTheWorker(run_id);
    const [spawned] = await toolResults(run_id);
    expect(spawned?.success).toBe(true);
    expect(spawned?.result).toContain('the port is 8787');
    const children = await pipe.runs.list.query({ parent_run_id: run_id });
    expect(children).toHaveLength(1);
    expect(children[0]).toMatchObject({ status: 'completed', parent_run_id: run_id, root_run_id: run_id });
    expect((await pipe.workers.placement.query({ run_id: children[0]?.id as string })).backend).toBe('local');
  }, 120_000);

  it('an MCP tool the agent is granted is called by the daemon for the worker', async () => {
    await pipe.mcp.create.mutate({ name: 'tools', command: process.execPath, args: [mcpTestServerScript] });
    const agent = await pipe.agents.create.mutate({
      name: 'remote-mcp',
      agent: { model: 'sonnet', tools: ['mcp:tools:echo'] },
    });
    fake.reset();
    fake.script({ toolCalls: [{ name: 'mcp__tools__echo', arguments: { text: 'from afar' } }] }, { text: 'echoed' });
    const { run_id } = await pipe.agents.run.mutate({ id: agent.id, input: 'echo it' });
    expect((await settled(run_id)).status).toBe('completed');
    await onTheWorker(run_id);
    const [echo] = await toolResults(run_id);
    // The fixture's echo answers the text reversed, with the pid of the server process.
    expect(echo).toEqual({ success: true, result: expect.stringMatching(/^echo:rafa morf:pid=\d+$/) });
    // That server is the daemon's child, not the worker's.
    const pid = Number(/pid=(\d+)/.exec(echo?.result ?? '')?.[1]);
    const parent = Number(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]);
    expect(parent).toBe(daemon.pid);
    // The model on the worker was offered the tool with the server's schema.
    const offered = JSON.stringify(fake.requests[0]?.body.tools);
    expect(offered).toContain('mcp__tools__echo');
  }, 120_000);

  it("refuses a worker's run-scoped calls for a run it did not claim (typed errors, no secret)", async () => {
    const http = createHttpRestflowClient({ url: base, token });
    // Registered with the daemon's protocol, as a real worker is; its tag routes no run to it.
    const intruder = await http.workers.create.mutate({
      name: 'intruder',
      version: '0.0.0',
      protocol_version: (await http.system.status.query()).protocol_version,
      tags: ['nobody-routes-here'],
    });
    const agent = await pipe.agents.create.mutate({
      name: 'remote-guarded',
      agent: { model: 'sonnet', tools: ['bash'] },
    });
    fake.reset();
    fake.script({ toolCalls: [{ name: 'bash', arguments: { command: 'echo asked-guarded' } }] }, { text: 'done' });
    const { run_id } = await pipe.agents.run.mutate({ id: agent.id, input: 'guarded' });
    const approval = await listedApproval('echo asked-guarded');
    const code = (error: unknown) => (error as { data?: { code?: string } }).data?.code;
    const refusedWait = await http.workers.approvals.wait
      .query({ worker_id: intruder.id, run_id, approval_id: approval.id, wait_ms: 0 })
      .catch((error: unknown) => error);
    expect(code(refusedWait)).toBe('FORBIDDEN');
    const refusedTool = await http.workers.tools.invoke
      .mutate({ worker_id: intruder.id, run_id, call_id: 'call-1', name: 'memory_search', arguments: '{}' })
      .catch((error: unknown) => error);
    expect(code(refusedTool)).toBe('FORBIDDEN');
    expect(String((refusedTool as Error).message)).not.toContain('sk-ant-e2e-worker-tools');
    const refusedApproval = await http.workers.approvals.create
      .mutate({ worker_id: intruder.id, run_id, command: 'echo sneaky' })
      .catch((error: unknown) => error);
    expect(code(refusedApproval)).toBe('FORBIDDEN');
    await http.workers.delete.mutate({ id: intruder.id });
    await pipe.security.approvals.approve.mutate({ id: approval.id });
    expect((await settled(run_id)).status).toBe('completed');
    // The run has ended: its worker's calls for it are refused too.
    const placed = await pipe.workers.placement.query({ run_id });
    const late = await http.workers.approvals.wait
      .query({ worker_id: placed.worker_id as string, run_id, approval_id: approval.id, wait_ms: 0 })
      .catch((error: unknown) => error);
    expect(code(late)).toBe('CONFLICT');
  }, 120_000);
});
