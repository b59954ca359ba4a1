// `--limit/--cursor` on session, memory and run lists (src/paging.ts): pages through the daemon's keyset reads, a
// table ends with the command for the next page, JSON pages are { items, next_cursor }, and without the options a
// list prints as before.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRestflowClient } from '@restflow/api/client';
import { removeDataDir, runCli, runCliJson, stopDaemonFor, tempDataDir } from '@restflow/testkit';
import { nextPageCommand } from '../src/paging.ts';

const dataDir = tempDataDir();
const opts = { dataDir, timeoutMs: 60_000 };
const sessionIds: string[] = [];
const chunkIds: string[] = [];

beforeAll(async () => {
  // The first CLI call starts the daemon; the data comes through the SDK, as other clients would add it.
  expect((await runCli(['session', 'list'], opts)).code).toBe(0);
  const sdk = createRestflowClient({ dataDir });
  try {
    const agent = await sdk.agents.create.mutate({ name: 'Pager' });
    for (let i = 0; i < 7; i++) sessionIds.push((await sdk.sessions.create.mutate({ name: `page ${i}` })).id);
    for (let i = 0; i < 5; i++) {
      const chunk = await sdk.memory.create.mutate({ agent_id: agent.id, content: `fact number ${i}`, tags: ['pg'] });
      chunkIds.push(chunk.id);
    }
  } finally {
    sdk.close();
  }
}, 120_000);

afterAll(async () => {
  await stopDaemonFor(dataDir);
  removeDataDir(dataDir);
});

interface Page {
  items: { id: string }[];
  next_cursor: string | null;
}

/** Follows next_cursor from the first page to the last; every page's ids. */
async function allPages(args: string[]): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | null = null;
  do {
    const page: Page = await runCliJson<Page>([...args, ...(cursor ? ['--cursor', cursor] : [])], opts);
    pages.push(page.items.map((item) => item.id));
    cursor = page.next_cursor;
  } while (cursor !== null && pages.length < 10);
  return pages;
}

describe('paged lists in the CLI', () => {
  it('session list --limit walks every session once, newest first, in pages of that size', async () => {
    const pages = await allPages(['session', 'list', '--limit', '3']);
    expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
    const whole = await runCliJson<{ id: string; updated_at: number }[]>(['session', 'list'], opts);
    expect(pages.flat()).toEqual(whole.map((session) => session.id));
    expect([...pages.flat()].sort()).toEqual([...sessionIds].sort());
    // Newest first; sessions created in the same millisecond follow by id, descending (the list's order).
    const newestFirst = [...whole].sort((a, b) => b.updated_at - a.updated_at || (a.id < b.id ? 1 : -1));
    expect(pages.flat()).toEqual(newestFirst.map((session) => session.id));
  });

  it('a page of the table ends with the command for the next one, which prints it', async () => {
    const first = await runCli(['session', 'list', '-n', '4'], opts);
    expect(first.code).toBe(0);
    const more = /^More: restflow (session list .*--limit 4 --cursor (\S+))$/m.exec(first.stderr);
    expect(more).not.toBeNull();
    const next = await runCli((more?.[1] ?? '').split(' '), opts);
    expect(next.code).toBe(0);
    const rows = (out: string) => out.split('\n').filter((line) => line.includes('page '));
    expect(rows(first.stdout)).toHaveLength(4);
    expect(rows(next.stdout)).toHaveLength(3);
    expect(next.stderr).not.toContain('More:');
  });

  it('memory list pages with its filters kept, and --offset with --cursor is a usage error', async () => {
    const pages = await allPages(['memory', 'list', '--tag', 'pg', '--limit', '2']);
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual([...chunkIds].reverse());
    const text = await runCli(['memory', 'list', '--tag', 'pg', '--limit', '2'], opts);
    expect(text.stderr).toMatch(/^More: restflow memory list --tag pg --limit 2 --cursor \S+$/m);
    // Without the options: the array it always printed, the offset still works.
    const plain = await runCliJson<{ id: string }[]>(['memory', 'list', '--tag', 'pg', '--offset', '3'], opts);
    expect(plain.map((chunk) => chunk.id)).toEqual(chunkIds.slice(0, 2).reverse());
    const both = await runCli(['memory', 'list', '--offset', '1', '--cursor', 'x'], opts);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/mutually exclusive/);
  });

  it('a cursor that is not one is a clear error, not a crash', async () => {
    const bad = await runCli(['session', 'list', '--cursor', 'not-a-cursor'], opts);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/cursor/);
    const runs = await runCliJson<Page>(['runs', 'list', '--limit', '5'], opts);
    expect(runs).toEqual({ items: [], next_cursor: null });
  });
});

describe('nextPageCommand', () => {
  it('keeps the filters, replaces --limit and --cursor, and quotes what a shell would split', () => {
    expect(
      nextPageCommand(['memory', 'list', '--agent', 'my agent', '-n', '5', '--cursor=old', '--tag', "it's"], 5, 'NEW'),
    ).toBe(`restflow memory list --agent 'my agent' --tag 'it'\\''s' --limit 5 --cursor NEW`);
    expect(nextPageCommand(['runs', 'list', '-l', '2', '--status', 'failed'], 2, 'C')).toBe(
      'restflow runs list --status failed --limit 2 --cursor C',
    );
  });
});
