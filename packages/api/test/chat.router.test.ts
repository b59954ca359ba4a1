import { describe, expect, it } from '@jest/globals';
import type { RunStreamEvent } from '@restflow/core';
import {
  createTestCaller,
  createTestServices,
  errorOf,
  ScriptedLlm,
  scriptedFactory,
  textTurn,
  toolTurn,
  waitUntil,
} from '@restflow/testkit';

function setup(llm: ScriptedLlm, env: NodeJS.ProcessEnv = { ANTHROPIC_API_KEY: 'sk-test' }) {
  return createTestCaller(createTestServices({ env, llm: scriptedFactory(llm) }));
}

/** The caller yields tracked() tuples: [id, event]. */
async function collect(iterable: AsyncIterable<unknown>): Promise<{ id: string; event: RunStreamEvent }[]> {
  const seen: { id: string; event: RunStreamEvent }[] = [];
  for await (const item of iterable) {
    const [id, event] = item as [string, RunStreamEvent];
    seen.push({ id, event });
  }
  return seen;
}

describe('chat router', () => {
  it('send → onRun streams run events as tracked(seq) and completes after the terminal event', async () => {
    const llm = new ScriptedLlm([
      toolTurn([{ id: 'c1', name: 'skill', args: { action: 'list' } }]),
      textTurn('All ', 'good.'),
    ]);
    const { caller, services } = setup(llm);
    const agent = await caller.agents.create({ name: 'helper', agent: { model: 'sonnet', tools: ['skill'] } });
    const sent = await caller.chat.send({ agent_id: agent.id, content: 'hello' });
    const events = await collect(await caller.runs.onEvents({ run_id: sent.run_id }));
    expect(events.map((e) => e.id)).toEqual(events.map((e) => String(e.event.seq)));
    const kinds = events.map((e) => e.event.kind.type);
    expect(kinds[0]).toBe('started');
    expect(kinds.at(-1)).toBe('completed');
    expect(kinds).toEqual(expect.arrayContaining(['tool_call_start', 'tool_call_end', 'step', 'usage', 'token']));
    expect(events[0]?.event).toMatchObject({
      run_id: sent.run_id,
      session_id: sent.session_id,
      message_id: sent.message_id,
      kind: { type: 'started', model: 'claude-sonnet-5-5' },
    });
    const last = events.at(-1)?.event.kind;
    expect(last).toMatchObject({ type: 'completed', full_content: 'All good.' });
    expect(services.sessions.getMessage(sent.message_id).content).toBe('All good.');
    expect(await caller.runs.get({ id: sent.run_id.slice(0, 8) })).toMatchObject({
      status: 'completed',
      kind: 'chat',
    });
    expect((await caller.runs.list({ session_id: sent.session_id })).map((r) => r.id)).toEqual([sent.run_id]);
    expect(await caller.runs.list({ task_id: 'no-such-task' })).toEqual([]);

    // Resuming after an event id yields exactly the rest; resuming after the end completes at once.
    const resumed = await collect(await caller.runs.onEvents({ run_id: sent.run_id, lastEventId: '3' }));
    expect(resumed.map((e) => e.event.seq)).toEqual(events.slice(3).map((e) => e.event.seq));
    const done = await collect(await caller.runs.onEvents({ run_id: sent.run_id, lastEventId: events.at(-1)?.id }));
    expect(done).toEqual([]);
  });

  it('cancel stops a running reply and records cancelled with the partial content', async () => {
    const llm = new ScriptedLlm([{ hangAfter: [{ type: 'text', text: 'Partial' }] }]);
    const { caller, services } = setup(llm);
    const agent = await caller.agents.create({ name: 'a', agent: { model: 'sonnet' } });
    const session = await caller.sessions.create({ agent_id: agent.id });
    const sent = await caller.chat.send({ session_id: session.id, content: 'tell me' });
    const watching = collect(await caller.runs.onEvents({ run_id: sent.run_id }));
    // `started`, then the token batch of "Partial": the reply is under way.
    await waitUntil(() => services.runs.get(sent.run_id).last_seq >= 2, 5000, 'the first token event');
    const cancelled = await caller.runs.cancel({ id: sent.run_id });
    expect(cancelled.status).toBe('cancelled');
    const events = await watching;
    expect(events.at(-1)?.event.kind).toEqual({ type: 'cancelled', partial_content: 'Partial' });
  });

  it('maps errors: unknown run/session → NOT_FOUND, bad input → BAD_REQUEST, no key → PRECONDITION_FAILED', async () => {
    const { caller } = setup(new ScriptedLlm([]), {});
    const missingRun = await errorOf(collect(await caller.runs.onEvents({ run_id: 'nope' })));
    expect(missingRun.code).toBe('NOT_FOUND');
    expect(missingRun.message).toBe('Run nope not found');
    const badCursor = await errorOf(collect(await caller.runs.onEvents({ run_id: 'nope', lastEventId: 'x' })));
    expect(badCursor.code).toBe('NOT_FOUND');
    expect((await errorOf(caller.runs.cancel({ id: 'nope' }))).code).toBe('NOT_FOUND');
    expect((await errorOf(caller.chat.send({ session_id: 'nope', content: 'x' }))).code).toBe('NOT_FOUND');
    const neither = await errorOf(caller.chat.send({ content: 'x' }));
    expect(neither.code).toBe('BAD_REQUEST');
    expect(neither.message).toMatch(/session_id: session_id or agent_id is required/);
    const blank = await errorOf(caller.chat.send({ agent_id: 'a', content: '   ' }));
    expect(blank.message).toMatch(/content: content is required/);
    const agent = await caller.agents.create({ name: 'a', agent: { model: 'sonnet' } });
    const noKey = await errorOf(caller.chat.send({ agent_id: agent.id, content: 'hi' }));
    expect(noKey.code).toBe('PRECONDITION_FAILED');
    expect(noKey.message).toMatch(/No API key for anthropic/);
    const noModel = await caller.agents.create({ name: 'b' });
    expect((await errorOf(caller.agents.execute({ id: noModel.id, input: 'hi' }))).message).toMatch(/has no model/);
  });

  it('rejects a malformed lastEventId of an existing run', async () => {
    const llm = new ScriptedLlm([textTurn('x')]);
    const { caller, services } = setup(llm);
    const agent = await caller.agents.create({ name: 'a', agent: { model: 'sonnet' } });
    const sent = await caller.chat.send({ agent_id: agent.id, content: 'hi' });
    await services.runs.wait(sent.run_id);
    const bad = await errorOf(collect(await caller.runs.onEvents({ run_id: sent.run_id, lastEventId: '-1' })));
    expect(bad.code).toBe('BAD_REQUEST');
    expect(bad.message).toMatch(/lastEventId/);
  });
});

