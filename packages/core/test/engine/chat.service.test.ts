import { describe, expect, it } from '@jest/globals';
import { createTestServices, ScriptedLlm, scriptedFactory, textTurn, toolTurn } from '@restflow/testkit';
import {
  ConflictError,
  createAgentRuntime,
  LlmError,
  RateLimitedError,
  UnauthorizedError,
  UnavailableError,
} from '../../src/index.ts';

function setup(llm: ScriptedLlm, env: NodeJS.ProcessEnv = { ANTHROPIC_API_KEY: 'sk-test' }) {
  const services = createTestServices({ env });
  const factory = scriptedFactory(llm);
  const runtime = createAgentRuntime(services, {
    ...services,
    llm: factory,
    batching: { intervalMs: 5, maxChars: 100 },
  });
  return { services, runtime, factory };
}

describe('ChatService', () => {
  it('send: records the turn, streams the reply into the assistant message and saves it with its execution', async () => {
    const llm = new ScriptedLlm([
      toolTurn([{ id: 'c1', name: 'file', args: { action: 'write', path: 'a.txt', content: 'x' } }], 'Writing.'),
      textTurn('Saved ', 'it.'),
    ]);
    const { services, runtime, factory } = setup(llm);
    const agent = services.agents.create('writer', { model: 'sonnet', tools: ['file'] });
    const session = services.sessions.create({ agent_id: agent.id });
    const sent = await runtime.chat.send({ session_id: session.id, content: 'save a file' });
    expect(sent.session_id).toBe(session.id);
    expect(services.sessions.getMessage(sent.message_id)).toMatchObject({
      role: 'assistant',
      content: '',
      execution: { status: 'running' },
    });
    const outcome = await runtime.runs.wait(sent.run_id);
    expect(outcome?.status).toBe('completed');
    const message = services.sessions.getMessage(sent.message_id);
    const streamed = services.events
      .listAfter(sent.run_id)
      .filter((e) => e.type === 'token')
      .map((e) => e.payload.text)
      .join('');
    expect(message.content).toBe('Writing.\n\nSaved it.');
    expect(message.content).toBe(streamed);
    expect(message.execution).toMatchObject({
      status: 'completed',
      tokens_used: 15,
      steps: [{ step_type: 'tool_call', name: 'file', status: 'completed' }],
    });
    // The model that answered stays with the message (the run's started event names it).
    const started = services.events.listAfter(sent.run_id).find((e) => e.type === 'started');
    expect(message.execution?.model).toBe(started?.payload.model);
    expect(message.execution?.model).toEqual(expect.any(String));
    expect(message.execution?.error).toBeUndefined();
    const history = services.sessions.recentMessages(session.id, 10);
    expect(history.map((m) => [m.role, m.content])).toEqual([
      ['user', 'save a file'],
      ['assistant', 'Writing.\n\nSaved it.'],
    ]);
    expect(runtime.runs.get(sent.run_id)).toMatchObject({
      kind: 'chat',
      session_id: session.id,
      message_id: sent.message_id,
    });
    expect(factory.keys).toEqual(['sk-test']);
  });

  it('send: passes earlier turns as history, creates a session for an agent, and refuses a second concurrent turn', async () => {
    const llm = new ScriptedLlm([textTurn('first answer'), { hangAfter: [{ type: 'text', text: '…' }] }]);
    const { services, runtime } = setup(llm);
    const agent = services.agents.create('a', { model: 'sonnet' });
    const first = await runtime.chat.send({ agent_id: agent.id, content: 'one' });
    await runtime.runs.wait(first.run_id);
    const second = await runtime.chat.send({ session_id: first.session_id, content: 'two' });
    expect(llm.requests[1]?.messages.slice(1)).toEqual([
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'first answer' },
      { role: 'user', content: 'two' },
    ]);
    await expect(runtime.chat.send({ session_id: first.session_id, content: 'three' })).rejects.toThrow(ConflictError);
    await runtime.runs.cancel(second.run_id);
    expect(services.sessions.getMessage(second.message_id)).toMatchObject({
      content: '…',
      execution: { status: 'cancelled' },
    });
    await expect(runtime.chat.send({ content: 'x' })).rejects.toThrow('chat.send needs a session or an agent');
  });

  it('send: a provider error fails the turn and the message keeps the reason', async () => {
    const llm = new ScriptedLlm([{ error: new LlmError('upstream 503', 'server', 503) }]);
    const { services, runtime } = setup(llm);
    const agent = services.agents.create('a', { model: 'sonnet' });
    const sent = await runtime.chat.send({ agent_id: agent.id, content: 'hi' });
    expect((await runtime.runs.wait(sent.run_id))?.status).toBe('failed');
    const execution = services.sessions.getMessage(sent.message_id).execution;
    expect(execution?.status).toBe('failed');
    expect(execution?.error).toMatch(/upstream 503/);
  });

  it('a first send that cannot start (no model, no key) leaves no empty session behind', async () => {
    const { services, runtime } = setup(new ScriptedLlm([]), {});
    const noModel = services.agents.create('bare');
    await expect(runtime.chat.send({ agent_id: noModel.id, content: 'hi' })).rejects.toMatchObject({
      reason: 'NO_MODEL',
    });
    const noKey = services.agents.create('keyless', { model: 'gpt-5' });
    await expect(runtime.chat.send({ agent_id: noKey.id, content: 'hi' })).rejects.toMatchObject({
      reason: 'NO_API_KEY',
      details: { provider: 'openai', key_name: 'OPENAI_API_KEY' },
    });
    expect(services.sessions.list()).toEqual([]);
  });

  it('fails fast with a clear error when no API key is configured, writing nothing', async () => {
    const { services, runtime } = setup(new ScriptedLlm([]), {});
    const agent = services.agents.create('a', { model: 'sonnet' });
    const session = services.sessions.create({ agent_id: agent.id });
    const attempt = runtime.chat.send({ session_id: session.id, content: 'hi' });
    await expect(attempt).rejects.toThrow(UnavailableError);
    await expect(attempt).rejects.toThrow(/No API key for anthropic: set the secret ANTHROPIC_API_KEY/);
    expect(services.sessions.recentMessages(session.id, 10)).toEqual([]);
    expect(runtime.runs.list()).toEqual([]);
  });

  it('execute: returns the AgentExecuteResponse and mirrors the turn into a session when asked', async () => {
    const llm = new ScriptedLlm([
      toolTurn([{ id: 'c1', name: 'skill', args: { action: 'list' } }]),
      textTurn('No skills.'),
    ]);
    const { services, runtime } = setup(llm);
    const agent = services.agents.create('a', { model: 'sonnet', prompt: 'Be brief.', tools: ['skill'] });
    const session = services.sessions.create({ agent_id: agent.id });
    const response = await runtime.chat.execute(agent.id.slice(0, 8), 'what skills?', session.id);
    expect(response.response).toBe('No skills.');
    expect(response.execution_details).toMatchObject({ iterations: 2, total_tokens: 15, status: 'completed' });
    expect(response.execution_details?.steps.map((s) => s.step_type)).toEqual([
      'system',
      'user',
      'tool_call',
      'tool_result',
      'assistant',
    ]);
    expect(response.execution_details?.steps[2]?.tool_calls).toEqual([
      { id: 'c1', name: 'skill', arguments: '{"action":"list"}' },
    ]);
    expect(services.sessions.recentMessages(session.id, 10).map((m) => m.content)).toEqual([
      'what skills?',
      'No skills.',
    ]);
    expect(runtime.runs.get(response.run_id).kind).toBe('exec');
  });

  it('executeInline: runs an unsaved agent; max iterations and provider errors are reported', async () => {
    const llm = new ScriptedLlm([
      textTurn('inline ok'),
      { error: new LlmError('the provider rejected the API key (401)', 'auth', 401) },
      { error: new LlmError('rate limited (429) after 3 retries', 'rate_limit', 429) },
      { error: new LlmError('upstream 503', 'server', 503) },
    ]);
    const { runtime } = setup(llm);
    expect((await runtime.chat.executeInline({ model: 'sonnet' }, 'hi')).response).toBe('inline ok');
    await expect(runtime.chat.executeInline({ model: 'sonnet' }, 'hi')).rejects.toThrow(UnauthorizedError);
    await expect(runtime.chat.executeInline({ model: 'sonnet' }, 'hi')).rejects.toThrow(RateLimitedError);
    await expect(runtime.chat.executeInline({ model: 'sonnet' }, 'hi')).rejects.toThrow('upstream 503');

    const looping = new ScriptedLlm([toolTurn([{ id: 'c', name: 'skill', args: { action: 'list' } }])]);
    const services = createTestServices({ env: { ANTHROPIC_API_KEY: 'k' } });
    const limited = createAgentRuntime(services, {
      ...services,
      llm: scriptedFactory(looping),
      limits: { maxIterations: 1 },
    });
    const response = await limited.chat.executeInline({ model: 'sonnet', tools: ['skill'] }, 'loop');
    expect(response.execution_details?.status).toBe('max_iterations');
  });

  it('takes its limits from the daemon env (RESTFLOW_MAX_ITERATIONS …); explicit limits win, nonsense is ignored', async () => {
    const env = {
      ANTHROPIC_API_KEY: 'k',
      RESTFLOW_MAX_ITERATIONS: '1',
      RESTFLOW_TOOL_TIMEOUT_MS: '5000',
      RESTFLOW_TOOL_RESULT_MAX_CHARS: '100',
      RESTFLOW_HISTORY_WINDOW: 'lots',
      RESTFLOW_MAX_TOKENS: '-5',
    };
    const services = createTestServices({ env });
    const looping = new ScriptedLlm([toolTurn([{ id: 'c', name: 'skill', args: { action: 'list' } }])]);
    const runtime = createAgentRuntime(services, { ...services, llm: scriptedFactory(looping) });
    expect(runtime.engine.limits).toMatchObject({
      maxIterations: 1,
      toolTimeoutMs: 5000,
      maxToolResultChars: 100,
      historyWindow: 20,
      maxTokens: 4096,
    });
    const response = await runtime.chat.executeInline({ model: 'sonnet', tools: ['skill'] }, 'loop');
    expect(response.execution_details?.status).toBe('max_iterations');
    const explicit = createAgentRuntime(services, {
      ...services,
      llm: scriptedFactory(looping),
      limits: { maxIterations: 7 },
    });
    expect(explicit.engine.limits.maxIterations).toBe(7);
  });
});
