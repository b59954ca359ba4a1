import { describe, expect, it } from '@jest/globals';
import { ScriptedLlm, textTurn, toolTurn, waitUntil } from '@restflow/testkit';
import { LlmError, type LlmMessage, runAgentLoop, type ToolDefinition, ToolRegistry } from '../../src/index.ts';
import { engineWith, recordingSink, tempDir } from './helpers.ts';

const controller = () => new AbortController();

function loopInput(llm: ScriptedLlm, tools: ToolDefinition[] = [], overrides: Record<string, unknown> = {}) {
  const sink = recordingSink();
  const ctl = controller();
  return {
    sink,
    ctl,
    input: {
      client: llm,
      model: 'test-model',
      messages: [
        { role: 'system', content: 'sys' },
        { role: 'user', content: 'hi' },
      ] as LlmMessage[],
      tools: new ToolRegistry(tools, { timeoutMs: 1000, maxResultChars: 4000 }),
      toolContext: { runId: 'run-1', workspaceDir: tempDir() },
      maxTokens: 4096,
      maxIterations: 10,
      signal: ctl.signal,
      sink,
      ...overrides,
    },
  };
}

const echoTool = (name: string, onCall?: () => Promise<void>): ToolDefinition => ({
  name,
  description: `${name} tool`,
  parameters: {
    type: 'object',
    properties: { value: { type: 'string' } },
    required: ['value'],
    additionalProperties: false,
  },
  async execute(args) {
    await onCall?.();
    return { success: true, output: { echoed: args.value, by: name } };
  },
});

