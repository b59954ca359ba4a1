// The `page` reads (src/schemas/pages.ts) through the router and the REST handler: following next_cursor walks
// the whole list in its order, filters hold across pages, bad cursors and sizes are clear input errors.
import { describe, expect, it } from '@jest/globals';
import { createTestCaller, createTestServices, errorOf, fakeDaemonControl } from '@restflow/testkit';
import { LOCAL_CALLER } from '../src/context.ts';
import { appRouter } from '../src/root.ts';
import { createRestApi } from '../src/server/rest-handler.ts';

async function walk<T>(read: (cursor?: string) => Promise<{ items: T[]; next_cursor: string | null }>) {
  const pages: T[][] = [];
  let cursor: string | undefined;
  do {
    const page = await read(cursor);
    pages.push(page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined && pages.length < 100);
  return pages;
}

function setup() {
  const services = createTestServices();
  const { caller } = createTestCaller(services);
  const agent = services.agents.create('Helper', { model: 'gpt-5' });
  for (let i = 0; i < 7; i++) {
    const session = services.sessions.create({ agent_id: agent.id, name: `Chat ${i}` });
    for (let j = 0; j < 3; j++) services.sessions.appendMessage(session.id, { role: 'user', content: `m${i}.${j}` });
    if (i % 2 === 0) services.clock.advance(10);
  }
  return { services, caller, agent };
}

describe('page reads', () => {
  it('pages sessions and a session’s messages like their lists', async () => {
    const { services, caller, agent } = setup();
    const pages = await walk((cursor) => caller.sessions.page({ cursor, limit: 3 }));
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual(await caller.sessions.list());
    expect((await caller.sessions.page({ agent_id: agent.id.slice(0, 8) })).items).toHaveLength(7);
    expect(await caller.sessions.page()).toEqual({ items: await caller.sessions.list(), next_cursor: null });

    const [newest] = services.sessions.list();
    const messages = await walk((cursor) =>
      caller.sessions.messages.page({ session_id: newest?.id as string, cursor, limit: 2 }),
    );
    const n = newest?.name.replace('Chat ', '');
    expect(messages.map((page) => page.map((m) => m.content))).toEqual([[`m${n}.1`, `m${n}.2`], [`m${n}.0`]]);
    expect((await caller.sessions.search({ query: 'm', limit: 2 })).map((h) => h.name)).toEqual(
      services.sessions
        .list()
        .slice(0, 2)
        .map((x) => x.name),
    );
  });

  it('pages runs and memory chunks', async () => {
    const { services, caller, agent } = setup();
    const insert = services.db.$client.prepare(
      `INSERT INTO runs (id, kind, status, agent_id, started_at) VALUES (?, 'chat', 'completed', ?, ?)`,
    );
    for (let i = 0; i < 5; i++) insert.run(`run-${i}`, agent.id, 100 + (i >> 1));
    const runs = await walk((cursor) => caller.runs.page({ agent_id: agent.id, cursor, limit: 2 }));
    expect(runs.flat().map((r) => r.id)).toEqual(['run-4', 'run-3', 'run-2', 'run-1', 'run-0']);
    expect((await caller.runs.page({ status: 'failed' })).items).toEqual([]);

    for (let i = 0; i < 4; i++) services.memory.storeChunk({ agent_id: agent.id, content: `note ${i}`, tags: ['t'] });
    const chunks = await walk((cursor) => caller.memory.page({ tag: 'T', cursor, limit: 3 }));
    expect(chunks.flat()).toEqual(await caller.memory.list({ tag: 't' }));
  });

  it('rejects a cursor it did not hand out and a page size out of range', async () => {
    const { caller } = setup();
    expect(await errorOf(caller.sessions.page({ cursor: 'not-a-cursor' }))).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('cursor: is not a cursor of this list'),
    });
    expect(await errorOf(caller.runs.page({ limit: 501 }))).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await errorOf(caller.sessions.search({ query: 'x', limit: 0 }))).toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('serves the pages over REST, the query string as the input', async () => {
    const { services } = setup();
    const api = createRestApi({ router: appRouter });
    const context = { services, daemon: fakeDaemonControl(), transport: 'http' as const, caller: LOCAL_CALLER };
    const get = async (url: string) => {
      const parsed = new URL(url, 'http://localhost');
      return api.handle({ method: 'GET', path: parsed.pathname, query: parsed.searchParams, body: undefined }, context);
    };
    const first = await get('/api/sessions/page?limit=4');
    const body = first?.body as { items: { id: string }[]; next_cursor: string };
    expect(first?.status).toBe(200);
    expect(body.items).toHaveLength(4);
    const rest = (await get(`/api/sessions/page?cursor=${encodeURIComponent(body.next_cursor)}`))?.body as {
      items: { id: string }[];
    };
    expect([...body.items, ...rest.items].map((s) => s.id)).toEqual(services.sessions.list().map((s) => s.id));
    const id = body.items[0]?.id as string;
    expect((await get(`/api/sessions/${id}/messages/page?limit=1`))?.body).toMatchObject({
      items: [{ content: expect.stringMatching(/\.2$/) }],
      next_cursor: expect.any(String),
    });
    expect((await get('/api/runs/page'))?.body).toEqual({ items: [], next_cursor: null });
    expect((await get('/api/memory/page?limit=2'))?.body).toEqual({ items: [], next_cursor: null });
  });
});
