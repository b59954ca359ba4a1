// One real console for a browser e2e file: the fake LLM provider, a daemon on a temp data dir serving the built
// console on a free port, a signed-in headless Chromium page, and screenshots kept as test artifacts.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRestflowClient, type RestflowClient } from '@restflow/api/client';
import { type FakeProvider, startFakeProvider } from '@restflow/fake-provider';
import { removeDataDir, startTestDaemon, type TestDaemon, tempDataDir } from '@restflow/testkit';
import type { Page } from 'playwright-core';
import { type Browser, CHROMIUM, ensureConsoleBuilt, freePort, launchBrowser, outDir } from './browser.ts';

/** Screenshots of every page land here (gitignored), one folder per e2e file. */
export const artifactsDir = fileURLToPath(new URL('../../../artifacts/console/', import.meta.url));

export interface ConsoleOptions {
  /** Names the artifacts folder and the data dir. */
  name: string;
  /** The daemon's provider environment; default: an Anthropic key and every base URL at the fake provider. */
  env?: (fake: FakeProvider) => Record<string, string>;
  /** Leave the page on about:blank (the test signs in itself). */
  signIn?: boolean;
}

export interface ConsoleHarness {
  fake: FakeProvider;
  daemon: TestDaemon;
  sdk: RestflowClient;
  browser: Browser;
  page: Page;
  port: number;
  origin: string;
  dataDir: string;
  timings: Record<string, number>;
  env: Record<string, string>;
  signIn(p?: Page): Promise<void>;
  nav(name: string): Promise<void>;
  connection(status: string, p?: Page): Promise<void>;
  /** Saves a full-page screenshot as artifacts/console/<file>/<name>.png and returns its path. */
  shot(name: string, p?: Page): Promise<string>;
  close(): Promise<void>;
}

export const defaultProviderEnv = (fake: FakeProvider): Record<string, string> => ({
  ...fake.env(),
  ANTHROPIC_API_KEY: 'sk-ant-e2e',
  OPENAI_API_KEY: '',
});

export async function startConsole(options: ConsoleOptions): Promise<ConsoleHarness> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: apt-get install chromium (what .ci/run does), or set RESTFLOW_CHROMIUM`,
    );
  }
  const timings: Record<string, number> = {};
  let started = Date.now();
  ensureConsoleBuilt();
  timings.ensureBuiltMs = Date.now() - started;
  const dataDir = tempDataDir(`rfweb-${options.name}`);
  const shots = path.join(artifactsDir, options.name);
  fs.mkdirSync(shots, { recursive: true });
  const [fake, port] = await Promise.all([startFakeProvider(), freePort()]);
  const origin = `http://127.0.0.1:${port}`;
  const env = {
    ...(options.env ?? defaultProviderEnv)(fake),
    RESTFLOW_HTTP_PORT: String(port),
    RESTFLOW_WEB_DIR: outDir,
  };
  started = Date.now();
  const daemon = await startTestDaemon(dataDir, env);
  timings.daemonStartMs = Date.now() - started;
  const sdk = createRestflowClient({ dataDir });
  started = Date.now();
  const browser = await launchBrowser();
  timings.browserLaunchMs = Date.now() - started;
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());

  const connection = (status: string, p: Page = page) =>
    p.locator(`[data-testid="connection"][data-status="${status}"]`).waitFor({ timeout: 15_000 });
  const harness: ConsoleHarness = {
    fake,
    daemon,
    sdk,
    browser,
    page,
    port,
    origin,
    dataDir,
    timings,
    env,
    connection,
    async signIn(p = page) {
      const { url } = await sdk.system.consoleUrl.query();
      await p.goto(url);
      await p.waitForURL(`${origin}/`);
      await connection('connected', p);
    },
    nav: (name) => page.getByRole('navigation').getByRole('link', { name, exact: true }).click(),
    async shot(name, p = page) {
      const file = path.join(shots, `${name}.png`);
      await p.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close() {
      await browser.close();
      sdk.close();
      await harness.daemon.stop();
      await fake.close();
      removeDataDir(dataDir);
      process.stderr.write(
        `console e2e ${options.name}: screenshots in ${shots}; timings ${JSON.stringify(timings)}\n`,
      );
    },
  };
  if (options.signIn !== false) await harness.signIn();
  return harness;
}
