// Tasks in the console: the live feed folds a run's many output chunks into one growing row, the history shows
// each run's output or error, and a run's full transcript (input, tool calls, answer, events) is one click away.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { type ConsoleHarness, startConsole } from './console-harness.ts';

let h: ConsoleHarness;
let page: Page;
let taskId: string;

const ANSWER = 'Digest: three releases shipped, two incidents closed, one review pending. Nothing else happened today.';

beforeAll(async () => {
  h = await startConsole({ name: 'tasks' });
  page = h.page;
  const agent = await h.sdk.agents.create.mutate({ name: 'digester', agent: { model: 'sonnet', tools: ['file'] } });
  const task = await h.sdk.tasks.create.mutate({
    name: 'digest',
    agent_id: agent.id,
    input: 'Summarise **the day**',
    schedule: { type: 'interval', interval_ms: 3_600_000, start_at: null },
  });
  taskId = task.id;
}, 240_000);

afterAll(async () => {
  await h?.close();
});

describe('tasks in the console', () => {
  it('shows a run in the live feed as one row whose text grows, not one row per chunk', async () => {
    await h.nav('Tasks');
    await page.getByTestId('task-list').waitFor();
    h.fake.script(
      { text: 'Checking.', toolCalls: [{ name: 'file', arguments: { action: 'write', path: 'd.txt', content: 'x' } }] },
      { text: ANSWER, tokenDelayMs: 25 },
    );
    // Every distinct text of the first run row, in order, and the most rows the feed ever had.
    await page.evaluate(() => {
      const seen: string[] = [];
      const state = { seen, maxRows: 0 };
      Object.assign(window, { feedState: state });
      new MutationObserver(() => {
        const rows = document.querySelectorAll('[data-testid="task-run"]');
        state.maxRows = Math.max(state.maxRows, rows.length);
        const text = rows[0]?.querySelector('[data-testid="task-run-output"]')?.textContent ?? '';
        if (text && text !== seen[seen.length - 1]) seen.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    const row = page.getByRole('row').filter({ has: page.getByRole('button', { name: 'digest' }) });
    await row.getByRole('button', { name: 'Run now' }).click();
    const feed = page.getByTestId('task-feed');
    const run = feed.locator('[data-testid="task-run"][data-status="completed"]');
    await run.waitFor({ timeout: 20_000 });
    expect(await feed.locator('[data-testid="task-run"]').count()).toBe(1);
    expect(await run.getByTestId('task-run-output').textContent()).toContain(ANSWER);
    const state = await page.evaluate(
      () => (window as unknown as { feedState: { seen: string[]; maxRows: number } }).feedState,
    );
    expect(state.maxRows).toBe(1);
    // It grew while the model answered: many partial texts in one row.
    expect(state.seen.length).toBeGreaterThanOrEqual(5);
    await row.getByText('✓ 1').waitFor();
  });

  it('adds a failed run as its own row with the error visible', async () => {
    h.fake.script({ error: 400, message: 'the fake provider refuses this task' });
    const row = page.getByRole('row').filter({ has: page.getByRole('button', { name: 'digest' }) });
    await row.getByRole('button', { name: 'Run now' }).click();
    const failed = page.getByTestId('task-feed').locator('[data-testid="task-run"][data-status="failed"]');
    await failed.waitFor({ timeout: 20_000 });
    expect(await failed.getByTestId('task-run-error').textContent()).toContain('the fake provider refuses this task');
    expect(await page.getByTestId('task-feed').locator('[data-testid="task-run"]').count()).toBe(2);
    await h.shot('tasks');
  });

  it('shows each run’s output and error in the history, and its transcript one click away', async () => {
    await page.getByTestId('task-list').getByRole('button', { name: 'digest' }).click();
    const history = page.getByTestId('task-history');
    await history.locator('[data-testid="task-run"]').nth(1).waitFor();
    const runs = history.locator('[data-testid="task-run"]');
    expect(await runs.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-status')))).toEqual([
      'failed',
      'completed',
    ]);
    expect(await runs.nth(0).getByTestId('task-run-error').textContent()).toContain(
      'the fake provider refuses this task',
    );
    expect(await runs.nth(1).getByTestId('task-run-output').textContent()).toContain(ANSWER);

    await runs.nth(1).getByRole('button', { name: 'Transcript' }).click();
    const transcript = page.getByTestId('task-transcript');
    await transcript.locator('[data-testid="assistant-message"][data-run-status="completed"]').waitFor();
    // The input (as Markdown), the tool call and the answer of the agent run, and the run's own record.
    expect(await transcript.locator('.message.user strong').textContent()).toBe('the day');
    expect(await transcript.getByTestId('tool-call').locator('summary').textContent()).toBe('filecompleted');
    expect(await transcript.getByTestId('assistant-message').textContent()).toContain(ANSWER);
    expect(await transcript.locator('[data-testid="task-run"]').getAttribute('data-status')).toBe('completed');
    expect(page.url()).toContain(`run=`);
    await h.shot('tasks-transcript');

    const events = await h.sdk.tasks.events.list.query({ task_id: taskId });
    const completed = events.find((e) => e.event_type === 'completed');
    expect(page.url()).toContain(`run=${completed?.run_id}`);
  });

  it('disables Run now on a paused task and says why, with no stale next run', async () => {
    const row = page.getByRole('row').filter({ has: page.getByRole('button', { name: 'digest' }) });
    await row.getByRole('button', { name: 'Pause' }).click();
    await row.getByRole('button', { name: 'Resume' }).waitFor();
    const runNow = row.getByRole('button', { name: 'Run now' });
    expect(await runNow.isDisabled()).toBe(true);
    expect(await runNow.getAttribute('title')).toMatch(/resume/i);
    expect(await row.locator('td').nth(3).textContent()).toBe('—');
  });
});
