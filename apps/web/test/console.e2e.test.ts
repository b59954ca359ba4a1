// The web console end to end: a real daemon (LLM = the fake provider) serving apps/web/out on its loopback
// listener, driven by headless Chromium through the pages a person uses.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRestflowClient, type RestflowClient } from '@restflow/api/client';
import { type FakeProvider, startFakeProvider } from '@restflow/fake-provider';
import { removeDataDir, startTestDaemon, type TestDaemon, tempDataDir } from '@restflow/testkit';
import type { Page } from 'playwright-core';
import { type Browser, CHROMIUM, ensureConsoleBuilt, freePort, launchBrowser, outDir } from './browser.ts';

const dataDir = tempDataDir('rfweb');
const shotsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'restflow-console-'));
const timings: Record<string, number> = {};
let fake: FakeProvider;
let daemon: TestDaemon;
let sdk: RestflowClient;
let browser: Browser;
let page: Page;
let port: number;
let origin: string;

const daemonEnv = (httpPort: number) => ({
  ...fake.env(),
  ANTHROPIC_API_KEY: 'sk-ant-e2e',
  OPENAI_API_KEY: '',
  RESTFLOW_HTTP_PORT: String(httpPort),
  RESTFLOW_WEB_DIR: outDir,
});

const connection = (status: string, p: Page = page) =>
  p.locator(`[data-testid="connection"][data-status="${status}"]`).waitFor({ timeout: 15_000 });

const nav = (name: string) => page.getByRole('navigation').getByRole('link', { name, exact: true }).click();

const shot = async (name: string) => {
  const file = path.join(shotsDir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
};

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: apt-get install chromium (what .ci/run does), or set RESTFLOW_CHROMIUM`,
    );
  }
  let started = Date.now();
  ensureConsoleBuilt();
  timings.ensureBuiltMs = Date.now() - started;
  [fake, port] = await Promise.all([startFakeProvider(), freePort()]);
  origin = `http://127.0.0.1:${port}`;
  started = Date.now();
  daemon = await startTestDaemon(dataDir, daemonEnv(port));
  timings.daemonStartMs = Date.now() - started;
  sdk = createRestflowClient({ dataDir });
  started = Date.now();
  browser = await launchBrowser();
  timings.browserLaunchMs = Date.now() - started;
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
}, 240_000);

afterAll(async () => {
  await browser?.close();
  sdk?.close();
  await daemon?.stop();
  await fake?.close();
  removeDataDir(dataDir);
  process.stderr.write(`console e2e: screenshots in ${shotsDir}; timings ${JSON.stringify(timings)}\n`);
});