describe('runAgentLoop', () => {
  it('streams text deltas as tokens and completes with exactly the streamed content', async () => {
    const llm = new ScriptedLlm([textTurn('Hel', 'lo', ' world')]);
    const { input, sink } = loopInput(llm);
    const result = await runAgentLoop(input);
    expect(result.status).toBe('completed');
    expect(sink.events.filter((e) => e.type === 'token').map((e) => e.payload.text)).toEqual(['Hel', 'lo', ' world']);
    expect(result.content).toBe('Hello world');
    expect(result.answer).toBe('Hello world');
    expect(result.tokenCount).toBe(3);
    expect(llm.requests[0]?.tools).toBeUndefined();
    expect(llm.requests[0]?.max_tokens).toBe(4096);
  });

  it('reassembles streamed tool calls, runs them in parallel and feeds the results back', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const slow = async () => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      // Sequential calls would never see each other: the wait fails instead of passing by luck.
      await waitUntil(() => maxInFlight === 2, 2000, 'both tool calls in flight at once');
      inFlight -= 1;
    };
    const llm = new ScriptedLlm([
      toolTurn(
        [
          { id: 'call_a', name: 'alpha', args: { value: 'one' } },
          { id: 'call_b', name: 'beta', args: { value: 'two' } },
        ],
        'Let me check.',
      ),
      textTurn('Both ', 'done.'),
    ]);
    const { input, sink } = loopInput(llm, [echoTool('alpha', slow), echoTool('beta', slow)]);
    const result = await runAgentLoop(input);
    expect(result.status).toBe('completed');
    expect(maxInFlight).toBe(2);
    expect(result.iterations).toBe(2);
    // The second turn's text is set off from the first, in the stream as well as in the saved content.
    expect(result.content).toBe('Let me check.\n\nBoth done.');
    expect(sink.text()).toBe(result.content);
    expect(result.answer).toBe('Both done.');
    const second = llm.requests[1]?.messages ?? [];
    const assistant = second.find((m) => m.role === 'assistant');
    expect(assistant?.tool_calls).toEqual([
      { id: 'call_a', name: 'alpha', arguments: '{"value":"one"}' },
      { id: 'call_b', name: 'beta', arguments: '{"value":"two"}' },
    ]);
    const toolMessages = second.filter((m) => m.role === 'tool');
    expect(toolMessages.map((m) => m.tool_call_id)).toEqual(['call_a', 'call_b']);
    expect(JSON.parse(toolMessages[0]?.content ?? '')).toEqual({ echoed: 'one', by: 'alpha' });
    const types = sink.events.map((e) => e.type);
    expect(types.filter((t) => t === 'tool_call_start')).toHaveLength(2);
    expect(types.filter((t) => t === 'tool_call_end')).toHaveLength(2);
    expect(types.indexOf('tool_call_start')).toBeLessThan(types.indexOf('tool_call_end'));
    // Without a meter the loop still reports the tokens; cost is 0 (nothing to price it with).
    expect(sink.events.find((e) => e.type === 'usage')?.payload).toEqual({
      input_tokens: 10,
      output_tokens: 5,
      total_tokens: 15,
      cached_tokens: 0,
      reasoning_tokens: 0,
      cost_usd: 0,
      call: {
        model: 'test-model',
        input_tokens: 10,
        output_tokens: 5,
        cached_tokens: 0,
        reasoning_tokens: 0,
        cost_usd: 0,
        duration_ms: expect.any(Number),
      },
    });
    expect(result.steps.map((s) => [s.name, s.status])).toEqual([
      ['alpha', 'completed'],
      ['beta', 'completed'],
    ]);
    expect(result.transcript.map((m) => m.role)).toEqual(['assistant', 'tool', 'tool', 'assistant']);
  });

  it('turns a bad tool call into an error result the model can react to', async () => {
    const llm = new ScriptedLlm([
      toolTurn([{ id: 'c1', name: 'alpha', args: { wrong: 1 } }]),
      toolTurn([{ id: 'c2', name: 'nope', args: {} }]),
      textTurn('ok'),
    ]);
    const { input, sink } = loopInput(llm, [echoTool('alpha')]);
    const result = await runAgentLoop(input);
    expect(result.status).toBe('completed');
    const ends = sink.events.filter((e) => e.type === 'tool_call_end').map((e) => e.payload);
    expect(ends[0]).toMatchObject({ tool_id: 'c1', success: false });
    expect(String(ends[0]?.result)).toMatch(/^Error: invalid arguments for alpha: .*value/);
    expect(String(ends[1]?.result)).toMatch(/unknown tool "nope" \(available: alpha\)/);
    expect(result.steps.map((s) => s.status)).toEqual(['failed', 'failed']);
  });

  it('stops at the iteration limit', async () => {
    const turns = Array.from({ length: 3 }, (_, i) => toolTurn([{ id: `c${i}`, name: 'alpha', args: { value: 'x' } }]));
    const llm = new ScriptedLlm(turns);
    const { input } = loopInput(llm, [echoTool('alpha')], { maxIterations: 3 });
    const result = await runAgentLoop(input);
    expect(result.status).toBe('max_iterations');
    expect(result.error).toBe('reached the maximum of 3 iterations');
    expect(result.iterations).toBe(3);
    expect(llm.requests).toHaveLength(3);
  });

  it('fails a response cut off at max_tokens, keeping what was streamed', async () => {
    const llm = new ScriptedLlm([
      {
        chunks: [
          { type: 'text', text: 'partial' },
          { type: 'finish', finish_reason: 'max_tokens' },
        ],
      },
    ]);
    const { input } = loopInput(llm, [], { maxTokens: 10 });
    const result = await runAgentLoop(input);
    expect(result).toMatchObject({
      status: 'failed',
      content: 'partial',
      error: 'the response was cut off at max_tokens (10)',
    });
  });

  it('fails with the provider error and keeps it for callers that map it', async () => {
    const llm = new ScriptedLlm([{ error: new LlmError('anthropic rejected the key (401)', 'auth', 401) }]);
    const { input } = loopInput(llm);
    const result = await runAgentLoop(input);
    expect(result.status).toBe('failed');
    expect(result.error).toBe('anthropic rejected the key (401)');
    expect(result.llmError?.kind).toBe('auth');
  });

  it('ends as cancelled with the partial content when aborted mid-stream', async () => {
    const llm = new ScriptedLlm([{ hangAfter: [{ type: 'text', text: 'Once upon' }] }]);
    const { input, ctl, sink } = loopInput(llm);
    const running = runAgentLoop(input);
    await waitUntil(() => sink.text() === 'Once upon', 2000, 'the partial text streamed');
    ctl.abort();
    const result = await running;
    expect(result).toMatchObject({ status: 'cancelled', content: 'Once upon' });
  });

  it('forwards thinking separately from the answer', async () => {
    const llm = new ScriptedLlm([
      {
        chunks: [
          { type: 'thinking', text: 'hmm' },
          { type: 'text', text: 'answer' },
          { type: 'finish', finish_reason: 'stop' },
        ],
      },
    ]);
    const { input, sink } = loopInput(llm);
    const result = await runAgentLoop(input);
    expect(result.content).toBe('answer');
    expect(sink.events[0]).toEqual({ type: 'thinking', payload: { content: 'hmm' } });
  });
});

