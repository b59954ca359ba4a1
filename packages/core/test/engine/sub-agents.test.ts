// Sub-agents in process (docs/engine.md#sub-agents): the wired services, with one scripted model per agent (picked
// by the system prompt), so a parent and its sub-agents can call in any order.
import { describe, expect, it } from '@jest/globals';
import { createTestServices, ScriptedLlm, type Turn, textTurn, toolTurn, waitUntil } from '@restflow/testkit';
import {
  BUILTIN_SUB_AGENTS,
  type CompletionRequest,
  createAgentRuntime,
  type LlmClient,
  type StreamChunk,
} from '../../src/index.ts';

/**
 * Routes each provider call to the scripted model whose key its system prompt or task contains (the text searched
 * is the system prompt, then `USER: <first user message>`).
 */
function modelsByPrompt(scripts: Record<string, Turn[]>) {
  const models = Object.fromEntries(Object.entries(scripts).map(([key, turns]) => [key, new ScriptedLlm(turns)]));
  const client: LlmClient = {
    provider: 'anthropic',
    stream(request: CompletionRequest, signal: AbortSignal): AsyncGenerator<StreamChunk> {
      const user = request.messages.find((m) => m.role === 'user')?.content ?? '';
      const system = `${request.messages[0]?.content ?? ''}\nUSER: ${user}`;
      const key = Object.keys(models).find((k) => system.includes(k));
      if (!key) throw new Error(`no scripted model for the system prompt ${system.slice(0, 80)}`);
      return models[key]!.stream(request, signal);
    },
  };
  return { models, factory: { create: () => client } };
}

function setup(scripts: Record<string, Turn[]>) {
  const services = createTestServices({ env: { ANTHROPIC_API_KEY: 'sk-test' } });
  const { models, factory } = modelsByPrompt(scripts);
  const runtime = createAgentRuntime(services, {
    ...services,
    llm: factory,
    batching: { intervalMs: 5, maxChars: 100 },
  });
  return { services, runtime, models };
}

const spawn = (id: string, args: Record<string, unknown>) => ({ id, name: 'spawn_agent', args });

/** The tool results of a run, in the order they ended. */
function toolResults(services: ReturnType<typeof createTestServices>, runId: string) {
  return services.events
    .listAfter(runId)
    .filter((e) => e.type === 'tool_call_end')
    .map((e) => ({ success: e.payload.success as boolean, result: e.payload.result as string }));
}

async function runLead(setupResult: ReturnType<typeof setup>, prompt: string, before?: (agentId: string) => void) {
  const agent = setupResult.services.agents.create(`lead-${Math.random().toString(36).slice(2, 8)}`, {
    model: 'sonnet',
    prompt,
    tools: ['agents'],
  });
  before?.(agent.id);
  const handle = await setupResult.runtime.chat.startAgentRun({
    agent: { id: agent.id, name: agent.name, node: agent.agent },
    input: 'go',
    kind: 'exec',
  });
  return handle;
}

