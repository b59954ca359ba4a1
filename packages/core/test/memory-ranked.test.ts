import { describe, expect, it } from '@jest/globals';
import { chatMessages, chatSessions } from '@restflow/db';
import { createTestServices, type TestServices } from '@restflow/testkit';
import { frequencyScore, recencyScore, tagScore, textMatcher } from '../src/index.ts';

const HOUR = 3_600_000;

describe('ranked search scoring', () => {
  it('scores frequency as matches per word (capped at 100), 50 without a query', () => {
    expect(frequencyScore('rust rust rust programming language rust', textMatcher('rust', 'keyword'))).toEqual({
      score: (4 / 6) * 100,
      matches: 4,
    });
    expect(frequencyScore('rust', textMatcher('rust rust', 'keyword')).score).toBe(100);
    expect(frequencyScore('python only', textMatcher('rust', 'keyword'))).toEqual({ score: 0, matches: 0 });
    expect(frequencyScore('anything', undefined)).toEqual({ score: 50, matches: 0 });
    expect(
      frequencyScore('rust programming is fun. Rust programming!', textMatcher('rust programming', 'phrase')),
    ).toMatchObject({ matches: 2 });
    expect(frequencyScore('error: 404, error: 500, error: 503', textMatcher('error: \\d+', 'regex')).matches).toBe(3);
  });

  it('scores recency as 100/(1 + age_h·decay) and tags as the share of query tags present', () => {
    const now = 1_000 * HOUR;
    expect(recencyScore(now, now, 0.01)).toBe(100);
    expect(recencyScore(now - 100 * HOUR, now, 0.01)).toBeCloseTo(50);
    expect(recencyScore(now + HOUR, now, 0.01)).toBe(100);
    expect(tagScore(['Rust', 'async'], ['rust', 'tokio'])).toBe(50);
    expect(tagScore(['rust'], [])).toBe(0);
  });
});

function rankedFixture(): { s: TestServices; agent: string; ids: Record<string, string> } {
  const s = createTestServices();
  const agent = s.agents.create('A').id;
  const ids: Record<string, string> = {};
  // "dense" mentions rust often but is old; "fresh" mentions it once but is new.
  ids.dense = s.memory.storeChunk({ agent_id: agent, content: 'rust rust rust and more rust', tags: ['lang'] }).id;
  s.clock.advance(200 * HOUR);
  ids.fresh = s.memory.storeChunk({
    agent_id: agent,
    content: 'a long note that mentions rust exactly one time among many other words here',
  }).id;
  ids.none = s.memory.storeChunk({ agent_id: agent, content: 'nothing relevant' }).id;
  return { s, agent, ids };
}

describe('MemoryService.searchRanked', () => {
  it('orders by score with a breakdown, and presets change the order', () => {
    const { s, agent, ids } = rankedFixture();
    const byFrequency = s.memory.searchRanked(
      { agent_id: agent, query: 'rust' },
      { scoring_preset: 'frequency_focused' },
    );
    expect(byFrequency.chunks.map((c) => c.chunk.id)).toEqual([ids.dense, ids.fresh]);
    expect(byFrequency.total_count).toBe(2);
    const top = byFrequency.chunks[0];
    expect(top?.match_count).toBe(4);
    expect(top?.score_breakdown.frequency_score).toBeCloseTo(200 / 3);
    expect(top?.score_breakdown.recency_score).toBeCloseTo(100 / 3);
    expect(top?.score).toBeCloseTo((200 / 3) * 0.8 + (100 / 3) * 0.1);
    const byRecency = s.memory.searchRanked({ agent_id: agent, query: 'rust' }, { scoring_preset: 'recency_focused' });
    expect(byRecency.chunks.map((c) => c.chunk.id)).toEqual([ids.fresh, ids.dense]);
  });

  it('applies min_score, tag scores and pagination after scoring', () => {
    const { s, agent, ids } = rankedFixture();
    const all = s.memory.searchRanked({ agent_id: agent });
    expect(all.total_count).toBe(3);
    expect(all.chunks.every((c) => c.score_breakdown.frequency_score === 50)).toBe(true);
    const highOnly = s.memory.searchRanked({ agent_id: agent, query: 'rust' }, { min_score: 45 });
    expect(highOnly.chunks.map((c) => c.chunk.id)).toEqual([ids.dense]);
    const tagged = s.memory.searchRanked({ agent_id: agent, tags: ['LANG'] }, { scoring_preset: 'balanced' });
    expect(tagged.chunks[0]?.score_breakdown.tag_score).toBe(100);
    const page = s.memory.searchRanked({ agent_id: agent, limit: 1, offset: 1 });
    expect(page).toMatchObject({ total_count: 3, has_more: true });
    expect(page.chunks).toHaveLength(1);
  });
});

function addChat(s: TestServices, agent: string, id: string, name: string, messages: [string, string, number][]) {
  const now = s.clock.now();
  s.db.insert(chatSessions).values({ id, name, agentId: agent, model: 'gpt-5', createdAt: now, updatedAt: now }).run();
  messages.forEach(([role, content, at], seq) => {
    s.db
      .insert(chatMessages)
      .values({ id: `${id}-m${seq}`, sessionId: id, seq: seq + 1, role: role as 'user', content, timestamp: at })
      .run();
  });
}

