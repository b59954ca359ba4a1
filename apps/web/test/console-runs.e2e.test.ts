// The run timeline and the Usage view in a real browser: a real run against the fake provider (a tool call, two
// provider calls with usage) is found in the runs list (filtered), opened from its chat message, and its timeline
// shows the steps, the tool call's arguments and result, tokens and cost; the Usage view charts and tables the same
// figures. Screenshots are kept as artifacts (artifacts/console/runs/).
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitUntil } from '@restflow/testkit';
import type { Page } from 'playwright-core';
import { type ConsoleHarness, startConsole } from './console-harness.ts';

let h: ConsoleHarness;
let page: Page;
let runId = '';
let agentId = '';

beforeAll(async () => {
  h = await startConsole({ name: 'runs' });
  page = h.page;
  // Known prices, so the cost on the page can be checked against the figures the fake provider reports.
  await h.sdk.usage.prices.set.mutate({ model: 'claude-sonnet-5-5', input: 2, cached_input: 0.5, output: 10 });
  agentId = (await h.sdk.agents.create.mutate({ name: 'inspector', agent: { model: 'sonnet', tools: ['skill'] } })).id;
  await h.sdk.agents.create.mutate({ name: 'idle', agent: { model: 'sonnet' } });
  h.fake.script(
    {
      toolCalls: [{ name: 'skill', arguments: { action: 'list' } }],
      usage: { input_tokens: 1200, output_tokens: 40, cached_tokens: 1000 },
    },
    { text: 'There are no skills yet.', usage: { input_tokens: 1500, output_tokens: 200, cached_tokens: 1100 } },
  );
  const sent = await h.sdk.chat.send.mutate({ agent_id: agentId, content: 'which skills are there?' });
  runId = sent.run_id;
  // The run ends when its stream does.
  await new Promise<void>((resolve, reject) => {
    const subscription = h.sdk.runs.onEvents.subscribe(
      { run_id: runId },
      {
        onComplete: () => resolve(),
        onError: (error) => {
          subscription.unsubscribe();
          reject(error);
        },
      },
    );
  });
  // What the page must show; when the run itself did not complete, say why here rather than in a later check.
  const run = await h.sdk.runs.get.query({ id: runId });
  if (run.status !== 'completed') throw new Error(`the scripted run ended ${run.status}: ${run.error ?? ''}`);
}, 300_000);

afterAll(async () => {
  await h?.close();
});

const usd = (input: number, cached: number, output: number) =>
  ((input - cached) * 2 + cached * 0.5 + output * 10) / 1e6;
const expectedCost = usd(1200, 1000, 40) + usd(1500, 1100, 200);

