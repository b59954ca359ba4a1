// The desktop window's page as a real page in headless Chromium: the bundled renderer (dist/renderer, loaded
// from a file:// URL like Electron's loadFile), a test bridge standing in for the preload, and main's real
// IPC handler forwarding over the pipe to a real daemon whose LLM is the fake provider. A chat reply streams
// through the same ipcLink code path as in the app.
import { execFileSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRestflowClient } from '@restflow/api/client';
import { createIPCHandler, ELECTRON_TRPC_CHANNEL, type IPCHandler } from '@restflow/electron-trpc/main';
import { type FakeProvider, startFakeProvider } from '@restflow/fake-provider';
import { removeDataDir, startTestDaemon, type TestDaemon, tempDataDir } from '@restflow/testkit';
import type { Page } from 'playwright-core';
import { type Browser, CHROMIUM, launchBrowser } from '../../web/test/browser.ts';
import { connectToDaemon, type DaemonConnection } from '../src/main/daemon-connection.ts';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const artifacts = fileURLToPath(new URL('../../../artifacts/desktop/', import.meta.url));

let fake: FakeProvider;
let daemon: TestDaemon;
let dataDir: string;
let connection: DaemonConnection;
let handler: IPCHandler;
let browser: Browser;
let page: Page;
let webContents: ReturnType<typeof pageWebContents> | undefined;
const ipcMain = new EventEmitter();
/** Replies main sent to the page, by kind, to show what crossed the bridge. */
const replies = { data: 0, started: 0, stopped: 0, error: 0 };

