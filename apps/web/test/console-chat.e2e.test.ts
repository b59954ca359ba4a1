// The chat as people read it: Markdown answers (tables, highlighted code, safe links), hostile model output that
// must not run, what a message keeps after a reload, the sidebar's answering/failed states, a fix offered in
// place when the agent cannot answer, and the conversation on narrow screens.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { type ConsoleHarness, startConsole } from './console-harness.ts';

let h: ConsoleHarness;
let page: Page;
let agentId: string;
let sessionUrl: string;
const dialogs: string[] = [];

const MARKDOWN_ANSWER = [
  'Here is **bold** text and a [docs link](https://example.com/docs).',
  '',
  '| Name | Value |',
  '|------|-------|',
  '| alpha | 1 |',
  '| beta | 2 |',
  '',
  '```ts',
  'const answer: number = 42;',
  '',
  'function twice(x: number) {',
  '  return x * 2;',
  '}',
  '```',
  '',
  'Done.',
].join('\n');

const HOSTILE_ANSWER = [
  'Trying things:',
  '',
  "<script>window.__xss = 'script'</script>",
  '',
  '<img src="x" onerror="window.__xss = \'img\'">',
  '',
  "[click me](javascript:window.__xss='link')",
  '',
  '<a href="javascript:window.__xss=\'a\'">raw link</a> and <iframe src="javascript:alert(1)"></iframe>',
  '',
  '![pixel](javascript:alert(2))',
].join('\n');

const answers = () => page.locator('[data-testid="assistant-message"]');
const lastAnswer = () => answers().last();
/** How many answers the conversation had before the last send: the next answer's index. */
let nextAnswer = 0;

async function send(text: string) {
  nextAnswer = await answers().count();
  await page.getByLabel('Message').fill(text);
  await page.getByLabel('Message').press('Enter');
}

/** The answer to the last send reached `status`. */
async function waitForStatus(status: string) {
  await answers()
    .nth(nextAnswer)
    .and(page.locator(`[data-run-status="${status}"]`))
    .waitFor();
}

/** Nothing the model wrote ran: no global set, no dialog, no script/iframe/img element in the conversation. */
async function expectNothingRan() {
  expect(await page.evaluate(() => (window as unknown as { __xss?: string }).__xss)).toBeUndefined();
  expect(dialogs).toEqual([]);
  const messages = page.getByTestId('messages');
  expect(await messages.locator('script, iframe, img, object, embed').count()).toBe(0);
  for (const href of await messages.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))) {
    expect(href ?? '').not.toMatch(/^\s*javascript:/i);
  }
}

beforeAll(async () => {
  h = await startConsole({ name: 'chat' });
  page = h.page;
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  const agent = await h.sdk.agents.create.mutate({ name: 'writer', agent: { model: 'sonnet', tools: ['file'] } });
  agentId = agent.id;
}, 240_000);

afterAll(async () => {
  await h?.close();
});

