// The pages that used to be CLI-only — Skills, Auth profiles, Security — and Settings, through the browser; then
// every page once at desktop width and at 420 px, kept as screenshots.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { type ConsoleHarness, startConsole } from './console-harness.ts';

let h: ConsoleHarness;
let page: Page;

const SKILL = `---
name: Release notes
description: Write release notes from merged PRs
tags: [writing, release]
---

# Release notes

1. List the merged PRs
2. Group them by **area**
`;

const IMPORTED = `---
name: Triage
description: Sort new issues
---

Label each new issue and ask for a reproduction when it has none.
`;

const API_KEY = 'sk-e2e-auth-profile-secret-7f3a9c1234';

/** Accepts the next confirm() and returns its text. */
function acceptNextDialog(): Promise<string> {
  return new Promise((resolve) => {
    page.once('dialog', (dialog) => {
      void dialog.accept();
      resolve(dialog.message());
    });
  });
}

beforeAll(async () => {
  h = await startConsole({ name: 'pages' });
  page = h.page;
}, 240_000);

afterAll(async () => {
  await h?.close();
});

describe('Skills page', () => {
  it('creates a skill from Markdown with frontmatter, edits it, previews it and exports it', async () => {
    await h.nav('Skills');
    await page.getByRole('button', { name: 'New skill' }).click();
    const editor = page.getByLabel('Skill markdown');
    expect(await editor.inputValue()).toMatch(/^---\nname: /);
    await editor.fill(SKILL);
    await page.getByRole('button', { name: 'Create skill' }).click();
    await page.waitForURL(/\/skills\?id=release-notes$/);
    await page.getByTestId('skill-list').getByText('Write release notes from merged PRs').waitFor();
    const stored = await h.sdk.skills.get.query({ id: 'release-notes' });
    expect(stored).toMatchObject({ name: 'Release notes', tags: ['writing', 'release'] });
    expect(stored.content).toContain('2. Group them by **area**');

    // The editor shows the stored file; change the description and save.
    await page.getByLabel('Skill markdown').waitFor();
    const text = await page.getByLabel('Skill markdown').inputValue();
    expect(text).toContain('name: Release notes');
    await page
      .getByLabel('Skill markdown')
      .fill(text.replace('Write release notes from merged PRs', 'Release notes, grouped by area'));
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved.').waitFor();
    expect((await h.sdk.skills.get.query({ id: 'release-notes' })).description).toBe('Release notes, grouped by area');

    await page.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByTestId('skill-preview');
    expect(await preview.locator('h1').textContent()).toBe('Release notes');
    expect(await preview.locator('strong').textContent()).toBe('area');
    expect(await preview.textContent()).not.toContain('name: Release notes');
    await h.shot('skills');

    const downloading = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export .md' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe('release-notes.md');
    const exported = await h.sdk.skills.export.query({ id: 'release-notes' });
    expect(fs.readFileSync(await download.path(), 'utf8')).toBe(exported.markdown);
  });

  it('imports a .md file, refuses one without frontmatter with a clear error, and deletes a skill', async () => {
    const input = page.getByLabel('Skill file to import');
    await input.setInputFiles({ name: 'triage.md', mimeType: 'text/markdown', buffer: Buffer.from(IMPORTED) });
    await page.waitForURL(/\/skills\?id=triage$/);
    await page.getByTestId('skill-list').getByText('Sort new issues').waitFor();
    expect((await h.sdk.skills.get.query({ id: 'triage' })).content).toContain('ask for a reproduction');

    await input.setInputFiles({ name: 'bad.md', mimeType: 'text/markdown', buffer: Buffer.from('# no frontmatter') });
    expect(await page.getByRole('main').getByRole('alert').first().textContent()).toMatch(/frontmatter/);

    const asked = acceptNextDialog();
    await page.getByRole('button', { name: 'Delete' }).click();
    expect(await asked).toContain('triage');
    await page.waitForURL(/\/skills$/);
    await page.getByTestId('skill-list').getByText('Sort new issues').waitFor({ state: 'detached' });
    expect((await h.sdk.skills.list.query()).map((s) => s.id)).toEqual(['release-notes']);
  });
});