describe('agents.execute / executeInline', () => {
  it('returns AgentExecuteResponse; 401 → UNAUTHORIZED; 429 → TOO_MANY_REQUESTS', async () => {
    const { LlmError } = await import('@restflow/core');
    const llm = new ScriptedLlm([
      textTurn('Hi ', 'there'),
      textTurn('inline'),
      { error: new LlmError('anthropic rejected the API key (401)', 'auth', 401) },
      { error: new LlmError('rate limited (429)', 'rate_limit', 429) },
    ]);
    const { caller } = setup(llm);
    const agent = await caller.agents.create({ name: 'a', agent: { model: 'sonnet', prompt: 'Hi.' } });
    const session = await caller.sessions.create({ agent_id: agent.id });
    const response = await caller.agents.execute({ id: agent.id, input: 'hello', session_id: session.id });
    expect(response).toMatchObject({
      response: 'Hi there',
      execution_details: {
        iterations: 1,
        status: 'completed',
        steps: [{ step_type: 'system' }, { step_type: 'user' }, { step_type: 'assistant', content: 'Hi there' }],
      },
    });
    expect((await caller.sessions.get({ id: session.id })).messages.map((m) => m.content)).toEqual([
      'hello',
      'Hi there',
    ]);
    expect((await caller.agents.executeInline({ agent: { model: 'sonnet' }, input: 'x' })).response).toBe('inline');
    const unauthorized = await errorOf(caller.agents.executeInline({ agent: { model: 'sonnet' }, input: 'x' }));
    expect(unauthorized.code).toBe('UNAUTHORIZED');
    expect(unauthorized.message).toBe('anthropic rejected the API key (401)');
    expect((await errorOf(caller.agents.executeInline({ agent: { model: 'sonnet' }, input: 'x' }))).code).toBe(
      'TOO_MANY_REQUESTS',
    );
    expect((await errorOf(caller.agents.execute({ id: 'nope', input: 'x' }))).code).toBe('NOT_FOUND');
    expect((await errorOf(caller.agents.executeInline({ agent: { model: 'gpt-0' }, input: 'x' }))).code).toBe(
      'BAD_REQUEST',
    );
  });

  it('agents.run returns the run at once; runs.onEvents streams it; a session is used only when given', async () => {
    const llm = new ScriptedLlm([textTurn('One ', 'shot'), textTurn('In ', 'session')]);
    const { caller, services } = setup(llm);
    const agent = await caller.agents.create({ name: 'a', agent: { model: 'sonnet' } });
    const started = await caller.agents.run({ id: agent.id, input: 'go' });
    expect(started).toEqual({ run_id: expect.any(String), session_id: null, message_id: null });
    const events = await collect(await caller.runs.onEvents({ run_id: started.run_id }));
    expect(events.map((e) => e.event.kind.type)).toEqual(expect.arrayContaining(['started', 'token', 'completed']));
    expect(events.at(-1)?.event.kind).toMatchObject({ type: 'completed', full_content: 'One shot' });
    expect((await caller.runs.get({ id: started.run_id })).kind).toBe('exec');
    expect(await caller.sessions.list()).toEqual([]);

    const session = await caller.sessions.create({ agent_id: agent.id });
    const inSession = await caller.agents.run({ id: agent.id, input: 'again', session_id: session.id });
    expect(inSession).toMatchObject({ session_id: session.id, message_id: expect.any(String) });
    await services.runs.wait(inSession.run_id);
    expect((await caller.sessions.get({ id: session.id })).messages.map((m) => m.content)).toEqual([
      'again',
      'In session',
    ]);
    expect((await errorOf(caller.agents.run({ id: 'nope', input: 'x' }))).code).toBe('NOT_FOUND');
    const bad = await errorOf(caller.agents.run({ id: agent.id, input: '' }));
    expect(bad.code).toBe('BAD_REQUEST');
    expect(bad.message).toMatch(/input/);
  });
});
