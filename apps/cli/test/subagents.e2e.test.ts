// Sub-agents end to end (docs/engine.md#sub-agents): a real daemon on a temp dir, driven through the SDK, runs a
// lead agent whose model (the fake provider) spawns built-in sub-agents; each agent's provider calls get their own
// scripted replies (matched by system prompt), so parallel sub-agents can call in any order.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRestflowClient, type RestflowClient } from '@restflow/api/client';
import { type FakeProvider, type RecordedRequest, startFakeProvider } from '@restflow/fake-provider';
import {
  removeDataDir,
  runCli,
  runCliJson,
  startTestDaemon,
  type TestDaemon,
  tempDataDir,
  waitUntil,
} from '@restflow/testkit';

let fake: FakeProvider;
let daemon: TestDaemon;
let sdk: RestflowClient;
const dataDir = tempDataDir('rfsa');
const RUN_TIMEOUT_MS = 60_000;

beforeAll(async () => {
  fake = await startFakeProvider();
  daemon = await startTestDaemon(dataDir, { ...fake.env(), ANTHROPIC_API_KEY: 'sk-ant-subagents-e2e' });
  sdk = createRestflowClient({ dataDir });
}, 120_000);

afterAll(async () => {
  sdk?.close();
  await daemon?.stop();
  await fake?.close();
  removeDataDir(dataDir);
});

/** The system prompt of an Anthropic request: which agent is calling. */
const systemOf = (body: Record<string, unknown>) => JSON.stringify(body.system ?? '');
const byPrompt = (text: string) => (body: Record<string, unknown>) => systemOf(body).includes(text);
const isResearcher = byPrompt('careful researcher');
const isWriter = byPrompt('skilled technical writer');
const requestsOf = (match: (body: Record<string, unknown>) => boolean): RecordedRequest[] =>
  fake.requests.filter((request) => match(request.body));
/** The tool results a request sent back to the model (Anthropic `tool_result` blocks), as text. */
const toolResultsIn = (request: RecordedRequest): string[] =>
  (request.body.messages as { content: unknown }[])
    .flatMap((message) => (Array.isArray(message.content) ? message.content : []))
    .filter((block: { type?: string }) => block.type === 'tool_result')
    .map((block: { content?: unknown }) => JSON.stringify(block.content));

async function settled(runId: string) {
  await waitUntil(
    async () => (await sdk.runs.get.query({ id: runId })).status !== 'running',
    RUN_TIMEOUT_MS,
    `run ${runId} to end`,
  );
  return sdk.runs.get.query({ id: runId });
}

async function lead(name: string, prompt: string): Promise<string> {
  const agent = await sdk.agents.create.mutate({ name, agent: { model: 'sonnet', prompt, tools: ['agents'] } });
  return agent.id;
}

