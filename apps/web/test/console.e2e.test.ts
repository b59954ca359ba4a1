// The web console end to end: a real daemon (LLM = the fake provider) serving apps/web/out on its loopback
// listener, driven by headless Chromium through the pages a person uses. Other pages have their own e2e files
// (console-*.e2e.test.ts) so each can run alone.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRestflowClient } from '@restflow/api/client';
import { startTestDaemon } from '@restflow/testkit';
import type { Page } from 'playwright-core';
import { freePort } from './browser.ts';
import { type ConsoleHarness, startConsole } from './console-harness.ts';

let h: ConsoleHarness;
let page: Page;

const connection = (status: string, p: Page = page) => h.connection(status, p);
const nav = (name: string) => h.nav(name);
const shot = (name: string) => h.shot(name);

beforeAll(async () => {
  h = await startConsole({ name: 'core', signIn: false });
  page = h.page;
}, 240_000);

afterAll(async () => {
  await h?.close();
});

describe('web console in a browser', () => {
  it('signs in through the console URL and creates an agent through the form, with errors shown inline', async () => {
    const { url } = await h.sdk.system.consoleUrl.query();
    expect(url).toMatch(new RegExp(`^${h.origin}/auth\\?token=[\\w-]{43}$`));
    const started = Date.now();
    await page.goto(url);
    await page.waitForURL(`${h.origin}/`);
    await connection('connected');
    h.timings.signInToConnectedMs = Date.now() - started;

    await nav('Agents');
    await page.waitForURL(`${h.origin}/agents`);
    await page.getByRole('button', { name: 'New agent' }).click();
    const form = page.getByRole('form', { name: 'New agent' });
    await form.getByLabel('Name', { exact: true }).fill('writer');
    await form.getByLabel('Model', { exact: true }).fill('no-such-model');
    await form.getByLabel('System prompt', { exact: true }).fill('You write tersely.');
    await form.getByLabel('file', { exact: true }).check();
    // Checked in the page with the daemon's own schemas before anything is sent: the error sits on its field.
    await form.getByLabel('Temperature', { exact: true }).fill('5');
    await form.getByRole('button', { name: 'Create agent' }).click();
    expect(await form.getByTestId('field-error').textContent()).toMatch(/<=\s*2/);
    expect(await form.getByLabel('Temperature', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect((await h.sdk.agents.list.query()).some((a) => a.name === 'writer')).toBe(false);
    await form.getByLabel('Temperature', { exact: true }).fill('');
    // What only the daemon knows (its model catalogue) comes back as fieldErrors and lands on the field too.
    await form.getByRole('button', { name: 'Create agent' }).click();
    expect(await form.getByRole('alert').textContent()).toMatch(/agent\.model: unknown model "no-such-model"/);
    expect(await form.getByTestId('field-error').textContent()).toMatch(/unknown model "no-such-model"/);

    await form.getByLabel('Model', { exact: true }).fill('sonnet');
    await form.getByRole('button', { name: 'Create agent' }).click();
    await page.getByTestId('agent-list').getByRole('button', { name: 'writer' }).waitFor();
    const agents = await h.sdk.agents.list.query();
    expect(agents.find((a) => a.name === 'writer')?.agent).toEqual({
      // `sonnet` is an alias: whichever Sonnet the catalogue names today.
      model: expect.stringMatching(/^claude-sonnet-/),
      prompt: 'You write tersely.',
      tools: ['file'],
    });
  });

  it('streams the answer into the chat token by token, then keeps it in the session', async () => {
    const writer = page.getByRole('row').filter({ has: page.getByRole('button', { name: 'writer' }) });
    await writer.getByRole('link', { name: 'Chat →' }).click();
    await page.waitForURL(/\/\?agent=/);
    h.fake.script({ text: 'Hello from the fake model', tokenDelayMs: 120 });
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
    h.timings.firstTokenVisibleMs = Date.now() - sent;
    await page.locator('[data-testid="assistant-message"][data-run-status="completed"]').waitFor();
    h.timings.answerCompleteMs = Date.now() - sent;

    const texts = await page.evaluate(() => (window as unknown as { runTexts: string[] }).runTexts);
    expect(texts.at(-1)).toBe('Hello from the fake model');
    // It grew while the model was still answering: several partial texts, each extending the one before.
    expect(texts.length).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < texts.length; i++) expect(texts[i]?.startsWith(texts[i - 1] ?? '')).toBe(true);

    expect(page.url()).toMatch(/\?session=/);
    expect(await page.getByTestId('user-message').textContent()).toBe('Say hello');
    await page.getByTestId('session-list').getByText('Hello from the fake model').waitFor();
    const [session] = await h.sdk.sessions.list.query();
    expect(session?.message_count).toBe(2);
  });

  it('shows a tool call with its arguments and result', async () => {
    h.fake.script(
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
    const writer = (await h.sdk.agents.list.query()).find((a) => a.name === 'writer');
    expect(writer?.agent).toMatchObject({ model: expect.stringMatching(/^claude-sonnet-/), tools: ['file', 'bash'] });

    await page.goto(chatUrl);
    h.fake.script(
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
    expect((await h.sdk.security.approvals.list.query({ status: 'approved' })).map((a) => a.command)).toEqual([
      'touch approved.txt',
    ]);
  });

  it('cancels a running answer from the Cancel button', async () => {
    h.fake.script({ hang: true });
    await page.getByLabel('Message').fill('take your time');
    await page.getByLabel('Message').press('Enter');
    const cancel = page.getByRole('button', { name: 'Cancel', exact: true });
    await cancel.click();
    await page.locator('[data-testid="assistant-message"][data-run-status="cancelled"]').waitFor();
    await page.getByRole('button', { name: 'Send' }).waitFor();
    const [run] = await h.sdk.runs.list.query({ limit: 1 });
    expect(run?.status).toBe('cancelled');
  });

  it('shows an agent created, then renamed, by a separate SDK client live, without navigation', async () => {
    await nav('Agents');
    await page.getByTestId('agent-list').getByRole('button', { name: 'writer' }).waitFor();
    const url = page.url();
    const list = page.getByTestId('agent-list');
    const created = await h.sdk.agents.create.mutate({ name: 'from-sdk', agent: { model: 'gpt-5' } });
    const started = Date.now();
    await list.getByRole('button', { name: 'from-sdk' }).waitFor({ timeout: 5_000 });
    h.timings.sdkAgentVisibleMs = Date.now() - started;
    await h.sdk.agents.update.mutate({ id: created.id, name: 'from-sdk-renamed' });
    await list.getByRole('button', { name: 'from-sdk-renamed' }).waitFor({ timeout: 5_000 });
    expect(page.url()).toBe(url);
    await shot('agents');
  });

  it('refuses the socket to a page of another origin, even one that sends the cookie', async () => {
    const other = await h.browser.context.newPage();
    await other.goto(h.fake.url);
    const outcome = await other.evaluate(
      (url) =>
        new Promise<string>((resolve) => {
          const socket = new WebSocket(url);
          socket.onopen = () => resolve('open');
          socket.onclose = (event) => resolve(`closed ${event.code}`);
        }),
      `ws://127.0.0.1:${h.port}/trpc`,
    );
    expect(outcome).toBe('closed 1006');
    await other.close();
  });

  it('reconnects after a daemon restart and shows what changed meanwhile', async () => {
    await nav('Agents');
    await connection('connected');
    await h.daemon.stop();
    await connection('offline');
    // Changes made while the page cannot connect: a daemon on another HTTP port, then back on the usual one.
    const elsewhere = await startTestDaemon(h.dataDir, { ...h.env, RESTFLOW_HTTP_PORT: String(await freePort()) });
    const client = createRestflowClient({ dataDir: h.dataDir });
    await client.agents.create.mutate({ name: 'while-away', agent: {} });
    client.close();
    await elsewhere.stop();
    h.daemon = await startTestDaemon(h.dataDir, h.env);
    const started = Date.now();
    await connection('connected');
    await page.getByTestId('agent-list').getByRole('button', { name: 'while-away' }).waitFor();
    h.timings.restartToFreshDataMs = Date.now() - started;
  });

  it('tells a browser without the sign-in cookie to run `restflow console`', async () => {
    await h.browser.context.clearCookies();
    const fresh = await h.browser.context.newPage();
    await fresh.goto(`${h.origin}/tasks`);
    await connection('unauthorised', fresh);
    expect(await fresh.getByRole('main').getByRole('alert').textContent()).toContain('restflow console');
    await fresh.emulateMedia({ colorScheme: 'dark' });
    await h.shot('unauthorised-dark', fresh);
    const { url } = await h.sdk.system.consoleUrl.query();
    await fresh.goto(url);
    await connection('connected', fresh);
    await fresh.close();
  });
});