describe('Runs list and run timeline', () => {
  it('lists the run, filters by agent and status, and opens its timeline', async () => {
    await h.nav('Runs');
    const row = page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);
    // The chat page's sidebar cached this list while the run went on; the view shows that copy at once and
    // refetches, so the row turns completed within moments (the run itself completed, checked in beforeAll).
    await row.and(page.locator('[data-status="completed"]')).waitFor();
    expect(await row.textContent()).toContain('inspector');

    await page.getByLabel('Status').selectOption('failed');
    await page.getByText('No runs match.').waitFor();
    await page.getByLabel('Status').selectOption('completed');
    await page.getByLabel('Agent').selectOption({ label: 'idle' });
    await page.getByText('No runs match.').waitFor();
    await page.getByLabel('Agent').selectOption({ label: 'inspector' });
    await row.waitFor();
    expect(page.url()).toContain(`agent=${agentId}`);
    await h.shot('runs-list');

    await row.getByRole('link', { name: runId.slice(0, 8) }).click();
    await page.waitForURL(new RegExp(`/runs\\?run=${runId}`));
    await page.locator('[data-testid="run-timeline"][data-ended="true"]').waitFor();
  });

  it('shows the steps, the tool call with arguments and result, tokens, timings and cost', async () => {
    const timeline = page.getByTestId('run-timeline');
    const types = await timeline
      .getByTestId('timeline-entry')
      .evaluateAll((entries) => entries.map((e) => e.getAttribute('data-type')));
    expect(types).toEqual(['started', 'llm_call', 'tool_call', 'tool_result', 'text', 'llm_call', 'completed']);
    expect(await timeline.getByTestId('tool-arguments').textContent()).toContain('"action": "list"');
    expect((await timeline.getByTestId('tool-result').textContent())?.trim()).toBe('[]');
    const calls = await timeline.getByTestId('llm-call').allTextContents();
    expect(calls[0]).toContain('in 1200 (cached 1000) · out 40');
    expect(calls[1]).toContain('in 1500 (cached 1100) · out 200');
    expect(await timeline.getByTestId('run-tokens').textContent()).toContain('in 2700 (cached 2100) · out 240');
    expect(await timeline.getByTestId('run-cost').textContent()).toContain(
      `$${expectedCost.toFixed(4)} · 2 provider calls`,
    );
    expect(await timeline.textContent()).toContain('There are no skills yet.');
    await h.shot('run-timeline');
  });

  it('is reachable from the chat message that the run answered', async () => {
    const run = await h.sdk.runs.get.query({ id: runId });
    await page.goto(`${h.origin}/?session=${run.session_id}`);
    const link = page.getByTestId('assistant-message').getByTestId('run-timeline-link');
    await link.click();
    await page.waitForURL(new RegExp(`/runs\\?run=${runId}`));
    await page.locator('[data-testid="run-timeline"][data-ended="true"]').waitFor();
  });
});

describe('Usage view', () => {
  it('charts cost per day and per agent and tables the same figures', async () => {
    await h.nav('Usage');
    const view = page.getByTestId('usage-view');
    await view.getByTestId('usage-table').waitFor();
    expect(await view.getByTestId('usage-totals').textContent()).toContain(`$${expectedCost.toFixed(4)}`);
    const today = new Date().toISOString().slice(0, 10);
    const dayBar = view.getByTestId('usage-chart-day').locator(`[data-bar="${today}"]`);
    expect(await dayBar.locator('title').textContent()).toBe(`${today}: $${expectedCost.toFixed(4)}`);
    // 30 days by default: one bar per day, the empty ones at 0.
    expect(await view.getByTestId('usage-chart-day').locator('[data-bar]').count()).toBe(30);
    const agentBar = view.getByTestId('usage-chart-agent').locator(`[data-bar="${agentId}"]`);
    expect(await agentBar.locator('title').textContent()).toBe(`inspector: $${expectedCost.toFixed(4)}`);
    const row = view.getByTestId('usage-table').locator(`tr[data-key="${agentId}"]`);
    expect(await row.locator('td').allTextContents()).toEqual([
      'inspector',
      '1',
      '2',
      '2700',
      '2100',
      '240',
      '0',
      `$${expectedCost.toFixed(4)}`,
    ]);
    await h.shot('usage');

    await page.getByLabel('Measure').selectOption('tokens');
    await view.getByText('Tokens per day (UTC)').waitFor();
    expect(await agentBar.locator('title').textContent()).toBe('inspector: 2940');
    await page.getByLabel('Group by').selectOption('model');
    await view.getByTestId('usage-table').locator('tr[data-key="claude-sonnet-5-5"]').waitFor();
    await h.shot('usage-tokens-by-model');
  });
});

describe('from a task', () => {
  it("a task's history links to its agent runs, and from there to a timeline", async () => {
    const task = await h.sdk.tasks.create.mutate({
      name: 'nightly check',
      agent_id: agentId,
      input: 'check the skills',
      schedule: { type: 'interval', interval_ms: 86_400_000, start_at: null },
    });
    h.fake.script({ text: 'All good.', usage: { input_tokens: 100, output_tokens: 10 } });
    await h.sdk.tasks.run.mutate({ id: task.id });
    await page.goto(`${h.origin}/tasks?id=${task.id}`);
    await page.getByTestId('task-runs-link').click();
    await page.waitForURL(new RegExp(`/runs\\?task=${task.id}`));
    const row = page.locator('[data-testid="run-row"][data-status="completed"]');
    await row.waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('run-row').count()).toBe(1);
    expect(await row.textContent()).toContain('nightly check');
    await row.getByRole('link').first().click();
    await page.locator('[data-testid="run-timeline"][data-ended="true"]').waitFor();
    expect(await page.getByTestId('run-timeline').textContent()).toContain('All good.');
    await h.shot('task-run-timeline');
  });
});