describe('sub-agents', () => {
  it('a parent spawns two sub-agents that run at once; the tree links them and the usage rolls up', async () => {
    const leadId = await lead('team-lead', 'You are the lead of a small team.');
    const isLead = byPrompt('lead of a small team');
    fake.scriptFor(
      isLead,
      {
        toolCalls: [
          { name: 'spawn_agent', arguments: { agent: 'researcher', task: 'Find the facts.', wait: false } },
          { name: 'spawn_agent', arguments: { agent: 'writer', task: 'Draft the intro.', wait: false } },
        ],
        usage: { input_tokens: 1000, output_tokens: 50 },
      },
      { toolCalls: [{ name: 'wait_agents', arguments: {} }], usage: { input_tokens: 1200, output_tokens: 20 } },
      { text: 'Both parts are in.', usage: { input_tokens: 1600, output_tokens: 80 } },
    );
    // Both sub-agents' answers are held until both have called: neither can end before the other started.
    fake.scriptFor(isResearcher, {
      text: 'The facts.',
      holdUntil: 'both-children',
      usage: { input_tokens: 300, output_tokens: 30 },
    });
    fake.scriptFor(isWriter, {
      text: 'The draft.',
      holdUntil: 'both-children',
      usage: { input_tokens: 400, output_tokens: 40, cached_tokens: 100 },
    });
    const { run_id: parentId } = await sdk.agents.run.mutate({ id: leadId, input: 'Write the report.' });

    await waitUntil(
      () => requestsOf(isResearcher).length === 1 && requestsOf(isWriter).length === 1,
      RUN_TIMEOUT_MS,
      'both sub-agents to call the provider',
    );
    const children = [...requestsOf(isResearcher), ...requestsOf(isWriter)];
    expect(children.map((request) => request.endedAt)).toEqual([undefined, undefined]);
    fake.release('both-children');

    const parent = await settled(parentId);
    expect(parent.status).toBe('completed');
    // The request log: both sub-agent calls started before either ended.
    const lastStart = Math.max(...children.map((request) => request.startedAt));
    const firstEnd = Math.min(...children.map((request) => request.endedAt as number));
    expect(lastStart).toBeLessThanOrEqual(firstEnd);
    // spawn_agent answered at once ("running"); wait_agents brought both answers back as one tool result.
    const [, afterSpawn, final] = requestsOf(isLead);
    expect(toolResultsIn(afterSpawn!).join('')).toContain('\\"status\\": \\"running\\"');
    const results = toolResultsIn(final!).join('');
    expect(results).toContain('The facts.');
    expect(results).toContain('The draft.');
    expect(results).toContain('\\"all_done\\": true');

    const tree = await sdk.runs.tree.query({ id: parentId.slice(0, 8) });
    expect(tree.run_id).toBe(parentId);
    expect(tree.runs.map((run) => [run.depth, run.agent_name, run.status])).toEqual([
      [0, null, 'completed'],
      expect.arrayContaining([1, expect.any(String), 'completed']),
      expect.arrayContaining([1, expect.any(String), 'completed']),
    ]);
    const [top, ...subRuns] = tree.runs;
    expect(subRuns.map((run) => run.agent_name).sort()).toEqual(['researcher', 'writer']);
    expect(top).toMatchObject({ parent_run_id: null, root_run_id: parentId });
    for (const run of subRuns) {
      expect(run).toMatchObject({ parent_run_id: parentId, root_run_id: parentId, kind: 'exec', agent_id: null });
    }
    const researcher = subRuns.find((run) => run.agent_name === 'researcher')!;
    const writer = subRuns.find((run) => run.agent_name === 'writer')!;
    expect(researcher.usage).toMatchObject({ input_tokens: 300, output_tokens: 30, total_tokens: 330, calls: 1 });
    expect(writer.usage).toMatchObject({ input_tokens: 400, cached_tokens: 100, total_tokens: 440, calls: 1 });

    // Roll-up: the parent's own usage, then its total with the sub-agents'.
    expect(parent.usage).toMatchObject({ input_tokens: 3800, output_tokens: 150, total_tokens: 3950, calls: 3 });
    expect(parent.usage_total).toEqual({
      input_tokens: 3800 + 300 + 400,
      output_tokens: 150 + 30 + 40,
      cached_tokens: 100,
      reasoning_tokens: 0,
      total_tokens: 3950 + 330 + 440,
      cost_usd: expect.closeTo(parent.usage.cost_usd + researcher.usage.cost_usd + writer.usage.cost_usd, 8),
      calls: 5,
    });
    expect(parent.usage_total.cost_usd).toBeGreaterThan(parent.usage.cost_usd);
    // Each call counts once in the usage report (the tree's calls are all there is so far), and the built-in
    // sub-agents' calls count for the agent that spawned them.
    const report = await sdk.usage.report.query({ by: 'agent' });
    expect(report.total).toMatchObject({ total_tokens: parent.usage_total.total_tokens, calls: 5, runs: 3 });
    expect(report.rows).toEqual([
      expect.objectContaining({ key: leadId, label: 'team-lead', total_tokens: 4720, calls: 5, runs: 3 }),
    ]);

    // Filters: one parent's sub-agents, a whole tree.
    expect((await sdk.runs.list.query({ parent_run_id: parentId })).map((run) => run.id).sort()).toEqual(
      subRuns.map((run) => run.id).sort(),
    );
    expect((await sdk.runs.list.query({ root_run_id: parentId })).length).toBe(3);

    // The inspector prints the tree, indented, with each sub-agent's status and usage.
    const shown = await runCli(['runs', 'show', parentId.slice(0, 8)], { dataDir, timeoutMs: 60_000 });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('Sub-agents:');
    expect(shown.stdout).toMatch(new RegExp(`└ ${researcher.id.slice(0, 8)} researcher · completed .*330 tokens`));
    expect(shown.stdout).toMatch(new RegExp(`└ ${writer.id.slice(0, 8)} writer · completed .*440 tokens`));
    expect(shown.stdout).toContain(`with sub-agents: in 4500 (cached 100) · out 220 (reasoning 0) · total 4720`);
    const json = await runCliJson<{ sub_agents: { id: string }[] }>(['runs', 'show', parentId], {
      dataDir,
      timeoutMs: 60_000,
    });
    expect(json.sub_agents.map((run) => run.id).sort()).toEqual(subRuns.map((run) => run.id).sort());
    const listed = await runCliJson<{ id: string; parent_run_id: string | null }[]>(
      ['runs', 'list', '--root', parentId.slice(0, 8)],
      { dataDir, timeoutMs: 60_000 },
    );
    expect(listed.map((run) => run.id).sort()).toEqual([parentId, ...subRuns.map((run) => run.id)].sort());
    // In pages: the same runs in the same order, each with its usage.
    type RunsPage = { items: { id: string; usage: { total_tokens: number } }[]; next_cursor: string | null };
    const firstTwo = await runCliJson<RunsPage>(['runs', 'list', '--root', parentId, '--limit', '2'], {
      dataDir,
      timeoutMs: 60_000,
    });
    const rest = await runCliJson<RunsPage>(
      ['runs', 'list', '--root', parentId, '--limit', '2', '--cursor', firstTwo.next_cursor ?? ''],
      { dataDir, timeoutMs: 60_000 },
    );
    expect([...firstTwo.items, ...rest.items].map((run) => run.id)).toEqual(listed.map((run) => run.id));
    expect(rest.next_cursor).toBeNull();
    expect(firstTwo.items.every((run) => run.usage.total_tokens > 0)).toBe(true);
    const byParent = await runCli(['runs', 'list', '--parent', parentId], { dataDir, timeoutMs: 60_000 });
    expect(byParent.stdout).toContain('researcher');
    expect(byParent.stdout).toContain('writer');
    expect(byParent.stdout).toContain(parentId.slice(0, 8));
  }, 120_000);

  it('cancelling the parent cancels its sub-agents while they wait on the provider', async () => {
    fake.reset();
    const leadId = await lead('cancel-lead', 'You are the cancelling lead.');
    const isLead = byPrompt('cancelling lead');
    fake.scriptFor(
      isLead,
      {
        toolCalls: [
          { name: 'spawn_agent', arguments: { agent: 'researcher', task: 'Dig.', wait: false } },
          { name: 'spawn_agent', arguments: { agent: 'writer', task: 'Write.', wait: false } },
        ],
      },
      { toolCalls: [{ name: 'wait_agents', arguments: { timeout_secs: 600 } }] },
    );
    // Never released: the sub-agents are mid-call when the parent is cancelled.
    fake.scriptFor(isResearcher, { text: 'never sent', holdUntil: 'never' });
    fake.scriptFor(isWriter, { text: 'never sent', holdUntil: 'never' });
    const { run_id: parentId } = await sdk.agents.run.mutate({ id: leadId, input: 'Start and wait.' });
    await waitUntil(
      () =>
        requestsOf(isResearcher).length === 1 && requestsOf(isWriter).length === 1 && requestsOf(isLead).length === 2,
      RUN_TIMEOUT_MS,
      'both sub-agents to call the provider and the lead to wait',
    );
    const running = await sdk.runs.tree.query({ id: parentId });
    expect(running.runs.map((run) => run.status)).toEqual(['running', 'running', 'running']);

    const cancelled = await sdk.runs.cancel.mutate({ id: parentId });
    expect(cancelled.status).toBe('cancelled');
    await waitUntil(
      async () => (await sdk.runs.tree.query({ id: parentId })).runs.every((run) => run.status !== 'running'),
      RUN_TIMEOUT_MS,
      'the sub-agents to end',
    );
    const tree = await sdk.runs.tree.query({ id: parentId });
    expect(tree.runs.map((run) => [run.depth, run.status])).toEqual([
      [0, 'cancelled'],
      [1, 'cancelled'],
      [1, 'cancelled'],
    ]);
    // Their provider requests were really aborted.
    for (const request of [...requestsOf(isResearcher), ...requestsOf(isWriter)]) {
      await waitUntil(() => request.endedAt !== undefined, RUN_TIMEOUT_MS, 'the held request to end');
      expect(request.aborted).toBe(true);
    }
  }, 120_000);

  it('a sub-agent that runs out of time comes back to the parent as a tool result', async () => {
    fake.reset();
    const leadId = await lead('patient-lead', 'You are the patient lead.');
    const isLead = byPrompt('patient lead');
    fake.scriptFor(
      isLead,
      {
        toolCalls: [
          {
            name: 'spawn_agent',
            arguments: { agent: 'researcher', task: 'Take forever.', wait: true, timeout_secs: 1 },
          },
        ],
      },
      { text: 'The researcher ran out of time; here is what I know.' },
    );
    fake.scriptFor(isResearcher, { text: 'too late', holdUntil: 'never' });
    const { run_id: parentId } = await sdk.agents.run.mutate({ id: leadId, input: 'Research, briefly.' });
    const parent = await settled(parentId);
    expect(parent.status).toBe('completed');

    const [child] = (await sdk.runs.tree.query({ id: parentId })).runs.slice(1);
    expect(child).toMatchObject({
      agent_name: 'researcher',
      status: 'failed',
      error: 'timed out after 1 s',
      error_code: 'timeout',
    });
    const result = toolResultsIn(requestsOf(isLead)[1]!).join('');
    expect(result).toContain('timed_out');
    expect(result).toContain('timed out after 1 s');
  }, 120_000);

  it('refuses to spawn past the depth limit, as a tool error the agent reads', async () => {
    fake.reset();
    await sdk.config.update.mutate({ key: 'subagent_max_depth', value: 1 });
    try {
      await sdk.agents.create.mutate({
        name: 'delegator',
        agent: { model: 'sonnet', prompt: 'You are the delegator.', tools: ['agents'] },
      });
      const leadId = await lead('deep-lead', 'You are the deep lead.');
      const isLead = byPrompt('deep lead');
      const isDelegator = byPrompt('the delegator');
      fake.scriptFor(
        isLead,
        {
          toolCalls: [{ name: 'spawn_agent', arguments: { agent: 'delegator', task: 'Delegate it.', wait: true } }],
        },
        { text: 'Done.' },
      );
      fake.scriptFor(
        isDelegator,
        { toolCalls: [{ name: 'spawn_agent', arguments: { agent: 'researcher', task: 'Deeper.' } }] },
        { text: 'I could not delegate, so I did it myself.' },
      );
      const { run_id: parentId } = await sdk.agents.run.mutate({ id: leadId, input: 'Go deep.' });
      expect((await settled(parentId)).status).toBe('completed');

      const tree = await sdk.runs.tree.query({ id: parentId });
      expect(tree.runs.map((run) => [run.depth, run.agent_name, run.status])).toEqual([
        [0, null, 'completed'],
        [1, 'delegator', 'completed'],
      ]);
      const refusal = toolResultsIn(requestsOf(isDelegator)[1]!).join('');
      expect(refusal).toContain('sub-agent depth limit reached');
      expect(refusal).toContain('subagent_max_depth');
      expect(toolResultsIn(requestsOf(isLead)[1]!).join('')).toContain('I could not delegate');
    } finally {
      await sdk.config.update.mutate({ key: 'subagent_max_depth', value: 3 });
    }
  }, 120_000);
});