describe('AgentEngine', () => {
  it('sends the temperature only to models that support it (agent value, else the default)', async () => {
    const llm = new ScriptedLlm([textTurn('a'), textTurn('b'), textTurn('c')]);
    const engine = engineWith(llm);
    const run = async (node: Parameters<typeof engine.prepare>[0]['node']) => {
      const prepared = await engine.prepare({ id: 'agent-1', node });
      await engine.run(prepared, {
        runId: 'r',
        history: [],
        input: 'x',
        signal: controller().signal,
        sink: recordingSink(),
      });
    };
    await run({ model: 'claude-sonnet-4-6', temperature: 0.2 });
    await run({ model: 'claude-haiku-4-5' });
    await run({ model: 'gpt-5', temperature: 0.2 });
    expect(llm.requests.map((r) => r.temperature)).toEqual([0.2, 0.7, undefined]);
    expect(llm.requests.map((r) => r.model)).toEqual(['claude-sonnet-4-6', 'claude-haiku-4-5', 'gpt-5']);
  });

  it('sends the system prompt, the last history-window messages and the input', async () => {
    const llm = new ScriptedLlm([textTurn('ok')]);
    const engine = engineWith(llm, { limits: { historyWindow: 2 } });
    const prepared = await engine.prepare({ id: 'a', node: { model: 'sonnet', prompt: 'Be terse.' } });
    const history: LlmMessage[] = ['m1', 'm2', 'm3'].map((content, i) => ({
      role: i % 2 ? 'assistant' : 'user',
      content,
    }));
    await engine.run(prepared, {
      runId: 'r',
      history,
      input: 'now',
      signal: controller().signal,
      sink: recordingSink(),
    });
    expect(llm.requests[0]?.messages).toEqual([
      { role: 'system', content: 'Be terse.' },
      { role: 'assistant', content: 'm2' },
      { role: 'user', content: 'm3' },
      { role: 'user', content: 'now' },
    ]);
  });

  it('refuses agents without a model or with an unknown one, before calling anything', async () => {
    const llm = new ScriptedLlm([]);
    const engine = engineWith(llm);
    const noModel = await engine.prepare({ id: 'a1', name: 'writer', node: {} }).catch((e: unknown) => e);
    expect(noModel).toMatchObject({
      message: 'Agent writer (a1) has no model; choose one for it',
      reason: 'NO_MODEL',
      details: { agent_id: 'a1', agent_name: 'writer' },
    });
    expect((noModel as Error).message).not.toMatch(/restflow /);
    await expect(engine.prepare({ node: { model: 'gpt-99' } })).rejects.toMatchObject({
      message: 'The inline agent uses the unknown model "gpt-99"',
      reason: 'UNKNOWN_MODEL',
    });
    expect(llm.requests).toHaveLength(0);
  });

  it('refuses a retired model naming its replacement, and warns about one that retires soon', async () => {
    const llm = new ScriptedLlm([]);
    const at = (iso: string) => engineWith(llm, { now: () => Date.parse(iso) });
    const engine = at('2026-12-04T12:00:00Z');
    for (const model of ['claude-sonnet-4-5', 'anthropic:claude-sonnet-4-5-20250929']) {
      await expect(engine.prepare({ id: 'a1', name: 'old', node: { model } })).rejects.toMatchObject({
        reason: 'MODEL_RETIRED',
        details: { agent_id: 'a1', model, retired_on: '2026-11-30', replacement: 'claude-sonnet-5-5' },
      });
    }
    await expect(engine.prepare({ node: { model: 'claude-opus-4-1' } })).rejects.toThrow(
      'The inline agent uses claude-opus-4-1, which its provider retired on 2026-08-07; switch it to claude-opus-5-5',
    );
    // The day before its end of life the model still runs, with a warning.
    const before = await at('2026-11-29T23:59:59Z').prepare({ node: { model: 'claude-sonnet-4-5' } });
    expect(before.model).toMatchObject({ provider: 'anthropic', api_model: 'claude-sonnet-4-5' });
    expect(before.warnings).toEqual(['claude-sonnet-4-5 retires on 2026-11-30; switch to claude-sonnet-5-5']);
    const opus45 = await engine.prepare({ node: { model: 'claude-opus-4-5' } });
    expect(opus45.warnings).toContain('claude-opus-4-5 retires on 2027-01-22; switch to claude-opus-5-5');
    expect(llm.requests).toHaveLength(0);
  });

  it('builds tools from the allow-list and warns about unknown names and missing skills', async () => {
    const engine = engineWith(new ScriptedLlm([]), {
      skills: {
        list: () => [],
        find: (id) => (id === 'tone' ? { id, name: 'Tone', content: 'Speak like {{who}}.' } : undefined),
      },
    });
    const prepared = await engine.prepare({
      id: 'a',
      node: {
        model: 'sonnet',
        tools: ['python', 'read', 'teleport'],
        skills: ['tone', 'ghost'],
        skill_variables: { who: 'a pirate' },
      },
    });
    expect(prepared.tools.names().sort()).toEqual(['file', 'run_python']);
    expect(prepared.warnings).toEqual(['skill ghost not found', 'unknown tool teleport']);
    expect(prepared.systemPrompt).toContain('## Skill: Tone\n\nSpeak like a pirate.');
    expect(prepared.systemPrompt).toContain('### run_python');
  });
});