describe('MemoryService.searchUnified', () => {
  it('merges memory and chat messages with halved scores, context and source counts', () => {
    const s = createTestServices();
    const agent = s.agents.create('A').id;
    const other = s.agents.create('B').id;
    const now = s.clock.now();
    const chunk = s.memory.storeChunk({ agent_id: agent, content: 'Rust memory safety notes' });
    addChat(s, agent, 'chat-1', 'Rust chat', [
      ['user', 'Tell me about Rust please', now],
      ['assistant', 'Rust prevents memory leaks', now],
      ['user', 'thanks', now],
    ]);
    addChat(s, other, 'chat-2', 'Other agent', [['user', 'rust memory for someone else', now]]);
    const result = s.memory.searchUnified({ agent_id: agent, query: 'rust memory' });
    expect(result.source_counts).toEqual({ memory: 1, sessions: 1 });
    expect(result.total_count).toBe(2);
    const message = result.results.find((r) => r.source !== 'memory');
    expect(message).toMatchObject({
      id: 'chat-1:1',
      content: 'Rust prevents memory leaks',
      source: { session: { session_id: 'chat-1', session_name: 'Rust chat' } },
      timestamp: now,
      context: '[User]: Tell me about Rust please...\n[User]: thanks...',
    });
    // freq = min(100, 2 matches / 4 words) = 50 → (50·0.6 + 100·0.4)·0.5
    expect(message?.score).toBeCloseTo(35);
    const memory = result.results.find((r) => r.source === 'memory');
    expect(memory).toMatchObject({ id: chunk.id, timestamp: now });
    expect(memory?.context).toBeUndefined();
    // freq = 2/4·100 = 50 → (50·0.6 + 100·0.3)·0.5
    expect(memory?.score).toBeCloseTo(30);
    expect(result.results[0]?.id).toBe('chat-1:1');
  });

  it('honours include_sessions, session_ids, session_agent_id, the 10-point floor and pagination', () => {
    const s = createTestServices();
    const agent = s.agents.create('A').id;
    const other = s.agents.create('B').id;
    const now = s.clock.now();
    s.memory.storeChunk({ agent_id: agent, content: 'kafka lag alert' });
    addChat(s, agent, 'chat-1', 'One', [['user', 'kafka lag again', now]]);
    addChat(s, agent, 'chat-2', 'Two', [['assistant', 'kafka consumer lag fixed', now]]);
    addChat(s, other, 'chat-3', 'Three', [['user', 'kafka lag elsewhere', now]]);
    const q = { agent_id: agent, query: 'kafka lag' };
    expect(s.memory.searchUnified({ ...q, include_sessions: false }).source_counts).toEqual({ memory: 1, sessions: 0 });
    expect(s.memory.searchUnified({ ...q, session_ids: ['chat-2'] }).source_counts.sessions).toBe(1);
    const theirs = s.memory.searchUnified({ ...q, session_agent_id: other });
    expect(theirs.results.filter((r) => r.source !== 'memory').map((r) => r.id)).toEqual(['chat-3:0']);
    const page = s.memory.searchUnified({ ...q, limit: 1, offset: 1 });
    expect(page).toMatchObject({ total_count: 3, has_more: true });
    expect(page.results).toHaveLength(1);
    // A year later recency has decayed: memory (freq 66·0.6·0.5 ≈ 20) stays, nothing falls under 10 yet…
    s.clock.advance(365 * 24 * HOUR);
    expect(s.memory.searchUnified(q).total_count).toBe(3);
    // …but a year-old weak match in a long text drops below the floor of 10.
    s.memory.storeChunk({ agent_id: agent, content: `kafka lag ${'filler '.repeat(200)}`, created_at: now });
    expect(s.memory.search(q).total_count).toBe(2);
    expect(s.memory.searchUnified(q).total_count).toBe(3);
  });

  it('matches chat messages in phrase and regex mode and skips sessions without a query', () => {
    const s = createTestServices();
    const agent = s.agents.create('A').id;
    const now = s.clock.now();
    addChat(s, agent, 'chat-1', 'One', [
      ['user', 'Deploy failed with E503', now],
      ['assistant', 'Failed deploy was retried', now],
    ]);
    const ids = (query: Parameters<typeof s.memory.searchUnified>[0]) =>
      s.memory.searchUnified(query).results.map((r) => r.id);
    expect(ids({ agent_id: agent, query: 'failed deploy', search_mode: 'phrase' })).toEqual(['chat-1:1']);
    expect(ids({ agent_id: agent, query: 'E5\\d\\d', search_mode: 'regex' })).toEqual(['chat-1:0']);
    expect(ids({ agent_id: agent })).toEqual([]);
    expect(ids({ agent_id: agent, query: 'deploy', from_time: now + 1 })).toEqual([]);
    expect(ids({ agent_id: agent, query: 'deploy', to_time: now })).toHaveLength(2);
  });
});
