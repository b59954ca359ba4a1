// The session list, a session's messages and message search as history grows: keyset pages (no repeats, no
// gaps, stable order on equal timestamps), every search path agreeing with a plain scan, and the query plans of
// the statements these calls run (an index, never a full scan of chat_messages or an ORDER BY sort).
import { describe, expect, it } from '@jest/globals';
import { createTestServices, type TestServices } from '@restflow/testkit';
import { InvalidInputError } from '../src/index.ts';
import { INDEXED_MATCH_CAP } from '../src/sessions/chat-session-search.ts';
import { planProblems, statementsOf } from './query-plans.ts';

function withAgents(): { s: TestServices; agentIds: string[] } {
  const s = createTestServices();
  return { s, agentIds: [s.agents.create('One', {}).id, s.agents.create('Two', {}).id] };
}

/** Every page of a list, following next_cursor. */
function allPages<T>(read: (cursor?: string) => { items: T[]; next_cursor: string | null }): T[][] {
  const pages: T[][] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const page = read(cursor);
    pages.push(page.items);
    if (page.next_cursor === null) return pages;
    cursor = page.next_cursor;
  }
  throw new Error('pages never ended');
}

describe('ChatSessionService: keyset pages', () => {
  it('pages the list in list order, equal updated_at broken by id, filters kept across pages', () => {
    const { s, agentIds } = withAgents();
    // Groups of sessions sharing one updated_at, as an import or a burst of activity makes them.
    for (let i = 0; i < 23; i++) {
      if (i % 4 === 0) s.clock.advance(1000);
      s.sessions.create({ agent_id: agentIds[i % 2] as string });
    }
    const whole = s.sessions.list().map((x) => x.id);
    const pages = allPages((cursor) => s.sessions.listPage({ cursor, limit: 5 }));
    expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 3]);
    expect(pages.flat().map((x) => x.id)).toEqual(whole);
    expect(pages.flat()).toEqual(s.sessions.list());

    const ofOne = allPages((cursor) => s.sessions.listPage({ agent_id: agentIds[1], cursor, limit: 4 })).flat();
    expect(ofOne.map((x) => x.id)).toEqual(s.sessions.list({ agent_id: agentIds[1] }).map((x) => x.id));
    expect(ofOne.every((x) => x.agent_id === agentIds[1])).toBe(true);
    // An exact multiple of the page size ends without an empty extra page.
    expect(allPages((cursor) => s.sessions.listPage({ cursor, limit: 23 }))).toHaveLength(1);
    expect(s.sessions.listPage().items).toHaveLength(23);
  });

  it('neither repeats nor skips a session while new ones are created between pages', () => {
    const { s, agentIds } = withAgents();
    for (let i = 0; i < 30; i++) {
      if (i % 3 === 0) s.clock.advance(1);
      s.sessions.create({ agent_id: agentIds[0] as string });
    }
    const before = s.sessions.list().map((x) => x.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = s.sessions.listPage({ cursor, limit: 7 });
      seen.push(...page.items.map((x) => x.id));
      cursor = page.next_cursor ?? undefined;
      // New sessions land above the cursor (newer, or same time with any id): later pages are not shifted.
      s.sessions.create({ agent_id: agentIds[1] as string });
      s.clock.advance(1);
      s.sessions.create({ agent_id: agentIds[1] as string });
    } while (cursor);
    expect(seen).toEqual(before);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('pages a session’s messages back in time, each page oldest first, while messages are appended', () => {
    const { s, agentIds } = withAgents();
    const session = s.sessions.create({ agent_id: agentIds[0] });
    for (let i = 1; i <= 12; i++) s.sessions.appendMessage(session.id, { role: 'user', content: `m${i}` });
    const first = s.sessions.messagesPage(session.id, { limit: 5 });
    expect(first.items.map((m) => m.content)).toEqual(['m8', 'm9', 'm10', 'm11', 'm12']);
    s.sessions.appendMessage(session.id, { role: 'assistant', content: 'late' });
    const second = s.sessions.messagesPage(session.id.slice(0, 8), { cursor: first.next_cursor as string, limit: 5 });
    expect(second.items.map((m) => m.content)).toEqual(['m3', 'm4', 'm5', 'm6', 'm7']);
    const third = s.sessions.messagesPage(session.id, { cursor: second.next_cursor as string, limit: 5 });
    expect(third).toEqual({ items: s.sessions.messages(session.id).slice(0, 2), next_cursor: null });
    expect(
      s.sessions
        .messagesPage(session.id)
        .items.map((m) => m.content)
        .at(-1),
    ).toBe('late');
  });

  it('rejects cursors it did not hand out and page sizes out of range', () => {
    const { s, agentIds } = withAgents();
    const session = s.sessions.create({ agent_id: agentIds[0] });
    const listCursor = Buffer.from(JSON.stringify([1, 'x'])).toString('base64url');
    for (const cursor of ['nope', '', Buffer.from('{"a":1}').toString('base64url'), listCursor]) {
      expect(() => s.sessions.messagesPage(session.id, { cursor })).toThrow(InvalidInputError);
    }
    expect(() => s.sessions.listPage({ cursor: Buffer.from('[1]').toString('base64url') })).toThrow(
      /cursor: is not a cursor of this list/,
    );
    expect(() => s.sessions.listPage({ limit: 0 })).toThrow(/limit: must be an integer from 1 to 500/);
    expect(() => s.sessions.listPage({ limit: 501 })).toThrow(InvalidInputError);
  });
});

