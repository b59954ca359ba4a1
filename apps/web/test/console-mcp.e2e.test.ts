// The MCP servers page in a real browser: add a stdio server (the SDK-built test server), test it to see its
// tools, add an HTTP server whose header value never shows, see a failed test explained, remove a server.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mcpTestServerScript } from '@restflow/testkit';
import type { Page } from 'playwright-core';
import { type ConsoleHarness, startConsole } from './console-harness.ts';

let h: ConsoleHarness;
let page: Page;
const HEADER_VALUE = 'Bearer console-mcp-header-5e8b21';

beforeAll(async () => {
  h = await startConsole({ name: 'mcp' });
  page = h.page;
}, 240_000);

afterAll(async () => {
  await h?.close();
});

describe('MCP servers page', () => {
  it('adds, tests and removes servers; header values are never shown', async () => {
    await h.nav('MCP servers');
    const form = page.getByRole('form', { name: 'Add an MCP server' });
    await form.getByLabel('Name', { exact: true }).fill('tools');
    await form.getByLabel('Command', { exact: true }).fill(`${process.execPath} ${mcpTestServerScript}`);
    await form.getByRole('button', { name: 'Add server' }).click();
    const list = page.getByTestId('mcp-server-list');
    const row = list.locator('tr').filter({ hasText: 'tools' });
    await row.waitFor();
    expect(await h.sdk.mcp.get.query({ id: 'tools' })).toMatchObject({
      transport: 'stdio',
      command: process.execPath,
      args: [mcpTestServerScript],
    });

    await row.getByRole('button', { name: 'Test' }).click();
    const tools = page.getByTestId('mcp-tools');
    await tools.getByText('mcp:tools:echo').waitFor({ timeout: 30_000 });
    expect(await tools.textContent()).toContain('Echoes the text back, reversed');
    await h.shot('mcp-servers-tested');

    await form.getByLabel('Transport', { exact: true }).selectOption('http');
    await form.getByLabel('Name', { exact: true }).fill('offline');
    await form.getByLabel('URL', { exact: true }).fill('http://127.0.0.1:9/mcp');
    await form.getByLabel('Headers', { exact: true }).fill(`Authorization: ${HEADER_VALUE}`);
    await form.getByRole('button', { name: 'Add server' }).click();
    const offline = list.locator('tr').filter({ hasText: 'offline' });
    await offline.getByText('Authorization').waitFor();
    expect(await page.content()).not.toContain('console-mcp-header');
    await offline.getByRole('button', { name: 'Test' }).click();
    expect(await page.getByRole('main').getByRole('alert').first().textContent()).toMatch(
      /could not connect to MCP server offline/,
    );

    page.once('dialog', (dialog) => void dialog.accept());
    await offline.getByRole('button', { name: 'Remove' }).click();
    await offline.waitFor({ state: 'detached' });
    expect((await h.sdk.mcp.list.query()).map((s) => s.name)).toEqual(['tools']);
    await h.shot('mcp-servers');
  }, 120_000);
});
