import { describe, expect, it } from '@jest/globals';
import { createTestServices, type TestServices } from '@restflow/testkit';
import { InvalidInputError, NotFoundError, UnavailableError } from '../src/index.ts';

function withAgent(): { s: TestServices; agentId: string } {
  const s = createTestServices();
  const agent = s.agents.create('Helper', { model: 'claude-sonnet-5-5' });
  return { s, agentId: agent.id };
}

describe('ChatSessionService: sessions', () => {
  it('creates with defaults: first agent, its model, "New Chat"', () => {
    const s = createTestServices();
    expect(() => s.sessions.create()).toThrow(UnavailableError);
    const first = s.agents.create('First', {});
    s.clock.advance(1);
    s.agents.create('Second', { model: 'gpt-5' });
    s.agents.update(first.id, { name: 'First (renamed later)' });
    const session = s.sessions.create();
    expect(session).toEqual({
      id: expect.any(String),
      name: 'New Chat',
      agent_id: first.id,
      model: 'default',
      messages: [],
      created_at: s.clock.now(),
      updated_at: s.clock.now(),
      metadata: { total_tokens: 0, message_count: 0 },
    });
  });

  it('takes the agent model, an explicit model (aliases normalised), name and skill', () => {
    const { s, agentId } = withAgent();
    expect(s.sessions.create({ agent_id: agentId }).model).toBe('claude-sonnet-5-5');
    s.skills.create({ id: 'writing', name: 'Writing', content: '' });
    const session = s.sessions.create({
      agent_id: agentId.slice(0, 8),
      model: 'opus',
      name: ' Plan ',
      skill_id: 'writing',
    });
    expect(session).toMatchObject({ agent_id: agentId, model: 'claude-opus-5-5', name: 'Plan', skill_id: 'writing' });
    expect(() => s.sessions.create({ agent_id: 'missing' })).toThrow(new NotFoundError('Agent', 'missing'));
    expect(() => s.sessions.create({ skill_id: 'missing' })).toThrow(new NotFoundError('Skill', 'missing'));
    expect(() => s.sessions.create({ model: 'gpt-0' })).toThrow(/model: unknown model "gpt-0"/);
    expect(() => s.sessions.create({ name: '  ' })).toThrow(/name: must not be empty/);
  });

  it('lists summaries newest first, by agent and by skill; counts; updates; renames; deletes', () => {
    const { s, agentId } = withAgent();
    const other = s.agents.create('Other', {});
    s.skills.create({ id: 'sk', name: 'Sk', content: '' });
    const a = s.sessions.create({ agent_id: agentId, skill_id: 'sk' });
    s.clock.advance(10);
    const b = s.sessions.create({ agent_id: other.id });
    expect(s.sessions.list().map((x) => x.id)).toEqual([b.id, a.id]);
    expect(s.sessions.count()).toBe(2);
    expect(s.sessions.list({ agent_id: agentId }).map((x) => x.id)).toEqual([a.id]);
    expect(s.sessions.list({ agent_id: other.id.slice(0, 6) }).map((x) => x.id)).toEqual([b.id]);
    expect(s.sessions.list({ agent_id: 'deleted-agent-id' })).toEqual([]);
    expect(s.sessions.list({ skill_id: 'sk' })).toEqual([
      {
        id: a.id,
        name: 'New Chat',
        agent_id: agentId,
        model: 'claude-sonnet-5-5',
        skill_id: 'sk',
        message_count: 0,
        updated_at: a.updated_at,
      },
    ]);

    s.clock.advance(10);
    const updated = s.sessions.update(a.id.slice(0, 8), { agent_id: other.id, model: 'default' });
    expect(updated).toMatchObject({ agent_id: other.id, model: 'default', updated_at: b.updated_at + 10 });
    expect(s.sessions.list()[0]?.id).toBe(a.id);
    expect(s.sessions.rename(a.id, 'Renamed').name).toBe('Renamed');
    expect(() => s.sessions.update(a.id, { agent_id: 'nope' })).toThrow(NotFoundError);
    expect(() => s.sessions.rename(a.id, '')).toThrow(InvalidInputError);

    expect(s.sessions.delete(a.id)).toEqual({ deleted: true, id: a.id });
    expect(s.sessions.exists(a.id)).toBe(false);
    expect(() => s.sessions.delete(a.id)).toThrow(NotFoundError);
    expect(() => s.sessions.get(a.id)).toThrow(`Chat session ${a.id} not found`);
  });

  it('resolves unique prefixes and rejects ambiguous ones', () => {
    let n = 0;
    const ids = ['agent-0001', 'abcd1111-a', 'abcd2222-b'];
    const s = createTestServices({ ids: { uuid: () => ids[n++] ?? `x-${n}` } });
    s.agents.create('A');
    s.sessions.create();
    s.sessions.create();
    expect(s.sessions.get('abcd2').id).toBe('abcd2222-b');
    expect(() => s.sessions.get('abcd')).toThrow(InvalidInputError);
    expect(() => s.sessions.get('zz')).toThrow(NotFoundError);
  });

  it('deletes sessions last updated before a cutoff, with their messages', () => {
    const { s, agentId } = withAgent();
    const old = s.sessions.create({ agent_id: agentId });
    s.sessions.appendMessage(old.id, { role: 'user', content: 'old' });
    s.clock.advance(1000);
    const cutoff = s.clock.now();
    const fresh = s.sessions.create({ agent_id: agentId });
    expect(s.sessions.deleteOlderThan(cutoff)).toBe(1);
    expect(s.sessions.list().map((x) => x.id)).toEqual([fresh.id]);
    expect(s.db.$client.prepare('SELECT count(*) AS n FROM chat_messages').get()).toEqual({ n: 0 });
  });
});

