// The recorder and replayer at the engine's ports (docs/record-replay.md), with a scripted provider and a real
// tool registry: what is kept, how secrets are redacted, and how a replay names the first divergence.
import { describe, expect, it } from '@jest/globals';
import { ScriptedLlm, textTurn, toolTurn } from '@restflow/testkit';
import {
  type CompletionRequest,
  describeRequestDifference,
  LlmError,
  Redactor,
  ReplayDivergenceError,
  RunRecorder,
  RunReplayer,
  type StreamChunk,
  ToolRegistry,
} from '../../src/index.ts';

const SECRET = 'hunter2-secret-value';

function redactor(): Redactor {
  const r = new Redactor();
  r.set('secrets', [SECRET]);
  return r;
}

const echo = {
  name: 'echo',
  description: 'repeats its text',
  parameters: { type: 'object', properties: { text: { type: 'string' } } },
  execute: async (args: Record<string, unknown>) => ({ success: true, output: `echo: ${String(args.text)}` }),
};

const meta = {
  run_id: 'run-1',
  recorded_at: 1,
  agent: { id: 'agent-1', name: 'a', model: 'claude-sonnet-5-5', provider: 'anthropic' as const },
  task_id: null,
  input: 'hi',
  history: [],
};

const request = (overrides: Partial<CompletionRequest> = {}): CompletionRequest => ({
  model: 'm',
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'hi' },
  ],
  tools: [{ name: 'echo', description: 'repeats', parameters: { type: 'object' } }],
  temperature: 0.7,
  max_tokens: 100,
  ...overrides,
});

