import { describe, expect, it } from '@jest/globals';
import { createTestCaller, createTestServices, errorOf } from '@restflow/testkit';

function setup() {
  const services = createTestServices();
  const { caller } = createTestCaller(services);
  const agent = services.agents.create('Helper', { model: 'gpt-5' });
  return { services, caller, agent };
}

describe('sessions router', () => {
  it('creates, adds messages, gets the wire shape, lists, renames, updates and deletes', async () => {
    const { services, caller, agent } = setup();
    const created = await caller.sessions.create();
    expect(created).toMatchObject({ name: 'New Chat', agent_id: agent.id, model: 'gpt-5', messages: [] });

    const afterUser = await caller.sessions.messages.create({
      session_id: created.id.slice(0, 8),
      role: 'user',
      content: 'Plan a trip to Lisbon in May',
    });
    expect(afterUser.name).toBe('Plan a trip to Lisbon in May');
    services.clock.advance(100);
    const afterAssistant = await caller.sessions.messages.create({
      session_id: created.id,
      role: 'assistant',
      content: 'Here is a plan.',
      execution: {
        steps: [{ step_type: 'llm', name: 'gpt-5', status: 'completed', duration_ms: 90 }],
        duration_ms: 95,
        tokens_used: 120,
        status: 'completed',
      },
    });
    expect(afterAssistant.metadata).toEqual({ total_tokens: 120, message_count: 2 });
    expect(afterAssistant.messages[0]).toEqual({
      id: expect.any(String),
      role: 'user',
      content: 'Plan a trip to Lisbon in May',
      timestamp: created.created_at,
    });

    const fetched = await caller.sessions.get({ id: created.id });
    expect(fetched).toEqual(afterAssistant);
    expect(await caller.sessions.messages.list({ session_id: created.id, limit: 1 })).toEqual([
      afterAssistant.messages[1],
    ]);

    const [summary] = await caller.sessions.list();
    expect(summary).toEqual({
      id: created.id,
      name: 'Plan a trip to Lisbon in May',
      agent_id: agent.id,
      model: 'gpt-5',
      message_count: 2,
      updated_at: created.created_at + 100,
      last_message_preview: 'Here is a plan.',
    });
    expect(await caller.sessions.summary({ id: created.id })).toEqual(summary);
    expect(await caller.sessions.list({ agent_id: agent.id })).toEqual([summary]);
    expect(await caller.sessions.list({ skill_id: 'none' })).toEqual([]);
    expect(await caller.sessions.count()).toBe(1);

    expect((await caller.sessions.update({ id: created.id, name: 'Lisbon' })).name).toBe('Lisbon');
    const updated = await caller.sessions.update({ id: created.id, model: 'sonnet' });
    expect(updated.model).toBe('claude-sonnet-5-5');

    expect(await caller.sessions.delete({ id: created.id })).toEqual({ deleted: true, id: created.id });
    expect(await caller.sessions.count()).toBe(0);
  });

  it('creates with an explicit agent, model, name and skill', async () => {
    const { services, caller } = setup();
    const other = services.agents.create('Other', {});
    services.skills.create({ id: 'travel', name: 'Travel', content: '' });
    const session = await caller.sessions.create({
      agent_id: other.id,
      model: 'default',
      name: 'Trip',
      skill_id: 'travel',
    });
    expect(session).toMatchObject({ agent_id: other.id, model: 'default', name: 'Trip', skill_id: 'travel' });
    expect((await caller.sessions.list({ skill_id: 'travel' })).map((s) => s.id)).toEqual([session.id]);
  });

  it('searches names and messages with match counts and previews', async () => {
    const { caller, agent } = setup();
    const a = await caller.sessions.create({ name: 'Budget' });
    await caller.sessions.messages.create({ session_id: a.id, role: 'user', content: 'What is the travel budget?' });
    await caller.sessions.messages.create({ session_id: a.id, role: 'assistant', content: 'The Budget is 2000 EUR.' });
    await caller.sessions.create({ name: 'Other topic' });
    const hits = await caller.sessions.search({ query: 'budget', agent_id: agent.id });
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ id: a.id, match_count: 2, match_preview: 'What is the travel budget?' });
  });

  it('deletes sessions older than a cutoff', async () => {
    const { services, caller } = setup();
    await caller.sessions.create();
    services.clock.advance(1000);
    const kept = await caller.sessions.create();
    expect(await caller.sessions.clear({ older_than_ms: kept.created_at })).toEqual({ deleted_count: 1 });
    expect((await caller.sessions.list()).map((s) => s.id)).toEqual([kept.id]);
  });

  it('maps NOT_FOUND, BAD_REQUEST naming the field, and PRECONDITION_FAILED without agents', async () => {
    const bare = createTestCaller().caller;
    expect((await errorOf(bare.sessions.create())).code).toBe('PRECONDITION_FAILED');

    const { caller } = setup();
    for (const call of [
      caller.sessions.get({ id: 'nope' }),
      caller.sessions.delete({ id: 'nope' }),
      caller.sessions.update({ id: 'nope', name: 'x' }),
      caller.sessions.messages.create({ session_id: 'nope', role: 'user', content: 'x' }),
      caller.sessions.messages.list({ session_id: 'nope' }),
    ]) {
      const error = await errorOf(call);
      expect(error.code).toBe('NOT_FOUND');
      expect(error.message).toBe('Chat session nope not found');
    }
    const noAgent = await errorOf(caller.sessions.create({ agent_id: 'ghost' }));
    expect(noAgent.code).toBe('NOT_FOUND');
    expect(noAgent.message).toBe('Agent ghost not found');

    const session = await caller.sessions.create();
    // Calls start one at a time: a rejection made early would be unhandled until the loop reached it.
    const cases: [() => Promise<unknown>, RegExp][] = [
      [() => caller.sessions.create({ model: 'gpt-0' }), /model: unknown model "gpt-0"/],
      [() => caller.sessions.update({ id: session.id, name: '  ' }), /name/],
      [() => caller.sessions.messages.create({ session_id: session.id, role: 'tool' as never, content: 'x' }), /role/],
      [
        () =>
          caller.sessions.messages.create({
            session_id: session.id,
            role: 'assistant',
            content: 'x',
            execution: { steps: [], duration_ms: 0, tokens_used: -1, status: 'completed' },
          }),
        /execution\.tokens_used/,
      ],
      [() => caller.sessions.messages.list({ session_id: session.id, limit: 0 }), /limit/],
      [() => caller.sessions.search({ query: ' ' }), /query/],
      [() => caller.sessions.clear({ older_than_ms: -5 }), /older_than_ms/],
      [() => caller.sessions.update({ id: session.id, colour: 'red' } as never), /colour|Unrecognized/i],
    ];
    for (const [call, message] of cases) {
      const error = await errorOf(call());
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.message).toMatch(message);
    }
  });
});
