// The interactive REST reference at /api/docs in headless Chromium against a daemon on a real port: Swagger UI
// (served from the installed swagger-ui-dist) renders every operation of the generated document, under the page's
// content security policy, without one request leaving the daemon. Screenshots: artifacts/api-docs/.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { REST_ROUTES } from '@restflow/api/server';
import { removeDataDir, tempDataDir } from '@restflow/testkit';
import { type BrowserContext, chromium } from 'playwright-core';
import { createLogger, type RunningDaemon, startDaemon } from '../src/index.ts';

const CHROMIUM = process.env.RESTFLOW_CHROMIUM ?? '/usr/bin/chromium';
const artifacts = fileURLToPath(new URL('../../../artifacts/api-docs/', import.meta.url));

let daemon: RunningDaemon;
let dataDir: string;
let base: string;
let context: BrowserContext;
let profileDir: string;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium`);
  dataDir = tempDataDir('rf-docs');
  daemon = await startDaemon({
    dataDir,
    logger: createLogger(undefined, 'silent'),
    http: { host: '127.0.0.1', port: 0 },
  });
  base = daemon.status().transports.find((t) => t.kind === 'http')?.address as string;
  profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-chromium-'));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    viewport: { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(20_000);
}, 60_000);

afterAll(async () => {
  await context?.close();
  if (profileDir) fs.rmSync(profileDir, { recursive: true, force: true });
  await daemon?.stop('test over');
  if (dataDir) removeDataDir(dataDir);
});

describe('REST reference page', () => {
  it('serves the page with a policy that allows only its own scripts, and only the package files it needs', async () => {
    const page = await fetch(`${base}/api/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("connect-src 'self'");
    const html = await page.text();
    expect(html).not.toMatch(/<script>|https?:\/\//);
    const bundle = await fetch(`${base}/api/docs/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toContain('text/javascript');
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    // Nothing else of the package (nor of the disk) is reachable.
    expect((await fetch(`${base}/api/docs/package.json`)).status).toBe(404);
    expect((await fetch(`${base}/api/docs/..%2F..%2Fpackage.json`)).status).toBe(404);
  });

  it('renders every operation of the document in headless Chromium', async () => {
    const page = await context.newPage();
    const problems: string[] = [];
    const foreign: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(base) && !url.startsWith('data:')) foreign.push(url);
    });

    await page.goto(`${base}/api/docs`);
    await page.locator('.info .title', { hasText: 'RestFlow daemon API' }).waitFor();
    const operations = page.locator('.opblock');
    await operations.nth(REST_ROUTES.length - 1).waitFor();
    expect(await operations.count()).toBe(REST_ROUTES.length);
    const paths = await page.locator('.opblock-summary-path').allInnerTexts();
    expect(paths.map((p) => p.replace(/\u200b/g, ''))).toEqual(
      expect.arrayContaining(['/api/agents/{id}', '/api/tasks/{id}/run']),
    );
    // The bearer scheme is offered.
    await page.locator('.btn.authorize').first().waitFor();

    fs.mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: path.join(artifacts, 'api-docs-top.png') });

    // One operation opened: its parameters and response schema are shown.
    const runNow = page
      .locator('.opblock-post')
      .filter({ has: page.locator('.opblock-summary-path[data-path="/api/tasks/{id}/run"]') });
    await runNow.locator('.opblock-summary').click();
    await runNow.locator('.parameters-container').waitFor();
    await runNow.locator('.responses-wrapper').waitFor();
    const shot = path.join(artifacts, 'api-docs.png');
    await page.screenshot({ path: shot, fullPage: false });
    expect(fs.statSync(shot).size).toBeGreaterThan(10_000);

    expect(problems).toEqual([]);
    expect(foreign).toEqual([]);
    await page.close();
  }, 60_000);
});