async function drain(stream: AsyncIterable<StreamChunk>): Promise<StreamChunk[]> {
  const chunks: StreamChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

const signal = new AbortController().signal;
const toolCtx = { runId: 'run-1', workspaceDir: '/tmp', signal, events: { token() {}, thinking() {}, emit() {} } };

describe('RunRecorder', () => {
  it('keeps requests, chunks and tool results, with secrets redacted even when split across chunks', async () => {
    const recorder = new RunRecorder(meta);
    const llm = new ScriptedLlm([
      toolTurn([{ id: 't1', name: 'echo', args: { text: SECRET } }]),
      textTurn('The value is hunter2-', 'secret-value', ' — done'),
    ]);
    const client = recorder.client(llm);
    const tools = recorder.tools(new ToolRegistry([echo], { timeoutMs: 1000, maxResultChars: 4000 }));
    expect(tools.size).toBe(1);
    expect(tools.names()).toEqual(['echo']);
    await drain(client.stream(request({ messages: [{ role: 'system', content: `key ${SECRET}` }] }), signal));
    const result = await tools.execute(
      { id: 't1', name: 'echo', arguments: JSON.stringify({ text: SECRET }) },
      toolCtx,
    );
    expect(result.result).toBe(`echo: ${SECRET}`); // the registry here has no redactor: the recording must redact
    const streamed = await drain(client.stream(request(), signal));
    expect(streamed.filter((c) => c.type === 'text')).toHaveLength(3);

    const recording = recorder.recording(redactor());
    const text = JSON.stringify(recording);
    expect(text).not.toContain('hunter2');
    expect(recording).toMatchObject({ format: 'restflow.run-recording', version: 1, run_id: 'run-1' });
    expect(recording.exchanges[0]?.request.messages[0]?.content).toBe('key [redacted]');
    expect(recording.tool_results).toEqual([
      expect.objectContaining({ tool_id: 't1', tool_name: 'echo', success: true, result: 'echo: [redacted]' }),
    ]);
    // The split text became one redacted piece; untouched pieces stay as they came.
    expect(recording.exchanges[1]?.chunks.filter((c) => c.type === 'text')).toEqual([
      { type: 'text', text: 'The value is [redacted] — done' },
    ]);
    const argPieces = recording.exchanges[0]?.chunks.filter((c) => c.type === 'tool_call_delta' && c.arguments);
    expect(argPieces).toHaveLength(1);
  });

  it('keeps a provider error and lets it through', async () => {
    const recorder = new RunRecorder(meta);
    const client = recorder.client(new ScriptedLlm([{ error: new LlmError(`denied ${SECRET}`, 'auth', 401) }]));
    await expect(drain(client.stream(request(), signal))).rejects.toThrow('denied');
    expect(recorder.recording(redactor()).exchanges[0]?.error).toEqual({
      message: 'denied [redacted]',
      kind: 'auth',
      status: 401,
    });
  });
});

describe('RunReplayer', () => {
  async function recorded() {
    const recorder = new RunRecorder(meta);
    const client = recorder.client(
      new ScriptedLlm([toolTurn([{ id: 't1', name: 'echo', args: { text: 'x' } }]), textTurn('done')]),
    );
    const tools = recorder.tools(new ToolRegistry([echo], { timeoutMs: 1000, maxResultChars: 4000 }));
    await drain(client.stream(request(), signal));
    await tools.execute({ id: 't1', name: 'echo', arguments: JSON.stringify({ text: 'x' }) }, toolCtx);
    await drain(client.stream(request({ max_tokens: 200 }), signal));
    return recorder.recording(redactor());
  }

  it('serves the recorded chunks and tool results without calling anything', async () => {
    const recording = await recorded();
    const replayer = new RunReplayer(recording, redactor());
    const client = replayer.client('anthropic');
    const never = { ...echo, execute: async () => Promise.reject(new Error('a replay must not execute tools')) };
    const tools = replayer.tools(new ToolRegistry([never], { timeoutMs: 1000, maxResultChars: 4000 }));
    expect(tools.specs().map((s) => s.name)).toEqual(['echo']);
    expect(await drain(client.stream(request(), signal))).toEqual(recording.exchanges[0]?.chunks);
    expect(replayer.remaining()).toBe(1);
    const served = await tools.execute({ id: 't1', name: 'echo', arguments: JSON.stringify({ text: 'x' }) }, toolCtx);
    expect(served).toMatchObject({ tool_id: 't1', success: true, result: 'echo: x' });
    await expect(tools.execute({ id: 't9', name: 'echo', arguments: '{}' }, toolCtx)).rejects.toThrow(
      'tool call echo (t9) is not in the recording',
    );
    await expect(tools.execute({ id: 't1', name: 'echo', arguments: '{"text":"y"}' }, toolCtx)).rejects.toThrow(
      'differs from the recording',
    );
    // Request 2 was recorded with max_tokens 200.
    await expect(drain(client.stream(request(), signal))).rejects.toThrow(
      'replay diverged: request 2 differs: max_tokens changed: 200 → 100',
    );
    await expect(drain(client.stream(request(), signal))).rejects.toThrow(
      'request 3 was not recorded (the recording holds 2 provider call(s))',
    );
  });

  it('replays a recorded provider error as the same error', async () => {
    const recorder = new RunRecorder(meta);
    const client = recorder.client(new ScriptedLlm([{ error: new LlmError('overloaded', 'server', 529) }]));
    await expect(drain(client.stream(request(), signal))).rejects.toThrow('overloaded');
    const replayer = new RunReplayer(recorder.recording(redactor()), redactor());
    const error = await drain(replayer.client('anthropic').stream(request(), signal)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LlmError);
    expect(error).toMatchObject({ kind: 'server', status: 529 });
  });

  it('compares the live request redacted, as the recording was', async () => {
    const recorder = new RunRecorder(meta);
    const client = recorder.client(new ScriptedLlm([textTurn('ok')]));
    const withSecret = request({ messages: [{ role: 'system', content: `token ${SECRET}` }] });
    await drain(client.stream(withSecret, signal));
    const replayer = new RunReplayer(recorder.recording(redactor()), redactor());
    expect(await drain(replayer.client('anthropic').stream(withSecret, signal))).toEqual([
      { type: 'text', text: 'ok' },
      { type: 'finish', finish_reason: 'stop' },
    ]);
  });
});

describe('describeRequestDifference', () => {
  it('names the first difference, with a short diff', () => {
    expect(describeRequestDifference(request(), request())).toBeUndefined();
    expect(describeRequestDifference(request(), request({ model: 'n' }))).toBe('model changed: m → n');
    const prompt = describeRequestDifference(
      request(),
      request({
        messages: [
          { role: 'system', content: 'You are verbose.' },
          { role: 'user', content: 'hi' },
        ],
      }),
    );
    expect(prompt).toBe('system prompt changed\n  - You are terse.\n  + You are verbose.');
    const added = describeRequestDifference(request(), {
      ...request(),
      messages: [...request().messages, { role: 'user', content: 'more' }],
    });
    expect(added).toMatch(/^message 3 \(user\) was added/);
    const removed = describeRequestDifference(request(), { ...request(), messages: request().messages.slice(0, 1) });
    expect(removed).toMatch(/^message 2 \(user\) was removed/);
    const role = describeRequestDifference(request(), {
      ...request(),
      messages: [request().messages[0]!, { role: 'assistant', content: 'hi' }],
    });
    expect(role).toBe('message 2 (user) changed role: user → assistant');
    const calls = describeRequestDifference(
      {
        ...request(),
        messages: [{ role: 'assistant', content: '', tool_calls: [{ id: 'a', name: 'x', arguments: '{}' }] }],
      },
      { ...request(), messages: [{ role: 'assistant', content: '', tool_calls: [] }] },
    );
    expect(calls).toMatch(/^message 1 \(assistant\) changed its tool calls/);
    expect(describeRequestDifference(request(), request({ tools: [] }))).toBe('tools changed: removed echo');
    expect(
      describeRequestDifference(
        request(),
        request({ tools: [{ name: 'echo', description: 'repeats loudly', parameters: { type: 'object' } }] }),
      ),
    ).toMatch(/^tool echo's definition changed\n {2}- .*"repeats"/);
    expect(describeRequestDifference(request(), request({ temperature: undefined }))).toBe(
      'temperature changed: 0.7 → none',
    );
  });

  it('keeps long texts short around the change', () => {
    const long = 'a'.repeat(500);
    const diff = describeRequestDifference(
      request({ messages: [{ role: 'system', content: `${long}X${long}` }] }),
      request({ messages: [{ role: 'system', content: `${long}Y${long}` }] }),
    );
    expect(diff).toBe(
      `system prompt changed\n  - …${'a'.repeat(40)}X${'a'.repeat(40)}…\n  + …${'a'.repeat(40)}Y${'a'.repeat(40)}…`,
    );
  });

  it('ReplayDivergenceError carries a code clients can read', () => {
    expect(new ReplayDivergenceError('x').code).toBe('replay_diverged');
  });
});
