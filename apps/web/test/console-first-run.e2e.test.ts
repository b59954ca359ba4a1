// First run as a new user has it: a fresh data dir, only an OpenAI endpoint and key in the daemon's environment
// (pointing at the fake provider), and the console — no CLI command — chatting with the seeded Default Assistant.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { type ConsoleHarness, startConsole } from './console-harness.ts';

let h: ConsoleHarness;
let page: Page;

beforeAll(async () => {
  h = await startConsole({
    name: 'first-run',
    // Only OpenAI is configured; every other provider variable is blanked so the test machine's own cannot leak.
    env: (fake) => ({
      OPENAI_BASE_URL: fake.openaiBaseUrl,
      OPENAI_API_KEY: 'sk-first-run-e2e',
      ANTHROPIC_API_KEY: '',
      ANTHROPIC_BASE_URL: '',
      DEEPSEEK_API_KEY: '',
      DEEPSEEK_BASE_URL: '',
      OPENAI_COMPATIBLE_BASE_URL: '',
    }),
    signIn: false,
  });
  page = h.page;
}, 240_000);

afterAll(async () => {
  await h?.close();
});

describe('first run in the console', () => {
  it('chats with the Default Assistant on a fresh data dir with only an OpenAI key', async () => {
    // The sign-in link is what `restflow console` opens or a foreground daemon prints.
    await h.signIn();
    const agent = page.getByLabel('Agent', { exact: true });
    await agent.locator('option', { hasText: 'Default Assistant' }).waitFor({ state: 'attached' });
    expect(await agent.locator('option:checked').textContent()).toContain('Default Assistant');
    await h.shot('first-run-empty');

    h.fake.script({ text: 'Hello! I am your **Default Assistant**.', tokenDelayMs: 10 });
    await page.getByLabel('Message').fill('Hi there');
    await page.getByLabel('Message').press('Enter');
    const answer = page.locator('[data-testid="assistant-message"][data-run-status="completed"]');
    await answer.waitFor({ timeout: 20_000 });
    expect(await answer.locator('strong').textContent()).toBe('Default Assistant');
    expect(await page.getByTestId('fix-agent').count()).toBe(0);
    await h.shot('first-run-chat');

    // It went to the configured provider, with the configured key, as the seeded agent.
    expect(h.fake.requests.map((r) => r.api)).toEqual(['openai']);
    expect(h.fake.requests[0]?.headers.authorization).toBe('Bearer sk-first-run-e2e');
    const agents = await h.sdk.agents.list.query();
    expect(agents.map((a) => a.name)).toEqual(['Default Assistant']);
    const models = (await h.sdk.models.list.query()).flatMap((l) =>
      l.models.map((m) => ({ ...m, provider: l.provider })),
    );
    const model = models.find((m) => m.id === agents[0]?.agent.model);
    expect(model?.provider).toBe('openai');
  });
});