describe('ChatSessionService: messages', () => {
  it('adds messages: counts, tokens, updated_at, auto-name from the first user message, previews', () => {
    const { s, agentId } = withAgent();
    const session = s.sessions.create({ agent_id: agentId });
    s.clock.advance(5);
    s.sessions.addMessage(session.id, { role: 'system', content: 'You are terse.' });
    const afterUser = s.sessions.addMessage(session.id.slice(0, 8), {
      role: 'user',
      content: 'Please summarise   the quarterly report for me',
    });
    expect(afterUser.name).toBe('Please summarise the quarterly...');
    const full = s.sessions.addMessage(session.id, {
      role: 'assistant',
      content: 'x'.repeat(60),
      execution: {
        steps: [{ step_type: 'llm', name: 'call', status: 'completed' }],
        duration_ms: 12,
        tokens_used: 42,
        status: 'completed',
      },
    });
    s.sessions.addMessage(session.id, { role: 'user', content: 'second user message does not rename' });
    const plain = s.sessions.addMessage(session.id, { role: 'assistant', content: 'ok' });
    expect(plain.name).toBe('Please summarise the quarterly...');
    expect(plain.metadata).toEqual({ total_tokens: 42, message_count: 5 });
    expect(plain.updated_at).toBe(session.created_at + 5);
    expect(plain.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user', 'assistant']);
    expect(plain.messages[4]?.execution).toEqual({ steps: [], duration_ms: 0, tokens_used: 0, status: 'completed' });
    expect(plain.messages[1]?.execution).toBeUndefined();
    expect(full.messages[2]).toMatchObject({ timestamp: session.created_at + 5, execution: { tokens_used: 42 } });
    expect(s.sessions.summary(session.id).last_message_preview).toBe('ok');

    s.sessions.addMessage(session.id, { role: 'user', content: 'y'.repeat(51) });
    expect(s.sessions.list()[0]?.last_message_preview).toBe(`${'y'.repeat(50)}...`);
    // Counted in characters, in SQL (the list reads only the start of a message) as in the preview.
    s.sessions.addMessage(session.id, { role: 'assistant', content: '😀'.repeat(50) });
    expect(s.sessions.list()[0]?.last_message_preview).toBe('😀'.repeat(50));
    s.sessions.addMessage(session.id, { role: 'assistant', content: `${'é😀'.repeat(30)}${'z'.repeat(100_000)}` });
    expect(s.sessions.list()[0]?.last_message_preview).toBe(`${'é😀'.repeat(25)}...`);
    expect(s.sessions.summary(session.id).last_message_preview).toBe(`${'é😀'.repeat(25)}...`);
    // SQLite's substr stops at a NUL: such content is previewed from the whole text.
    s.sessions.addMessage(session.id, { role: 'assistant', content: `ab\0cd${'x'.repeat(60)}` });
    expect(s.sessions.list()[0]?.last_message_preview).toBe(`ab\0cd${'x'.repeat(45)}...`);
    expect(s.sessions.summary(session.id).last_message_preview).toBe(`ab\0cd${'x'.repeat(45)}...`);
    // A session without messages has no preview, in the list, its pages and its summary alike.
    const empty = s.sessions.create({ agent_id: session.agent_id, name: 'Empty' });
    expect(s.sessions.list().find((x) => x.id === empty.id)).not.toHaveProperty('last_message_preview');
    expect(s.sessions.listPage().items.find((x) => x.id === empty.id)).not.toHaveProperty('last_message_preview');
    expect(s.sessions.summary(empty.id)).not.toHaveProperty('last_message_preview');
    expect(s.sessions.listPage().items.find((x) => x.id === session.id)?.last_message_preview).toBe(
      `ab\0cd${'x'.repeat(45)}...`,
    );
  });

  it('keeps a custom name and a short first message whole', () => {
    const { s, agentId } = withAgent();
    const named = s.sessions.create({ agent_id: agentId, name: 'Mine' });
    expect(s.sessions.addMessage(named.id, { role: 'user', content: 'hello' }).name).toBe('Mine');
    const unnamed = s.sessions.create({ agent_id: agentId });
    expect(s.sessions.addMessage(unnamed.id, { role: 'user', content: 'hello there' }).name).toBe('hello there');
    const emoji = s.sessions.create({ agent_id: agentId });
    expect(s.sessions.addMessage(emoji.id, { role: 'user', content: '😀'.repeat(31) }).name).toBe(
      `${'😀'.repeat(30)}...`,
    );
  });

  it("stores a message's execution as JSON, and none as NULL (not the text 'null')", () => {
    const { s, agentId } = withAgent();
    const session = s.sessions.create({ agent_id: agentId });
    s.sessions.addMessage(session.id, { role: 'user', content: 'hello' });
    s.sessions.addMessage(session.id, { role: 'assistant', content: 'hi' });
    const stored = s.db.$client
      .prepare('SELECT role, execution FROM chat_messages WHERE session_id = ? ORDER BY seq')
      .all(session.id) as { role: string; execution: string | null }[];
    expect(stored[0]).toEqual({ role: 'user', execution: null });
    expect(JSON.parse(stored[1]?.execution ?? '')).toEqual({
      steps: [],
      duration_ms: 0,
      tokens_used: 0,
      status: 'completed',
    });
    expect(s.sessions.get(session.id).messages.map((m) => m.execution)).toEqual([
      undefined,
      { steps: [], duration_ms: 0, tokens_used: 0, status: 'completed' },
    ]);
  });

  it('serves the engine: append, update (tokens follow), get, recent messages, last N', () => {
    const { s, agentId } = withAgent();
    const session = s.sessions.create({ agent_id: agentId });
    const user = s.sessions.appendMessage(session.id, { role: 'user', content: 'hi' });
    expect(user).toMatchObject({ session_id: session.id, seq: 1, role: 'user', content: 'hi' });
    const streaming = s.sessions.appendMessage(session.id, {
      role: 'assistant',
      content: '',
      runId: 'run-1',
      model: 'claude-sonnet-5-5',
      execution: { steps: [], duration_ms: 0, tokens_used: 0, status: 'running' },
    });
    expect(streaming).toMatchObject({ seq: 2, run_id: 'run-1', execution: { status: 'running' } });
    s.clock.advance(50);
    const done = s.sessions.updateMessage(streaming.id, {
      content: 'Hello!',
      execution: { steps: [], duration_ms: 50, tokens_used: 30, status: 'completed' },
    });
    expect(done).toMatchObject({ id: streaming.id, seq: 2, content: 'Hello!', execution: { tokens_used: 30 } });
    const again = s.sessions.updateMessage(streaming.id, {
      execution: { steps: [], duration_ms: 50, tokens_used: 25, status: 'completed' },
    });
    expect(again.content).toBe('Hello!');
    const after = s.sessions.get(session.id);
    expect(after.metadata).toEqual({ total_tokens: 25, message_count: 2, last_model: 'claude-sonnet-5-5' });
    expect(after.updated_at).toBe(session.created_at + 50);
    expect(after.messages[1]).toEqual({
      id: streaming.id,
      role: 'assistant',
      content: 'Hello!',
      timestamp: session.created_at,
      execution: { steps: [], duration_ms: 50, tokens_used: 25, status: 'completed' },
      run_id: 'run-1',
    });
    expect(s.sessions.getMessage(user.id)).toEqual(user);
    expect(() => s.sessions.getMessage('nope')).toThrow(new NotFoundError('Chat message', 'nope'));
    expect(() => s.sessions.updateMessage('nope', { content: '' })).toThrow(NotFoundError);
    expect(() => s.sessions.appendMessage('nope', { role: 'user', content: '' })).toThrow(NotFoundError);

    for (let i = 0; i < 3; i++) s.sessions.appendMessage(session.id, { role: 'user', content: `m${i}` });
    expect(s.sessions.recentMessages(session.id, 2).map((m) => [m.seq, m.content])).toEqual([
      [4, 'm1'],
      [5, 'm2'],
    ]);
    expect(s.sessions.messages(session.id, 3).map((m) => m.content)).toEqual(['m0', 'm1', 'm2']);
    expect(s.sessions.messages(session.id)).toHaveLength(5);
    expect(s.sessions.messages(session.id, 0)).toEqual([]);
  });
});

describe('ChatSessionService: search', () => {
  it('matches names and messages case-insensitively with counts and a preview of the first match', () => {
    const { s, agentId } = withAgent();
    const other = s.agents.create('Other', {});
    const a = s.sessions.create({ agent_id: agentId, name: 'Deploy plan' });
    s.sessions.appendMessage(a.id, {
      role: 'user',
      content: 'How do I roll back a DEPLOYMENT safely when the canary fails?',
    });
    s.sessions.appendMessage(a.id, { role: 'assistant', content: 'Redeploy the previous build.' });
    s.clock.advance(1);
    const b = s.sessions.create({ agent_id: other.id, name: 'Deployments' });
    s.clock.advance(1);
    const c = s.sessions.create({ agent_id: agentId, name: 'Unrelated' });
    s.sessions.appendMessage(c.id, { role: 'user', content: 'Literal 100%_done marker' });

    const hits = s.sessions.search('deploy');
    expect(hits.map((h) => [h.id, h.match_count])).toEqual([
      [b.id, 0],
      [a.id, 2],
    ]);
    expect(hits[0]?.match_preview).toBeUndefined();
    expect(hits[1]?.match_preview).toBe('How do I roll back a DEPLOYMENT safely when the canary fa...');
    expect(hits[1]?.last_message_preview).toBe('Redeploy the previous build.');
    expect(s.sessions.search('DEPLOY', { agent_id: other.id }).map((h) => h.id)).toEqual([b.id]);
    expect(s.sessions.search('%_d').map((h) => h.id)).toEqual([c.id]);
    expect(s.sessions.search('50%')).toEqual([]);
    expect(() => s.sessions.search('  ')).toThrow(/query: must not be empty/);
  });

  it('previews never cut an emoji in half (no unpaired surrogate handed out)', () => {
    const { s, agentId } = withAgent();
    const session = s.sessions.create({ agent_id: agentId, name: 'Emoji' });
    // The match is 30 code units from an emoji on either side: a plain slice would keep half of each.
    s.sessions.appendMessage(session.id, { role: 'user', content: `😀😀${'a'.repeat(29)}needle${'b'.repeat(29)}😀😀` });
    const preview = s.sessions.search('needle')[0]?.match_preview ?? '';
    expect(preview).toBe(`...😀${'a'.repeat(29)}needle${'b'.repeat(29)}😀...`);
  });

  it('folds case beyond ASCII', () => {
    const { s, agentId } = withAgent();
    const session = s.sessions.create({ agent_id: agentId });
    s.sessions.appendMessage(session.id, { role: 'user', content: 'Résumé de l’ÉTÉ dernier' });
    s.sessions.appendMessage(session.id, { role: 'user', content: 'encore un été' });
    s.sessions.appendMessage(session.id, { role: 'user', content: 'nothing' });
    const [hit] = s.sessions.search('été');
    expect(hit).toMatchObject({ id: session.id, match_count: 2, match_preview: 'Résumé de l’ÉTÉ dernier' });
    expect(s.sessions.search('ÜBER')).toEqual([]);
  });
});