describe('ChatSessionService: search paths agree', () => {
  it('gives the same hits from the index, the capped walk, short queries and the limit', () => {
    const { s, agentIds } = withAgents();
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      s.clock.advance(1);
      const session = s.sessions.create({
        agent_id: agentIds[i % 2] as string,
        name: i === 7 ? 'Rollout plan' : undefined,
      });
      ids.push(session.id);
      for (let j = 0; j < 3; j++) {
        const text = (i + j) % 5 === 0 ? `Rollout ${i}/${j}: the 5% canary` : `Note ${i}/${j} with nothing in it`;
        s.sessions.appendMessage(session.id, { role: j % 2 === 0 ? 'user' : 'assistant', content: text });
      }
    }
    // A plain scan, in list order: what every path must return.
    const scan = (needle: string, agentId?: string) =>
      s.sessions
        .list(agentId ? { agent_id: agentId } : {})
        .map((summary) => {
          const texts = s.sessions.messages(summary.id).map((m) => m.content);
          const count = texts.filter((t) => t.toLowerCase().includes(needle.toLowerCase())).length;
          return { id: summary.id, count, named: summary.name.toLowerCase().includes(needle.toLowerCase()) };
        })
        .filter((x) => x.count > 0 || x.named)
        .map((x) => [x.id, x.count]);
    const hits = (needle: string, options: { agent_id?: string; limit?: number } = {}) =>
      s.sessions.search(needle, options).map((h) => [h.id, h.match_count]);

    expect(hits('ROLLOUT')).toEqual(scan('rollout'));
    expect(hits('rollout')).toHaveLength(25);
    expect(hits('rollout', { limit: 4 })).toEqual(scan('rollout').slice(0, 4));
    expect(hits('rollout', { agent_id: agentIds[1] })).toEqual(scan('rollout', agentIds[1]));
    expect(hits('5%')).toEqual(scan('5%'));
    expect(hits('5%', { limit: 3 })).toEqual(scan('5%').slice(0, 3));
    expect(hits('e 5% c')).toEqual(scan('e 5% c'));
    expect(hits('nothing in', { limit: 100 })).toEqual(scan('nothing in'));
    expect(hits('Rollout plan')).toEqual([[ids[7], 0]]);
    const [first] = s.sessions.search('canary', { limit: 1 });
    expect(first?.match_preview).toMatch(/^Rollout \d+\/\d: the 5% canary$/);

    // searchPage: the pages of every path (index, walk, Unicode scan) add up to the whole answer, in order.
    for (const i of [3, 9, 21]) s.sessions.appendMessage(ids[i] as string, { role: 'user', content: 'Straße' });
    const paged = (needle: string, options: { agent_id?: string } = {}) =>
      allPages((cursor) => s.sessions.searchPage(needle, { ...options, cursor, limit: 4 }))
        .flat()
        .map((h) => [h.id, h.match_count]);
    for (const needle of ['ROLLOUT', '5%', 'e 5% c', 'nothing in', 'STRAßE'])
      expect(paged(needle)).toEqual(hits(needle));
    expect(paged('STRAßE')).toHaveLength(3);
    expect(paged('rollout', { agent_id: agentIds[1] })).toEqual(hits('rollout', { agent_id: agentIds[1] }));
    // A hit updated between pages moves to the front: it is neither repeated nor does it shift the later pages.
    const before = hits('rollout').map(([id]) => id);
    const firstPage = s.sessions.searchPage('rollout', { limit: 5 });
    s.clock.advance(1000);
    s.sessions.appendMessage(firstPage.items[2]?.id as string, { role: 'user', content: 'rollout again' });
    expect(hits('rollout')[0]?.[0]).toBe(firstPage.items[2]?.id);
    const rest = allPages((cursor) =>
      s.sessions.searchPage('rollout', { cursor: cursor ?? (firstPage.next_cursor as string), limit: 5 }),
    ).flat();
    expect([...firstPage.items, ...rest].map((h) => h.id)).toEqual(before);
    expect(() => s.sessions.searchPage('rollout', { cursor: 'nope' })).toThrow(/cursor: is not a cursor of this list/);
  });

  it('walks the newest sessions when a term matches more messages than the index answer is gathered for', () => {
    const { s, agentIds } = withAgents();
    const perSession = 50;
    const sessions = Math.ceil((INDEXED_MATCH_CAP + 1) / perSession) + 2;
    const insertMessage = s.db.$client.prepare(
      'INSERT INTO chat_messages (id, session_id, seq, role, content, timestamp) VALUES (?, ?, ?, ?, ?, 0)',
    );
    for (let i = 0; i < sessions; i++) {
      s.clock.advance(1);
      const id = s.sessions.create({ agent_id: agentIds[0] }).id;
      s.db.$client.transaction(() => {
        for (let j = 1; j <= perSession; j++) {
          insertMessage.run(`${id}-${j}`, id, j, 'user', j === 1 && i % 2 === 0 ? 'no match' : `common word ${j}`);
        }
      })();
    }
    const newest = s.sessions.list().slice(0, 5);
    const found = s.sessions.search('COMMON', { limit: 5 });
    expect(found.map((h) => h.id)).toEqual(newest.map((x) => x.id));
    expect(found.map((h) => h.match_count)).toEqual(
      newest.map((x) => (s.sessions.messages(x.id)[0]?.content === 'no match' ? perSession - 1 : perSession)),
    );
    expect(s.sessions.search('common')).toHaveLength(sessions);
    const paged = allPages((cursor) => s.sessions.searchPage('COMMON', { cursor, limit: 5 })).flat();
    expect(paged.map((h) => [h.id, h.match_count])).toEqual(
      s.sessions.search('common').map((h) => [h.id, h.match_count]),
    );
  });

  it('keeps the index in step with edits and deletes', () => {
    const { s, agentIds } = withAgents();
    const session = s.sessions.create({ agent_id: agentIds[0] });
    const message = s.sessions.appendMessage(session.id, { role: 'assistant', content: 'streaming…' });
    expect(s.sessions.search('zeppelin')).toEqual([]);
    s.sessions.updateMessage(message.id, { content: 'The zeppelin has landed' });
    expect(s.sessions.search('zeppelin').map((h) => h.match_count)).toEqual([1]);
    expect(s.sessions.search('streaming')).toEqual([]);
    s.sessions.delete(session.id);
    expect(s.sessions.search('zeppelin')).toEqual([]);
    const { n } = s.db.$client.prepare('SELECT count(*) AS n FROM chat_messages_fts_keys').get() as { n: number };
    expect(n).toBe(0);
  });
});