describe('web console in a browser', () => {
  it('signs in through the console URL and creates an agent through the form, with errors shown inline', async () => {
    const { url } = await sdk.system.consoleUrl.query();
    expect(url).toMatch(new RegExp(`^${origin}/auth\\?token=[\\w-]{43}$`));
    const started = Date.now();
    await page.goto(url);
    await page.waitForURL(`${origin}/`);
    await connection('connected');
    timings.signInToConnectedMs = Date.now() - started;

    await nav('Agents');
    await page.waitForURL(`${origin}/agents`);
    await page.getByRole('button', { name: 'New agent' }).click();
    const form = page.getByRole('form', { name: 'New agent' });
    await form.getByLabel('Name', { exact: true }).fill('writer');
    await form.getByLabel('Model', { exact: true }).fill('no-such-model');
    await form.getByLabel('System prompt', { exact: true }).fill('You write tersely.');
    await form.getByLabel('file', { exact: true }).check();
    await form.getByRole('button', { name: 'Create agent' }).click();
    expect(await form.getByRole('alert').textContent()).toMatch(/agent\.model: unknown model "no-such-model"/);

    await form.getByLabel('Model', { exact: true }).fill('sonnet');
    await form.getByRole('button', { name: 'Create agent' }).click();
    await page.getByTestId('agent-list').getByRole('button', { name: 'writer' }).waitFor();
    const agents = await sdk.agents.list.query();
    expect(agents.find((a) => a.name === 'writer')?.agent).toEqual({
      model: 'claude-sonnet-5-5',
      prompt: 'You write tersely.',
      tools: ['file'],
    });
  });

  it('streams the answer into the chat token by token, then keeps it in the session', async () => {
    const writer = page.getByRole('row').filter({ has: page.getByRole('button', { name: 'writer' }) });
    await writer.getByRole('link', { name: 'Chat →' }).click();
    await page.waitForURL(/\/\?agent=/);
    fake.script({ text: 'Hello from the fake model', tokenDelayMs: 30 });
    // Every text the streaming message shows, in order.
    await page.evaluate(() => {
      const seen: string[] = [];
      Object.assign(window, { runTexts: seen });
      new MutationObserver(() => {
        const text = document.querySelector('[data-testid="run-content"]')?.textContent ?? '';
        if (text && text !== seen[seen.length - 1]) seen.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    const message = page.getByLabel('Message');
    await message.fill('Say hello');
    const sent = Date.now();
    await message.press('Enter');
    await page.locator('[data-testid="run-content"]').filter({ hasText: /\S/ }).waitFor();
    timings.firstTokenVisibleMs = Date.now() - sent;
    await page.locator('[data-testid="assistant-message"][data-run-status="completed"]').waitFor();
    timings.answerCompleteMs = Date.now() - sent;

    const texts = await page.evaluate(() => (window as unknown as { runTexts: string[] }).runTexts);
    expect(texts.at(-1)).toBe('Hello from the fake model');
    // It grew while the model was still answering: several partial texts, each extending the one before.
    expect(texts.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < texts.length; i++) expect(texts[i]?.startsWith(texts[i - 1] ?? '')).toBe(true);

    expect(page.url()).toMatch(/\?session=/);
    expect(await page.getByTestId('user-message').textContent()).toBe('Say hello');
    await page.getByTestId('session-list').getByText('Hello from the fake model').waitFor();
    const [session] = await sdk.sessions.list.query();
    expect(session?.message_count).toBe(2);
  });

  it('shows a tool call with its arguments and result', async () => {
    fake.script(
      {
        text: 'Saving it.',
        toolCalls: [{ name: 'file', arguments: { action: 'write', path: 'notes.txt', content: 'buy milk' } }],
      },
      { text: ' Saved in notes.txt.', tokenDelayMs: 5 },
    );
    await page.getByLabel('Message').fill('remember: buy milk');
    await page.getByLabel('Message').press('Enter');
    const answer = page.locator('[data-testid="assistant-message"]').nth(1);
    await answer.and(page.locator('[data-run-status="completed"]')).waitFor();
    const tool = answer.getByTestId('tool-call');
    expect(await tool.locator('summary').textContent()).toBe('filecompleted');
    await tool.locator('summary').click();
    const details = await tool.textContent();
    expect(details).toContain('"path": "notes.txt"');
    expect(details).toMatch(/Result.*notes\.txt/s);
    // Text, then the tool call, then the rest of the answer, in the order they streamed.
    expect(await answer.getByTestId('run-content').allTextContents()).toEqual(['Saving it.', 'Saved in notes.txt.']);
    expect(
      await answer
        .locator('[data-testid="run-content"], [data-testid="tool-call"]')
        .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-testid'))),
    ).toEqual(['run-content', 'tool-call', 'run-content']);
    await shot('chat');
  });

  it('edits the agent to allow bash, then approves its command from the chat', async () => {
    const chatUrl = page.url();
    await nav('Agents');
    await page.getByTestId('agent-list').getByRole('button', { name: 'writer' }).click();
    const form = page.getByRole('form', { name: 'Edit agent' });
    await form.getByLabel('bash', { exact: true }).check();
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'detached' });
    const writer = (await sdk.agents.list.query()).find((a) => a.name === 'writer');
    expect(writer?.agent).toMatchObject({ model: 'claude-sonnet-5-5', tools: ['file', 'bash'] });

    await page.goto(chatUrl);
    fake.script(
      { toolCalls: [{ name: 'bash', arguments: { command: 'touch approved.txt' } }] },
      { text: 'Created approved.txt.' },
    );
    await page.getByLabel('Message').fill('create approved.txt');
    await page.getByLabel('Message').press('Enter');
    const answer = page.locator('[data-testid="assistant-message"]').nth(2);
    const approval = answer.getByTestId('approval');
    expect(await approval.locator('code').textContent()).toBe('touch approved.txt');
    await approval.getByRole('button', { name: 'Approve' }).click();
    await answer.and(page.locator('[data-run-status="completed"]')).waitFor();
    expect(await approval.textContent()).toContain('approved');
    expect(await answer.getByTestId('tool-call').locator('summary').textContent()).toBe('bashcompleted');
    expect((await sdk.security.approvals.list.query({ status: 'approved' })).map((a) => a.command)).toEqual([
      'touch approved.txt',
    ]);
  });

  it('cancels a running answer from the Cancel button', async () => {
    fake.script({ hang: true });
    await page.getByLabel('Message').fill('take your time');
    await page.getByLabel('Message').press('Enter');
    const cancel = page.getByRole('button', { name: 'Cancel', exact: true });
    await cancel.click();
    await page.locator('[data-testid="assistant-message"][data-run-status="cancelled"]').waitFor();
    await page.getByRole('button', { name: 'Send' }).waitFor();
    const [run] = await sdk.runs.list.query({ limit: 1 });
    expect(run?.status).toBe('cancelled');
  });

  it('shows an agent created, then renamed, by a separate SDK client live, without navigation', async () => {
    await nav('Agents');
    await page.getByTestId('agent-list').getByRole('button', { name: 'writer' }).waitFor();
    const url = page.url();
    const list = page.getByTestId('agent-list');
    const created = await sdk.agents.create.mutate({ name: 'from-sdk', agent: { model: 'gpt-5' } });
    const started = Date.now();
    await list.getByRole('button', { name: 'from-sdk' }).waitFor({ timeout: 5_000 });
    timings.sdkAgentVisibleMs = Date.now() - started;
    await sdk.agents.update.mutate({ id: created.id, name: 'from-sdk-renamed' });
    await list.getByRole('button', { name: 'from-sdk-renamed' }).waitFor({ timeout: 5_000 });
    expect(page.url()).toBe(url);
    await shot('agents');
  });

  it('creates a task, runs it now and follows the run in the live feed', async () => {
    await nav('Tasks');
    await page.getByRole('button', { name: 'New task' }).click();
    const form = page.getByRole('form', { name: 'New task' });
    await form.getByLabel('Name', { exact: true }).fill('digest');
    await form.getByLabel('Agent', { exact: true }).selectOption({ label: 'writer' });
    await form.getByLabel('Every', { exact: true }).fill('2');
    await form.getByLabel('Unit', { exact: true }).selectOption('h');
    await form.getByLabel('Input', { exact: true }).fill('Summarise the day');
    await form.getByRole('button', { name: 'Create task' }).click();
    const row = page.getByRole('row').filter({ has: page.getByRole('button', { name: 'digest' }) });
    await row.waitFor();
    expect(await row.textContent()).toContain('every 2 h');
    const [task] = await sdk.tasks.list.query();
    expect(task?.schedule).toEqual({ type: 'interval', interval_ms: 7_200_000, start_at: null });

    fake.script({ text: 'Digest done.' });
    await row.getByRole('button', { name: 'Run now' }).click();
    const feed = page.getByTestId('task-feed');
    await feed.getByText('completed', { exact: true }).waitFor();
    expect(await feed.textContent()).toContain('Digest done.');
    await feed.getByText('started', { exact: true }).waitFor();
    await row.getByText('✓ 1').waitFor();
    await shot('tasks');
  });

  it('adds a note to memory and finds it by keywords and by regex', async () => {
    await nav('Memory');
    const note = page.getByRole('form', { name: 'Add a note' });
    await note.getByLabel('Note', { exact: true }).fill('The release train leaves on Thursdays at 10:00.');
    await note.getByLabel('Tags', { exact: true }).fill('release, schedule');
    await note.getByRole('button', { name: 'Add to memory' }).click();
    await note.getByText('Stored.').waitFor();

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
    expect(await page.getByRole('main').getByRole('alert').textContent()).toMatch(/regex|regular expression/i);
    await shot('memory');
  });

  it('stores a secret without ever showing its value', async () => {
    await nav('Settings');
    const form = page.getByRole('form', { name: 'Set a secret' });
    await form.getByLabel('Key', { exact: true }).fill('e2e_token');
    await form.getByLabel('Value', { exact: true }).fill('sup3r-s3cret-value');
    await form.getByLabel('Description', { exact: true }).fill('for the e2e test');
    await form.getByRole('button', { name: 'Save secret' }).click();
    await page.getByTestId('secret-list').getByText('E2E_TOKEN').waitFor();
    expect(await page.content()).not.toContain('sup3r-s3cret-value');
    expect((await sdk.secrets.list.query()).map((s) => s.key)).toContain('E2E_TOKEN');
    await shot('settings');
  });

  it('refuses the socket to a page of another origin, even one that sends the cookie', async () => {
    const other = await browser.context.newPage();
    await other.goto(fake.url);
    const outcome = await other.evaluate(
      (url) =>
        new Promise<string>((resolve) => {
          const socket = new WebSocket(url);
          socket.onopen = () => resolve('open');
          socket.onclose = (event) => resolve(`closed ${event.code}`);
        }),
      `ws://127.0.0.1:${port}/trpc`,
    );
    expect(outcome).toBe('closed 1006');
    await other.close();
  });

  it('reconnects after a daemon restart and shows what changed meanwhile', async () => {
    await nav('Agents');
    await connection('connected');
    await daemon.stop();
    await connection('offline');
    // Changes made while the page cannot connect: a daemon on another HTTP port, then back on the usual one.
    const elsewhere = await startTestDaemon(dataDir, daemonEnv(await freePort()));
    const client = createRestflowClient({ dataDir });
    await client.agents.create.mutate({ name: 'while-away', agent: {} });
    client.close();
    await elsewhere.stop();
    daemon = await startTestDaemon(dataDir, daemonEnv(port));
    const started = Date.now();
    await connection('connected');
    await page.getByTestId('agent-list').getByRole('button', { name: 'while-away' }).waitFor();
    timings.restartToFreshDataMs = Date.now() - started;
  });

  it('tells a browser without the sign-in cookie to run `restflow console`', async () => {
    await browser.context.clearCookies();
    const fresh = await browser.context.newPage();
    await fresh.goto(`${origin}/tasks`);
    await connection('unauthorised', fresh);
    expect(await fresh.getByRole('main').getByRole('alert').textContent()).toContain('restflow console');
    await fresh.emulateMedia({ colorScheme: 'dark' });
    await fresh.screenshot({ path: path.join(shotsDir, 'unauthorised-dark.png') });
    const { url } = await sdk.system.consoleUrl.query();
    await fresh.goto(url);
    await connection('connected', fresh);
    await fresh.close();
  });
});