describe('Auth profiles page', () => {
  it('adds a profile without ever showing its key, tests it, disables and enables it', async () => {
    await h.nav('Auth profiles');
    const form = page.getByRole('form', { name: 'Add an auth profile' });
    await form.getByLabel('Name', { exact: true }).fill('work key');
    await form.getByLabel('Provider', { exact: true }).selectOption('openai');
    await form.getByLabel('API key', { exact: true }).fill(API_KEY);
    await form.getByLabel('Email', { exact: true }).fill('dev@example.com');
    await form.getByRole('button', { name: 'Add profile' }).click();
    const row = page.getByTestId('auth-list').locator('[data-testid="auth-profile"]').filter({ hasText: 'work key' });
    await row.waitFor();
    expect(await row.textContent()).toContain('sk-…1234');
    expect(await row.textContent()).toContain('available');
    expect(await form.getByLabel('API key', { exact: true }).inputValue()).toBe('');
    expect(await page.content()).not.toContain(API_KEY);

    await row.getByRole('button', { name: 'Test' }).click();
    const result = page.getByTestId('auth-test-result');
    await result.waitFor();
    expect(await result.textContent()).toMatch(/work key: OK — credential resolves \(sk-…1234\)/);

    await row.getByRole('button', { name: 'Disable' }).click();
    await row.getByText('disabled').waitFor();
    const byName = async () => (await h.sdk.auth.list.query()).find((p) => p.name === 'work key');
    expect((await byName())?.enabled).toBe(false);
    await h.shot('auth-profiles');
    await row.getByRole('button', { name: 'Enable' }).click();
    await row.getByText('available').waitFor();
    expect((await byName())?.enabled).toBe(true);
    expect(await page.content()).not.toContain(API_KEY);
  });
});

describe('Security page', () => {
  it('edits the policy and its block / approval / allow rules, and checks a command against them', async () => {
    await h.nav('Security');
    // The sandbox the daemon found is named (CI installs bubblewrap; the sandbox tests require it).
    const sandbox = page.getByTestId('tool-sandbox');
    await sandbox.getByText('bubblewrap').waitFor();
    expect(await sandbox.textContent()).toContain('run confined');
    const blocked = page.getByRole('form', { name: 'Add to Blocked' });
    await blocked.getByLabel('Pattern', { exact: true }).fill('terraform destroy *');
    await blocked.getByLabel('Description', { exact: true }).fill('never from an agent');
    await blocked.getByRole('button', { name: 'Add' }).click();
    await page.getByTestId('patterns-blocklist').getByText('terraform destroy *').waitFor();

    const approval = page.getByRole('form', { name: 'Add to Needs approval' });
    await approval.getByLabel('Pattern', { exact: true }).fill('git push *');
    await approval.getByRole('button', { name: 'Add' }).click();
    await page.getByTestId('patterns-approval_required').getByText('git push *').waitFor();

    const policy = await h.sdk.security.policy.get.query();
    expect(policy.blocklist).toContainEqual({
      pattern: 'terraform destroy *',
      description: 'never from an agent',
    });
    expect(policy.approval_required.map((p) => p.pattern)).toContain('git push *');

    const check = page.getByRole('form', { name: 'Check a command' });
    await check.getByLabel('Command', { exact: true }).fill('git push origin main');
    await check.getByRole('button', { name: 'Check' }).click();
    await page.getByTestId('check-result').getByText('Ask for approval').waitFor();
    await check.getByLabel('Command', { exact: true }).fill('terraform destroy -auto-approve');
    await check.getByRole('button', { name: 'Check' }).click();
    await page.getByTestId('check-result').getByText('Block', { exact: true }).waitFor();

    // Default action for unmatched commands, then a rule removed again.
    const form = page.getByRole('form', { name: 'Security policy' });
    await form.getByLabel('Commands no rule matches', { exact: true }).selectOption('block');
    await form.getByRole('button', { name: 'Save policy' }).click();
    await form.getByText('Saved.').waitFor();
    expect((await h.sdk.security.policy.get.query()).default_action).toBe('block');
    await page.getByRole('button', { name: 'Remove git push *' }).click();
    await page.getByTestId('patterns-approval_required').getByText('git push *').waitFor({ state: 'detached' });
    expect((await h.sdk.security.policy.get.query()).approval_required.map((p) => p.pattern)).not.toContain(
      'git push *',
    );
    await h.shot('security');
  });

  it('shows a pending approval live and records the decision', async () => {
    await h.sdk.security.approvals.create.mutate({ command: 'make deploy' });
    const pending = page.locator('.approval').filter({ hasText: 'make deploy' });
    await pending.waitFor();
    await pending.getByRole('button', { name: 'Approve' }).click();
    await pending.waitFor({ state: 'detached' });
    expect((await h.sdk.security.approvals.list.query({ status: 'approved' })).map((a) => a.command)).toEqual([
      'make deploy',
    ]);
    await page.reload();
    await h.connection('connected');
    await page.locator('.pattern').filter({ hasText: 'make deploy' }).getByText('approved').waitFor();
  });
});