describe('a recorded run', () => {
  it('offers its recording for download from the timeline; other runs do not', async () => {
    h.fake.script({ text: 'Recorded answer.', usage: { input_tokens: 50, output_tokens: 5 } });
    const started = await h.sdk.agents.run.mutate({ id: agentId, input: 'record me', record: true });
    await page.goto(`${h.origin}/runs?run=${started.run_id}`);
    await page.locator('[data-testid="run-timeline"][data-ended="true"]').waitFor();
    const downloading = page.waitForEvent('download');
    await page.getByTestId('download-recording').click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe(`run-${started.run_id.slice(0, 8)}.recording.json`);
    const recording = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
    expect(recording).toMatchObject({ format: 'restflow.run-recording', version: 1, run_id: started.run_id });
    expect(recording).toEqual(await h.sdk.runs.recording.query({ id: started.run_id }));
    await h.shot('recorded-run-timeline');

    // The chat run of the first test was not recorded: its timeline has no such button.
    await page.goto(`${h.origin}/runs?run=${runId}`);
    await page.locator('[data-testid="run-timeline"][data-ended="true"]').waitFor();
    await page.getByTestId('no-recording').waitFor({ state: 'attached' });
    expect(await page.getByTestId('download-recording').count()).toBe(0);
  });
});

describe('at 420 px', () => {
  it('the runs list, a timeline and the usage view do not scroll sideways', async () => {
    await page.setViewportSize({ width: 420, height: 860 });
    const pages: [string, string, string][] = [
      ['runs-list-420', '/runs', '[data-testid="run-row"]'],
      ['run-timeline-420', `/runs?run=${runId}`, '[data-testid="run-timeline"][data-ended="true"]'],
      ['usage-420', '/usage', '[data-testid="usage-table"]'],
    ];
    for (const [name, path, ready] of pages) {
      await page.goto(`${h.origin}${path}`);
      await page.locator(ready).first().waitFor();
      await h.shot(name);
      expect([name, await page.evaluate(() => document.documentElement.scrollWidth)]).toEqual([name, 420]);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});

describe('a long history', () => {
  it('shows the newest page of runs and loads older ones as the list scrolls to its end', async () => {
    // Last in the file: these runs would change the Usage view's figures above.
    const pager = await h.sdk.agents.create.mutate({ name: 'pager', agent: { model: 'sonnet' } });
    const count = 57;
    h.fake.script(...Array.from({ length: count }, (_, i) => ({ text: `answer ${i}` })));
    for (let i = 0; i < count; i++) await h.sdk.agents.run.mutate({ id: pager.id, input: `question ${i}` });
    const completed = () => h.sdk.runs.list.query({ agent_id: pager.id, status: 'completed', limit: 500 });
    await waitUntil(async () => (await completed()).length === count, 120_000, `${count} runs completed`);
    const newestFirst = (await completed()).map((run) => run.id);

    await page.goto(`${h.origin}/runs?agent=${pager.id}`);
    const rows = page.getByTestId('run-row');
    await rows.nth(49).waitFor();
    // One page (50) until the end of the list is scrolled to; then the rest, in the same order as the daemon's.
    expect(await rows.count()).toBe(50);
    await page.getByRole('button', { name: 'Older runs' }).scrollIntoViewIfNeeded();
    await rows.nth(count - 1).waitFor();
    const shown = await rows.evaluateAll((elements) => elements.map((row) => row.getAttribute('data-run-id')));
    expect(shown).toEqual(newestFirst);
    await page.getByRole('button', { name: 'Older runs' }).waitFor({ state: 'detached' });
    await h.shot('runs-list-scrolled');
  }, 240_000);
});