describe('ChatSessionService: query plans at scale', () => {
  it('reads the list page, a session’s last messages and indexed search through indexes', () => {
    const { s, agentIds } = withAgents();
    const insertSession = s.db.$client.prepare(
      `INSERT INTO chat_sessions (id, name, agent_id, model, created_at, updated_at) VALUES (?, ?, ?, 'default', ?, ?)`,
    );
    const insertMessage = s.db.$client.prepare(
      'INSERT INTO chat_messages (id, session_id, seq, role, content, timestamp) VALUES (?, ?, ?, ?, ?, ?)',
    );
    s.db.$client.transaction(() => {
      for (let i = 0; i < 300; i++) {
        insertSession.run(`s${i}`, `Chat ${i}`, agentIds[i % 2], i, i * 10);
        for (let j = 1; j <= 20; j++) insertMessage.run(`s${i}-${j}`, `s${i}`, j, 'user', `text ${i} ${j} zeppelin`, i);
      }
    })();
    s.db.$client.exec('ANALYZE');
    const page = s.sessions.listPage({ limit: 10 });
    const checked = [
      ...statementsOf(s.db, () => s.sessions.listPage({ limit: 10 })),
      ...statementsOf(s.db, () => s.sessions.listPage({ cursor: page.next_cursor as string, limit: 10 })),
      ...statementsOf(s.db, () => s.sessions.listPage({ agent_id: agentIds[1], limit: 10 })),
      ...statementsOf(s.db, () => s.sessions.messagesPage('s42', { limit: 10 })),
      ...statementsOf(s.db, () => s.sessions.search('42 7 zeppelin', { limit: 10 })),
    ];
    expect(checked.length).toBeGreaterThanOrEqual(8);
    // The check itself finds a full scan: a non-ASCII query is matched in JS over every message.
    expect(
      planProblems(
        s.db,
        statementsOf(s.db, () => s.sessions.search('été')),
        { bigTables: ['chat_messages'] },
      ),
    ).toEqual([expect.stringMatching(/^SCAN chat_messages USING INDEX \S+ in: SELECT session_id/)]);
    expect(
      planProblems(s.db, checked, { bigTables: ['chat_messages', 'chat_sessions'], allowScan: [/name LIKE/] }),
    ).toEqual([]);
    // The whole list (sessions.list) walks the sessions in index order, without a sort, and reads each one's last
    // message through (session_id, seq), never by a scan of the messages.
    const wholeList = [
      ...statementsOf(s.db, () => s.sessions.list()),
      ...statementsOf(s.db, () => s.sessions.list({ agent_id: agentIds[1] })),
    ];
    expect(wholeList.filter((st) => st.sql.includes('FROM chat_sessions s'))).toHaveLength(2);
    expect(planProblems(s.db, wholeList, { bigTables: ['chat_messages'] })).toEqual([]);
    expect(s.sessions.list({ agent_id: agentIds[1] })).toHaveLength(150);
    expect(s.sessions.list()[0]).toEqual({
      id: 's299',
      name: 'Chat 299',
      agent_id: agentIds[1],
      model: expect.any(String),
      message_count: expect.any(Number),
      updated_at: 2990,
      last_message_preview: 'text 299 20 zeppelin',
    });
  });
});