describe('Settings page', () => {
  it('stores a secret without ever showing its value', async () => {
    await h.nav('Settings');
    const form = page.getByRole('form', { name: 'Set a secret' });
    await form.getByLabel('Key', { exact: true }).fill('e2e_token');
    await form.getByLabel('Value', { exact: true }).fill('sup3r-s3cret-value');
    await form.getByLabel('Description', { exact: true }).fill('for the e2e test');
    await form.getByRole('button', { name: 'Save secret' }).click();
    await page.getByTestId('secret-list').getByText('E2E_TOKEN').waitFor();
    expect(await page.content()).not.toContain('sup3r-s3cret-value');
    expect((await h.sdk.secrets.list.query()).map((s) => s.key)).toContain('E2E_TOKEN');
  });
});

describe('forms', () => {
  it('check their input with the daemon’s own schemas before sending, the error on its field', async () => {
    await h.nav('Tasks');
    await page.getByRole('button', { name: 'New task' }).click();
    const task = page.getByRole('form', { name: 'New task' });
    await task.getByLabel('Name', { exact: true }).fill('too often');
    await task.getByLabel('Every', { exact: true }).fill('0.5');
    await task.getByLabel('Unit', { exact: true }).selectOption('s');
    await task.getByRole('button', { name: 'Create task' }).click();
    expect(await task.getByTestId('field-error').textContent()).toMatch(/at least 1000 ms/);
    expect(await task.getByLabel('Every', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect((await h.sdk.tasks.list.query()).some((t) => t.name === 'too often')).toBe(false);

    await h.nav('Settings');
    const secret = page.getByRole('form', { name: 'Set a secret' });
    await secret.getByLabel('Key', { exact: true }).fill('not-a-key');
    await secret.getByLabel('Value', { exact: true }).fill('v');
    await secret.getByRole('button', { name: 'Save secret' }).click();
    expect(await secret.getByTestId('field-error').textContent()).toMatch(/only A-Z, 0-9 and _/);
    expect(await secret.getByLabel('Key', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect((await h.sdk.secrets.list.query()).map((s) => s.key)).not.toContain('NOT-A-KEY');
  });
});

describe('every page', () => {
  const PAGES = ['Chat', 'Agents', 'Tasks', 'Memory', 'Skills', 'Auth profiles', 'Security', 'Settings'];

  it('is kept as a screenshot at desktop width and at 420 px, without sideways scrolling when narrow', async () => {
    for (const width of [1280, 420]) {
      await page.setViewportSize({ width, height: 860 });
      for (const name of PAGES) {
        await h.nav(name);
        await page
          .getByRole('navigation')
          .getByRole('link', { name, exact: true })
          .and(page.locator('[aria-current="page"]'))
          .waitFor();
        await h.connection('connected');
        await page.locator('main h1, main [data-testid="messages"]').first().waitFor();
        const file = await h.shot(`page-${name.toLowerCase().replace(/\s+/g, '-')}-${width}`);
        expect(fs.statSync(file).size).toBeGreaterThan(1000);
        if (width === 420)
          expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(420);
      }
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
