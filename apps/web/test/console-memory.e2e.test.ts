// Memory in the console: each agent's chunks listed without a search, notes added to a picked agent, a chunk
// deleted, and search by keywords and regex.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { type ConsoleHarness, startConsole } from './console-harness.ts';

let h: ConsoleHarness;
let page: Page;
let alpha: { id: string };
let beta: { id: string };

beforeAll(async () => {
  h = await startConsole({ name: 'memory' });
  page = h.page;
  // A fresh data dir already has the Default Assistant; these two come after it.
  alpha = await h.sdk.agents.create.mutate({ name: 'alpha', agent: { model: 'sonnet' } });
  beta = await h.sdk.agents.create.mutate({ name: 'beta', agent: { model: 'sonnet' } });
  await h.sdk.memory.create.mutate({ agent_id: alpha.id, content: 'Alpha knows the deploy key rotates monthly.' });
  await h.sdk.memory.create.mutate({ agent_id: beta.id, content: 'Beta prefers short answers.', tags: ['style'] });
}, 240_000);

afterAll(async () => {
  await h?.close();
});

describe('memory in the console', () => {
  it('lists the picked agent’s chunks without a search', async () => {
    await h.nav('Memory');
    const pageAgent = page.locator('#memory-agent');
    await pageAgent.selectOption({ label: 'alpha' });
    const chunks = page.getByTestId('memory-chunks');
    await chunks.getByText('Alpha knows the deploy key rotates monthly.').waitFor();
    expect(await chunks.getByText('Beta prefers short answers.').count()).toBe(0);
    await page.getByRole('heading', { name: 'Memory of alpha' }).waitFor();

    await pageAgent.selectOption({ label: 'beta' });
    await chunks.getByText('Beta prefers short answers.').waitFor();
    expect(await chunks.textContent()).toContain('style');
    expect(await chunks.getByText('Alpha knows').count()).toBe(0);
  });

  it('adds a note to the agent picked in the form', async () => {
    const note = page.getByRole('form', { name: 'Add a note' });
    // The page shows beta; the note goes to alpha.
    expect(await note.getByLabel('Agent', { exact: true }).inputValue()).toBe(beta.id);
    await note.getByLabel('Agent', { exact: true }).selectOption({ label: 'alpha' });
    await note.getByLabel('Note', { exact: true }).fill('The release train leaves on Thursdays at 10:00.');
    await note.getByLabel('Tags', { exact: true }).fill('release, schedule');
    await note.getByRole('button', { name: 'Add to memory' }).click();
    await note.getByText('Stored for alpha.').waitFor();
    const stored = await h.sdk.memory.list.query({ agent_id: alpha.id });
    expect(stored.map((c) => c.content)).toContain('The release train leaves on Thursdays at 10:00.');
    expect((await h.sdk.memory.list.query({ agent_id: beta.id })).map((c) => c.content)).toEqual([
      'Beta prefers short answers.',
    ]);
    await page.locator('#memory-agent').selectOption({ label: 'alpha' });
    await page.getByTestId('memory-chunks').getByText('The release train leaves on Thursdays at 10:00.').waitFor();
  });

  it('finds a note by keywords and by regex, and says what is wrong with a bad regex', async () => {
    const search = page.getByRole('form', { name: 'Search memory' });
    await search.getByLabel('Search', { exact: true }).fill('release train');
    await search.getByRole('button', { name: 'Search' }).click();
    const results = page.getByTestId('memory-results');
    await results.getByText('The release train leaves on Thursdays at 10:00.').waitFor();
    expect(await results.textContent()).toContain('schedule');

    await search.getByLabel('Mode', { exact: true }).selectOption('regex');
    await search.getByLabel('Search', { exact: true }).fill('Thurs(day|days) at \\d+:00');
    await search.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('heading', { name: '1 result' }).waitFor();
    await search.getByLabel('Search', { exact: true }).fill('(unclosed');
    await search.getByRole('button', { name: 'Search' }).click();
    expect(await page.getByRole('main').getByRole('alert').first().textContent()).toMatch(/regex|regular expression/i);
    await search.getByRole('button', { name: 'Clear' }).click();
    await h.shot('memory');
  });

  it('deletes a chunk after asking, and it is gone from the list and the store', async () => {
    const chunks = page.getByTestId('memory-chunks');
    const chunk = chunks.locator('[data-testid="memory-chunk"]').filter({ hasText: 'deploy key rotates' });
    const id = await chunk.getAttribute('data-chunk-id');
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.accept();
    });
    await chunk.getByRole('button', { name: 'Delete' }).click();
    await chunk.waitFor({ state: 'detached' });
    expect(asked).toContain('Delete this memory of alpha?');
    expect((await h.sdk.memory.list.query({ agent_id: alpha.id })).map((c) => c.id)).not.toContain(id);
    await chunks.getByText('The release train leaves on Thursdays at 10:00.').waitFor();
  });
});

describe('a long memory', () => {
  it('lists the newest 50 chunks and loads older ones as the list scrolls to its end', async () => {
    const keeper = await h.sdk.agents.create.mutate({ name: 'keeper', agent: { model: 'sonnet' } });
    for (let i = 0; i < 60; i++) await h.sdk.memory.create.mutate({ agent_id: keeper.id, content: `fact number ${i}` });
    const newestFirst = (await h.sdk.memory.list.query({ agent_id: keeper.id, limit: 500 })).map((c) => c.id);
    await page.locator('#memory-agent').selectOption({ label: 'keeper' });
    const chunks = page.getByTestId('memory-chunks').getByTestId('memory-chunk');
    await chunks.nth(49).waitFor();
    expect(await chunks.count()).toBe(50);
    await page.getByRole('button', { name: 'Older memories' }).scrollIntoViewIfNeeded();
    await chunks.nth(59).waitFor();
    expect(await chunks.evaluateAll((items) => items.map((item) => item.getAttribute('data-chunk-id')))).toEqual(
      newestFirst,
    );
    await page.getByRole('button', { name: 'Older memories' }).waitFor({ state: 'detached' });
  }, 120_000);
});