describe('sub-agents', () => {
  it('a built-in sub-agent runs on its parent’s model in its parent’s workspace, with its own prompt and tools', async () => {
    const s = setup({
      LEAD: [toolTurn([spawn('c1', { agent: 'Reviewer', task: 'Review a.ts', wait: true })]), textTurn('ok')],
      'thorough reviewer': [textTurn('Looks fine.')],
    });
    const handle = await runLead(s, 'You are LEAD.');
    const outcome = await handle.done;
    expect(outcome.status).toBe('completed');
    const [result] = toolResults(s.services, handle.runId);
    expect(result?.success).toBe(true);
    expect(JSON.parse(result!.result)).toMatchObject({
      agent: 'reviewer',
      task: 'Review a.ts',
      status: 'completed',
      output: 'Looks fine.',
    });
    const [, child] = s.runtime.runs.tree(handle.runId);
    expect(child).toMatchObject({ depth: 1, agent_name: 'reviewer', parent_run_id: handle.runId, agent_id: null });
    const reviewerCall = s.models['thorough reviewer']!.requests[0]!;
    expect(reviewerCall.tools?.map((t) => t.name)).toEqual(['file']);
    expect(reviewerCall.messages.at(-1)).toEqual({ role: 'user', content: 'Review a.ts' });
    // The parent's (scripted) usage and the child's add up in the tree total, once each.
    expect(s.runtime.runs.get(handle.runId).usage_total.calls).toBe(
      s.runtime.runs.get(handle.runId).usage.calls + s.runtime.runs.get(child!.id).usage.calls,
    );
  });

  it('a stored agent is spawned by name, and wins over a built-in of the same name', async () => {
    const s = setup({
      LEAD: [toolTurn([spawn('c1', { agent: 'writer', task: 'Write', wait: true })]), textTurn('ok')],
      'MY OWN WRITER': [textTurn('Mine.')],
    });
    const mine = s.services.agents.create('writer', { model: 'sonnet', prompt: 'MY OWN WRITER' });
    const handle = await runLead(s, 'You are LEAD.');
    await handle.done;
    const [, child] = s.runtime.runs.tree(handle.runId);
    expect(child).toMatchObject({ agent_id: mine.id, agent_name: 'writer', status: 'completed' });
    expect(toolResults(s.services, handle.runId)[0]?.result).toContain('Mine.');
  });

  it('refuses unknown agents and sub-agents past the parallel limit, as tool errors naming the way out', async () => {
    const s = setup({
      LEAD: [
        toolTurn([
          spawn('c1', { agent: 'nobody', task: 'x' }),
          spawn('c2', { agent: 'analyst', task: 'one' }),
          spawn('c3', { agent: 'analyst', task: 'two' }),
        ]),
        toolTurn([{ id: 'c4', name: 'wait_agents', args: {} }]),
        textTurn('done'),
      ],
      'data analyst': [textTurn('42')],
    });
    s.services.config.setKey('subagent_max_parallel', 1);
    const handle = await runLead(s, 'You are LEAD.');
    expect((await handle.done).status).toBe('completed');
    const results = toolResults(s.services, handle.runId);
    const firstTurn = results.slice(0, 3);
    const unknown = firstTurn.find((r) => r.result.includes('nobody'));
    expect(unknown).toMatchObject({ success: false });
    expect(unknown?.result).toMatch(
      /no agent named "nobody" \(available: researcher, coder, reviewer, writer, analyst/,
    );
    const spawned = firstTurn.filter((r) => r !== unknown);
    expect(spawned.map((r) => r.success).sort()).toEqual([false, true]);
    expect(spawned.find((r) => !r.success)?.result).toContain('subagent_max_parallel = 1');
    expect(JSON.parse(results.at(-1)!.result)).toMatchObject({
      all_done: true,
      agents: [{ agent: 'analyst', status: 'completed', output: '42' }],
    });
  });

  it('wait_agents gives up after its own timeout, reporting who still runs; the parent’s end stops them', async () => {
    const s = setup({
      LEAD: [
        toolTurn([spawn('c1', { agent: 'coder', task: 'slow' })]),
        toolTurn([{ id: 'c2', name: 'wait_agents', args: { timeout_secs: 1 } }]),
        toolTurn([{ id: 'c3', name: 'wait_agents', args: { ids: ['not-mine'] } }]),
        toolTurn([{ id: 'c4', name: 'list_agents', args: {} }]),
        textTurn('giving up'),
      ],
      'software engineer': [{ hangAfter: [] }],
    });
    const handle = await runLead(s, 'You are LEAD.');
    expect((await handle.done).status).toBe('completed');
    const [spawned, waited, notMine, listed] = toolResults(s.services, handle.runId);
    const childId = JSON.parse(spawned!.result).id as string;
    expect(JSON.parse(waited!.result)).toMatchObject({ all_done: false, agents: [{ id: childId, status: 'running' }] });
    expect(notMine).toMatchObject({ success: false });
    expect(notMine?.result).toContain(`not sub-agents of this run: not-mine (this run started: ${childId})`);
    const list = JSON.parse(listed!.result);
    expect(list.available.map((a: { name: string }) => a.name)).toEqual(
      expect.arrayContaining([...BUILTIN_SUB_AGENTS.map((d) => d.name), expect.stringMatching(/^lead-/)]),
    );
    expect(list.spawned).toEqual([expect.objectContaining({ id: childId, status: 'running' })]);
    // Nobody waits for it any more: it ends with its parent.
    await waitUntil(() => s.runtime.runs.get(childId).status !== 'running', 5000, 'the orphaned sub-agent to stop');
    expect(s.runtime.runs.get(childId).status).toBe('cancelled');
  });

  it('the depth limit counts levels below the top-level run; shutdown interrupts the whole tree', async () => {
    const s = setup({
      LEAD: [toolTurn([spawn('c1', { agent: 'middle', task: 'delegate' })]), { hangAfter: [] }],
      'USER: delegate': [toolTurn([spawn('c2', { agent: 'middle', task: 'deeper' })]), { hangAfter: [] }],
      'USER: deeper': [toolTurn([spawn('c3', { agent: 'middle', task: 'deepest' })]), { hangAfter: [] }],
    });
    s.services.agents.create('middle', { model: 'sonnet', prompt: 'You are MIDDLE.', tools: ['agents'] });
    s.services.config.setKey('subagent_max_depth', 2);
    const handle = await runLead(s, 'You are LEAD.');
    // LEAD (0) → middle (1) → middle (2) → refused (3).
    await waitUntil(() => s.runtime.runs.tree(handle.runId).length === 3, 5000, 'two levels of sub-agents');
    const tree = () => s.runtime.runs.tree(handle.runId);
    const deepest = tree()[2]!;
    await waitUntil(() => toolResults(s.services, deepest.id).length === 1, 5000, 'the third level to be refused');
    expect(toolResults(s.services, deepest.id)[0]?.result).toMatch(
      /sub-agent depth limit reached: this run is already 2 level\(s\) below .* subagent_max_depth/,
    );
    expect(tree().map((run) => [run.depth, run.root_run_id])).toEqual([
      [0, handle.runId],
      [1, handle.runId],
      [2, handle.runId],
    ]);
    expect(s.runtime.runs.list({ rootRunId: handle.runId.slice(0, 8) })).toHaveLength(3);
    expect(s.runtime.runs.list({ parentRunId: handle.runId }).map((r) => r.id)).toEqual([tree()[1]!.id]);
    await s.runtime.runs.stopAll();
    await waitUntil(() => tree().every((run) => run.status !== 'running'), 5000, 'the tree to stop');
    expect(tree().map((run) => run.status)).toEqual(['interrupted', 'interrupted', 'interrupted']);
  });

  it('a sub-agent out of time ends failed with error_code timeout, and its own sub-agents are cancelled', async () => {
    const s = setup({
      LEAD: [
        toolTurn([spawn('c1', { agent: 'middle', task: 'delegate', wait: true, timeout_secs: 1 })]),
        textTurn('noted'),
      ],
      'USER: delegate': [toolTurn([spawn('c2', { agent: 'researcher', task: 'dig', wait: true })])],
      'careful researcher': [{ hangAfter: [] }],
    });
    s.services.agents.create('middle', { model: 'sonnet', prompt: 'You are MIDDLE.', tools: ['agents'] });
    const handle = await runLead(s, 'You are LEAD.');
    expect((await handle.done).status).toBe('completed');
    const [result] = toolResults(s.services, handle.runId);
    expect(JSON.parse(result!.result)).toMatchObject({
      agent: 'middle',
      status: 'timed_out',
      error: 'timed out after 1 s',
    });
    const tree = () => s.runtime.runs.tree(handle.runId);
    await waitUntil(() => tree().every((run) => run.status !== 'running'), 5000, 'the tree to end');
    expect(tree().map((run) => [run.agent_name, run.status, run.error_code])).toEqual([
      [null, 'completed', null],
      ['middle', 'failed', 'timeout'],
      ['researcher', 'cancelled', null],
    ]);
  });

  it('a built-in sub-agent spends against the budgets of the agent that spawned it', async () => {
    const s = setup({
      LEAD: [toolTurn([spawn('c1', { agent: 'writer', task: 'write', wait: true })]), textTurn('never asked')],
      'skilled technical writer': [textTurn('never asked either')],
    });
    // The lead's first call (15 tokens) spends the whole daily budget of the lead agent.
    const handle = await runLead(s, 'You are LEAD.', (leadAgent) =>
      s.services.usage.setBudgets({ agents: { [leadAgent]: { tokens_per_day: 10 } } }),
    );
    const outcome = await handle.done;
    expect(outcome.error_code).toBe('budget_exceeded');
    const [, child] = s.runtime.runs.tree(handle.runId);
    expect(child).toMatchObject({ agent_name: 'writer', status: 'failed', error_code: 'budget_exceeded' });
    expect(toolResults(s.services, handle.runId)[0]?.result).toMatch(/"status": "failed"[\s\S]*budget exceeded/);
    expect(s.models['skilled technical writer']!.requests).toHaveLength(0);
  });

  it('a run’s per-run budget caps its sub-agents’ spending too, and each run of the tree stops at it', async () => {
    const again = (id: string) => toolTurn([{ id, name: 'no_such_tool', args: {} }]);
    const s = setup({
      LEAD: [toolTurn([spawn('c1', { agent: 'helper', task: 'work', wait: true })]), textTurn('never asked')],
      'HELPER AGENT': [again('h1'), again('h2'), textTurn('never asked either')],
    });
    // A stored sub-agent without a budget of its own: only the lead's per-run budget (40 tokens) limits it.
    s.services.agents.create('helper', { model: 'sonnet', prompt: 'HELPER AGENT' });
    const handle = await runLead(s, 'You are LEAD.', (leadAgent) =>
      s.services.usage.setBudgets({ agents: { [leadAgent]: { tokens_per_run: 40 } } }),
    );
    const outcome = await handle.done;
    // 15 tokens of the lead's call and 2 × 15 of the helper's reach 40: the helper stops before its third call,
    // the lead before its second, both naming the lead's budget and who spent it.
    expect(s.models['HELPER AGENT']!.requests).toHaveLength(2);
    expect(s.models.LEAD!.requests).toHaveLength(1);
    const [lead, helper] = s.runtime.runs.tree(handle.runId);
    expect(helper).toMatchObject({ agent_name: 'helper', status: 'failed', error_code: 'budget_exceeded' });
    expect(helper!.error).toContain('45 tokens used by the run that started this sub-agent and its sub-agents');
    expect(outcome.error_code).toBe('budget_exceeded');
    expect(lead!.error).toContain('per-run tokens budget of agent lead-');
    expect(lead!.error).toContain('45 tokens used by this run and its sub-agents');
  });
});
