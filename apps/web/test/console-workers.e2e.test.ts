// The Workers page and "Ran on" in a run's timeline, in a real browser (docs/workers.md): the daemon with the
// queue backend on a real redis-server, one `restflow-worker` process tagged gpu, a run it executed against the
// fake provider. Screenshots are kept as artifacts (artifacts/console/workers/).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { settledRun, startRedis, startTestWorker, type TestRedis, type TestWorker } from '@restflow/testkit';
import type { Page } from 'playwright-core';
import { type ConsoleHarness, startConsole } from './console-harness.ts';

let redis: TestRedis;
let h: ConsoleHarness;
let page: Page;
let worker: TestWorker | undefined;
let runId = '';

beforeAll(async () => {
  redis = await startRedis();
  h = await startConsole({
    name: 'workers',
    env: (fake) => ({
      ...fake.env(),
      ANTHROPIC_API_KEY: 'sk-ant-e2e',
      OPENAI_API_KEY: '',
      RESTFLOW_EXECUTION_BACKEND: 'queue',
      RESTFLOW_REDIS_URL: redis.url,
      RESTFLOW_WORKER_HEARTBEAT_MS: '500',
    }),
  });
  page = h.page;
  const { token } = await h.sdk.tokens.create.mutate({ name: 'console-worker' });
  worker = await startTestWorker({
    daemonUrl: `http://127.0.0.1:${h.port}`,
    token,
    name: 'console-gpu',
    args: ['--tags', 'gpu'],
  });
  const agent = await h.sdk.agents.create.mutate({ name: 'far-away', agent: { model: 'sonnet' } });
  h.fake.script({ text: 'answered on the gpu box' });
  runId = (await h.sdk.agents.run.mutate({ id: agent.id, input: 'where do you run?' })).run_id;
  expect((await settledRun(h.sdk, runId)).status).toBe('completed');
}, 300_000);

afterAll(async () => {
  await worker?.stop();
  await h?.close();
  await redis?.stop();
}, 60_000);

describe('Workers page', () => {
  it('lists the worker online with its tags, load and version', async () => {
    await h.nav('Workers');
    const row = page.locator('[data-testid="worker-row"][data-worker-name="console-gpu"]');
    await row.and(page.locator('[data-status="online"]')).waitFor();
    const text = (await row.textContent()) ?? '';
    expect(text).toContain('gpu');
    expect(await row.getByTestId('worker-load').textContent()).toBe('0/1');
    expect(text).toMatch(/\d+\.\d+\.\d+/);
    await h.shot('workers');
  });

  it("shows in a run's timeline the worker it ran on", async () => {
    await page.goto(`${h.origin}/runs?run=${runId}`);
    const placement = page.getByTestId('run-placement');
    await placement.and(page.locator('[data-backend="queue"]')).waitFor();
    expect(await placement.textContent()).toContain('console-gpu');
    await h.shot('run-placement');
  });

  it('does not scroll sideways at 420 px', async () => {
    await page.setViewportSize({ width: 420, height: 860 });
    await page.goto(`${h.origin}/workers`);
    await page.locator('[data-testid="worker-row"]').first().waitFor();
    await h.shot('workers-420');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(420);
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