/** The page's web contents as main's handler sees it: replies are delivered into the page, in order. */
function pageWebContents(target: Page) {
  const contents = new EventEmitter() as EventEmitter & {
    id: number;
    isDestroyed(): boolean;
    send(channel: string, message: unknown): void;
    /** Settles once every reply sent so far has reached the page. */
    drained(): Promise<void>;
  };
  let queue = Promise.resolve();
  contents.id = 1;
  contents.isDestroyed = () => target.isClosed();
  contents.send = (_channel, message) => {
    const m = message as { result?: { type: keyof typeof replies }; error?: unknown };
    if (m.error !== undefined) replies.error++;
    else if (m.result) replies[m.result.type]++;
    // Playwright serializes the argument: a structured copy, like Electron's IPC.
    queue = queue
      .then(() =>
        target.evaluate((msg) => (window as unknown as { __toPage(m: unknown): void }).__toPage(msg), message),
      )
      // Electron drops a message to a window that has closed meanwhile; so does this stand-in (a reply still in
      // flight when afterAll closes the browser is not a failure of the test).
      .catch((error: unknown) => {
        if (!target.isClosed()) throw error;
      });
  };
  contents.drained = () => queue;
  return contents;
}

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium, or set RESTFLOW_CHROMIUM`);
  // The same bundle the app ships (esbuild, a few seconds).
  execFileSync(process.execPath, [path.join(appDir, 'scripts/build.mjs')], { stdio: ['ignore', 'ignore', 'inherit'] });
  fs.mkdirSync(artifacts, { recursive: true });
  fake = await startFakeProvider();
  dataDir = tempDataDir('rfdesk');
  daemon = await startTestDaemon(dataDir, { ...fake.env(), ANTHROPIC_API_KEY: 'sk-ant-e2e', OPENAI_API_KEY: '' });
  connection = connectToDaemon(daemon.pipe);
  handler = createIPCHandler({ client: connection.forward, ipcMain: ipcMain as never });
  browser = await launchBrowser();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  // Says why later steps fail with "Target page ... has been closed" when Chromium's renderer dies.
  page.on('crash', () => console.error('desktop renderer test: the Chromium page crashed'));
  webContents = pageWebContents(page);
  handler.attachWindow({ webContents } as never);
  // The test bridge: what exposeElectronTRPC() gives the page, with the IPC hop replaced by Playwright's.
  await page.exposeFunction('__toMain', (message: unknown) =>
    ipcMain.emit(ELECTRON_TRPC_CHANNEL, { sender: webContents }, message),
  );
  await page.addInitScript(() => {
    const listeners: ((m: unknown) => void)[] = [];
    const w = window as unknown as Record<string, unknown>;
    w.__toPage = (message: unknown) => {
      for (const listener of listeners) listener(message);
    };
    w.electronTRPC = {
      sendMessage: (message: unknown) => (w.__toMain as (m: unknown) => void)(message),
      onMessage: (callback: (m: unknown) => void) => listeners.push(callback),
    };
  });
}, 240_000);

afterAll(async () => {
  // Main stops replying first; then the page gets what was already sent, and only then does it close.
  handler?.dispose();
  connection?.close();
  await webContents?.drained();
  await browser?.close();
  await daemon?.stop();
  await fake?.close();
  if (dataDir) removeDataDir(dataDir);
});

describe('desktop renderer bundle in Chromium', () => {
  it('streams a chat reply from the daemon through ipcLink, under the strict CSP', async () => {
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const sdk = createRestflowClient({ dataDir });
    const agent = await sdk.agents.create.mutate({ name: 'desk-writer', agent: { model: 'sonnet' } });
    sdk.close();

    await page.goto(`${pathToFileURL(path.join(appDir, 'dist/renderer/index.html')).href}#/?agent=${agent.id}`);
    await page.locator('[data-testid="connection"][data-status="connected"]').waitFor({ timeout: 15_000 });
    const reply = 'Hello from the desktop window, one token at a time, over IPC.';
    fake.script({ text: reply, tokenDelayMs: 20 });
    const dataBefore = replies.data;
    await page.getByLabel('Message').fill('Say hello');
    await page.getByLabel('Message').press('Enter');
    const answer = page.locator('[data-testid="assistant-message"]').last();
    await answer.and(page.locator('[data-run-status="completed"]')).waitFor({ timeout: 30_000 });
    expect(await answer.textContent()).toContain(reply);
    // The run's events came as many IPC replies (a stream), not one answer at the end.
    expect(replies.data - dataBefore).toBeGreaterThan(5);
    expect(page.url()).toMatch(/#\/\?session=/);
    await page.screenshot({ path: path.join(artifacts, 'desktop-chat.png'), fullPage: true });

    // The shell's navigation works on hash routes from a file:// page.
    await page.getByRole('navigation').getByRole('link', { name: 'Agents', exact: true }).click();
    await page.getByText('desk-writer').first().waitFor();
    expect(page.url()).toMatch(/#\/agents$/);
    expect(violations).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(handler.activeOperations()).toBeGreaterThan(0); // the change feed stays subscribed
  });

  it('approves a waiting command from the window, where an approval notification leads', async () => {
    const sdk = createRestflowClient({ dataDir });
    try {
      const other = await sdk.security.approvals.create.mutate({ command: 'ls /tmp/rf-desktop-other' });
      const approval = await sdk.security.approvals.create.mutate({ command: 'rm -rf /tmp/rf-desktop-window' });
      // The route a clicked approval notification opens.
      await page.goto(
        `${pathToFileURL(path.join(appDir, 'dist/renderer/index.html')).href}#/settings?approval=${approval.id}`,
      );
      const row = page.locator('.approval', { hasText: 'rm -rf /tmp/rf-desktop-window' });
      await row.waitFor({ timeout: 15_000 });
      // The one the notification named is marked; the others are not.
      expect(await row.getAttribute('aria-current')).toBe('true');
      expect(await row.evaluate((el) => el.classList.contains('focused'))).toBe(true);
      const otherRow = page.locator('.approval', { hasText: 'ls /tmp/rf-desktop-other' });
      await otherRow.waitFor({ timeout: 15_000 });
      expect(await otherRow.getAttribute('aria-current')).toBeNull();
      await page.screenshot({ path: path.join(artifacts, 'desktop-approval.png'), fullPage: true });
      await row.getByRole('button', { name: 'Approve' }).click();
      await row.waitFor({ state: 'detached', timeout: 15_000 });
      expect((await sdk.security.approvals.get.query({ id: approval.id })).status).toBe('approved');
      await sdk.security.approvals.reject.mutate({ id: other.id });
    } finally {
      sdk.close();
    }
  });
});