describe('chat in the console', () => {
  it('renders a Markdown answer: a table, a highlighted monospace code block and a link that opens safely', async () => {
    await page.goto(`${h.origin}/?agent=${agentId}`);
    h.fake.script({ text: MARKDOWN_ANSWER, tokenDelayMs: 5 });
    await send('Show me **markdown**');
    await waitForStatus('completed');
    sessionUrl = page.url();
    const answer = lastAnswer();

    expect(await answer.locator('table th').allTextContents()).toEqual(['Name', 'Value']);
    expect(await answer.locator('table tbody tr').count()).toBe(2);
    expect(await answer.locator('table tbody tr').first().locator('td').allTextContents()).toEqual(['alpha', '1']);

    const code = answer.locator('pre code');
    expect(await code.textContent()).toContain('const answer: number = 42;');
    expect(await code.textContent()).toContain('\n\nfunction twice');
    expect(await code.getAttribute('class')).toMatch(/\bhljs\b.*language-ts|language-ts.*\bhljs\b/);
    expect(await code.locator('.hljs-keyword').first().textContent()).toBe('const');
    const font = await code.evaluate((node) => getComputedStyle(node).fontFamily);
    expect(font).toMatch(/monospace|Menlo|Consolas|SFMono/);

    const link = answer.getByRole('link', { name: 'docs link' });
    expect(await link.getAttribute('href')).toBe('https://example.com/docs');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await answer.locator('strong').first().textContent()).toBe('bold');
    // The user's own message is Markdown too.
    expect(await page.getByTestId('user-message').locator('strong').textContent()).toBe('markdown');

    // After a reload the stored message renders the same way.
    await page.reload();
    await h.connection('connected');
    await lastAnswer().locator('table tbody tr').nth(1).waitFor();
    expect(await lastAnswer().locator('table tbody tr').count()).toBe(2);
    expect(await lastAnswer().locator('pre code .hljs-keyword').first().textContent()).toBe('const');
    await h.shot('chat-markdown');
  });

  it('streams Markdown block by block: finished blocks are not re-rendered while the answer grows', async () => {
    await page.goto(sessionUrl);
    await h.connection('connected');
    await answers().first().waitFor();
    h.fake.script({
      text: 'First paragraph stays.\n\n```js\nlet x = 1;\n```\n\nThe last paragraph grows word by word until it ends.',
      tokenDelayMs: 40,
    });
    await send('stream it');
    const answer = answers().nth(nextAnswer);
    // Once the last paragraph has begun, the paragraph and the code block before it are complete.
    await answer.locator('p').filter({ hasText: 'The last' }).waitFor();
    // Mark the finished nodes; if a later token re-rendered them, React would replace or rewrite them.
    await answer.evaluate((node) => {
      const marked = Array.from(node.querySelectorAll('[data-testid="run-content"] p, pre')).filter(
        (el) => !el.textContent?.startsWith('The last'),
      );
      const record = { marked, mutated: 0 };
      Object.assign(window, { streamCheck: record });
      const observer = new MutationObserver((mutations) => {
        for (const m of mutations) {
          if (marked.some((el) => el === m.target || el.contains(m.target))) record.mutated++;
        }
      });
      observer.observe(node, { subtree: true, childList: true, characterData: true });
    });
    await waitForStatus('completed');
    const check = await page.evaluate(() => {
      const record = (window as unknown as { streamCheck: { marked: Element[]; mutated: number } }).streamCheck;
      return { connected: record.marked.map((el) => el.isConnected), mutated: record.mutated };
    });
    expect(check.connected).toEqual([true, true]);
    expect(check.mutated).toBe(0);
    expect(await answer.locator('p').last().textContent()).toBe('The last paragraph grows word by word until it ends.');
  });

  it('never runs a script, event handler or javascript: link from a model’s answer, live or after a reload', async () => {
    h.fake.script({ text: HOSTILE_ANSWER, tokenDelayMs: 2 });
    await send('try to break out');
    await waitForStatus('completed');
    await expectNothingRan();
    const answer = lastAnswer();
    // Raw HTML is shown as the text it is, not dropped silently and not rendered.
    expect(await answer.textContent()).toContain("<script>window.__xss = 'script'</script>");
    const link = answer.getByText('click me');
    await link.click();
    await expectNothingRan();

    await page.reload();
    await h.connection('connected');
    await lastAnswer().getByText('click me').click();
    await expectNothingRan();
    await h.shot('chat-hostile');
  });

  it('keeps model, status and "1 tool call" after a reload, shows a failure reason without a click, and marks the session', async () => {
    h.fake.script(
      { text: 'Saving.', toolCalls: [{ name: 'file', arguments: { action: 'write', path: 'a.txt', content: 'x' } }] },
      { text: 'Saved.' },
    );
    await send('save a file');
    await waitForStatus('completed');
    expect(await lastAnswer().getByTestId('tool-count').textContent()).toBe('1 tool call');
    const sessionId = new URL(page.url()).searchParams.get('session') as string;
    const stored = (await h.sdk.sessions.get.query({ id: sessionId })).messages.at(-1);
    const model = stored?.execution?.model as string;
    expect(model).toEqual(expect.any(String));

    await page.reload();
    await h.connection('connected');
    const reloaded = lastAnswer();
    expect(await reloaded.getByTestId('tool-count').textContent()).toBe('1 tool call');
    expect(await reloaded.locator('.role .mono').textContent()).toBe(model);
    expect(await reloaded.locator('.role .badge').textContent()).toBe('completed');
    expect(await reloaded.getAttribute('data-run-status')).toBe('completed');

    // A provider error: the reason is on the message, live and after a reload, and the sidebar says failed.
    h.fake.script({ error: 400, message: 'the fake provider refuses this request' });
    await send('this one fails');
    await waitForStatus('failed');
    expect(await lastAnswer().getByTestId('message-error').textContent()).toContain(
      'the fake provider refuses this request',
    );
    await page.reload();
    await h.connection('connected');
    expect(await lastAnswer().getByTestId('message-error').textContent()).toContain(
      'the fake provider refuses this request',
    );
    const item = page.getByTestId('session-list').locator(`.session-item.active`);
    await item.and(page.locator('[data-state="failed"]')).waitFor();
    expect(await item.textContent()).toContain('failed');
    await h.shot('chat-failed');

    // While an answer streams, the sidebar says so; after a cancel it does not.
    h.fake.script({ hang: true });
    await send('take your time');
    await item.and(page.locator('[data-state="answering"]')).waitFor();
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await waitForStatus('cancelled');
    await item.and(page.locator('[data-state="idle"]')).waitFor();
  });

  it('offers a model picker in place when the agent has no model, then answers', async () => {
    const bare = await h.sdk.agents.create.mutate({ name: 'no-model', agent: { prompt: 'Be brief.' } });
    await page.goto(`${h.origin}/?agent=${bare.id}`);
    await h.connection('connected');
    await send('hello?');
    const fix = page.getByTestId('fix-agent');
    await fix.waitFor();
    expect(await fix.textContent()).toContain('no model');
    expect(await fix.textContent()).not.toMatch(/restflow agent update/);
    await h.shot('chat-fix-model');
    h.fake.script({ text: 'Now I can answer.' });
    const models = (await h.sdk.models.list.query()).flatMap((l) =>
      l.models.map((m) => ({ ...m, provider: l.provider })),
    );
    const anthropic = models.find((m) => m.provider === 'anthropic');
    await fix.getByLabel('Model', { exact: true }).selectOption(anthropic?.id as string);
    await fix.getByRole('button', { name: 'Save and send again' }).click();
    await waitForStatus('completed');
    expect(await lastAnswer().textContent()).toContain('Now I can answer.');
    expect(await page.getByTestId('user-message').last().textContent()).toBe('hello?');
    expect(await page.getByLabel('Message').inputValue()).toBe('');
    expect((await h.sdk.agents.get.query({ id: bare.id })).agent.model).toBe(anthropic?.id);
  });

  it('offers to store the missing API key in place, then answers with it', async () => {
    const models = (await h.sdk.models.list.query()).flatMap((l) =>
      l.models.map((m) => ({ ...m, provider: l.provider })),
    );
    const openai = models.find((m) => m.provider === 'openai');
    const keyless = await h.sdk.agents.create.mutate({ name: 'keyless', agent: { model: openai?.id } });
    await page.goto(`${h.origin}/?agent=${keyless.id}`);
    await h.connection('connected');
    await send('are you there?');
    const fix = page.getByTestId('fix-agent');
    await fix.waitFor();
    expect(await fix.textContent()).toContain('No API key');
    expect(await fix.getByLabel('Secret name', { exact: true }).inputValue()).toBe('OPENAI_API_KEY');
    h.fake.script({ text: 'Yes, with the new key.' });
    await fix.getByLabel('API key', { exact: true }).fill('sk-typed-in-the-chat');
    await fix.getByRole('button', { name: 'Save and send again' }).click();
    await waitForStatus('completed');
    expect(await lastAnswer().textContent()).toContain('Yes, with the new key.');
    expect(h.fake.requests.at(-1)?.headers.authorization).toBe('Bearer sk-typed-in-the-chat');
    expect(await page.content()).not.toContain('sk-typed-in-the-chat');
    expect((await h.sdk.secrets.list.query()).map((s) => s.key)).toContain('OPENAI_API_KEY');
  });

  it('shows the conversation at 420 px (sessions behind a toggle) and at 760 px', async () => {
    await page.goto(sessionUrl);
    await page.setViewportSize({ width: 420, height: 820 });
    await h.connection('connected');
    const messages = page.getByTestId('messages');
    await messages.locator('[data-testid="assistant-message"]').first().waitFor();
    const box = await messages.boundingBox();
    expect(box?.width).toBeGreaterThan(380);
    expect(await page.getByRole('complementary', { name: 'Chat sessions' }).isVisible()).toBe(false);
    expect(await page.getByLabel('Message').isVisible()).toBe(true);
    // Nothing wider than the screen: no sideways scrolling of the page.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(420);
    await h.shot('chat-420');
    await page.getByRole('button', { name: 'Chats' }).click();
    await page.getByRole('complementary', { name: 'Chat sessions' }).waitFor();
    await h.shot('chat-420-sessions');
    await page.getByRole('complementary', { name: 'Chat sessions' }).getByRole('button', { name: 'Close' }).click();
    await page.getByRole('complementary', { name: 'Chat sessions' }).waitFor({ state: 'hidden' });

    await page.setViewportSize({ width: 760, height: 820 });
    expect(await messages.isVisible()).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(760);
    await h.shot('chat-760');
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});

describe('a long chat history', () => {
  it('lists the newest 50 chats and loads older ones as the list scrolls to its end', async () => {
    // Last in the file: the other tests find their sessions near the top of the list.
    const before = (await h.sdk.sessions.list.query()).length;
    for (let i = 0; i < 55; i++) await h.sdk.sessions.create.mutate({ agent_id: agentId, name: `old chat ${i}` });
    const all = (await h.sdk.sessions.list.query()).map((session) => session.name);
    expect(all).toHaveLength(before + 55);
    await page.goto(h.origin);
    const items = page.getByTestId('session-list').locator('.session-item');
    await items.nth(49).waitFor();
    expect(await items.count()).toBe(50);
    // Scrolling to the end of the list loads the next page, as many times as there are pages.
    while ((await items.count()) < all.length) {
      const count = await items.count();
      await page.getByRole('button', { name: 'Older chats' }).scrollIntoViewIfNeeded();
      await items.nth(count).waitFor();
    }
    // Every chat once, in the daemon's order (the newest first); names are shown as inline Markdown.
    expect(await items.locator('.name').allTextContents()).toEqual(all.map((name) => name.replaceAll('**', '')));
    await page.getByRole('button', { name: 'Older chats' }).waitFor({ state: 'detached' });
    await h.shot('chat-sidebar-scrolled');
  }, 120_000);
});
