import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { createTestCaller, createTestServices, errorOf } from '@restflow/testkit';

describe('skills router', () => {
  it('creates, lists, gets by prefix, updates, exports, imports and deletes', async () => {
    const services = createTestServices();
    const { caller } = createTestCaller(services);
    const created = await caller.skills.create({ name: 'Release Notes', tags: ['docs'], content: '# Notes' });
    expect(created).toMatchObject({ id: 'release-notes', description: null, storage_mode: 'DatabaseOnly' });
    services.clock.advance(1);
    await caller.skills.create({ id: 'other', name: 'Other' });
    expect((await caller.skills.list()).map((s) => s.id)).toEqual(['other', 'release-notes']);
    expect((await caller.skills.get({ id: 'rel' })).name).toBe('Release Notes');

    const updated = await caller.skills.update({
      id: 'release-notes',
      description: 'Writes notes',
      gating: { os: ['linux'] },
    });
    expect(updated).toMatchObject({ description: 'Writes notes', gating: { os: ['linux'] }, tags: ['docs'] });
    const cleared = await caller.skills.update({ id: 'release-notes', description: null });
    expect(cleared.description).toBeNull();

    const exported = await caller.skills.export({ id: 'release-notes' });
    expect(exported).toEqual({
      id: 'release-notes',
      filename: 'release-notes.md',
      markdown: expect.stringMatching(/^---\nname: Release Notes\n/),
    });
    await caller.skills.delete({ id: 'release-notes' });
    const reimported = await caller.skills.import({ markdown: exported.markdown });
    expect(reimported).toMatchObject({
      id: 'release-notes',
      tags: ['docs'],
      gating: { os: ['linux'] },
      content: '# Notes',
    });
    const renamedImport = await caller.skills.import({ id: 'copy', markdown: exported.markdown });
    expect(renamedImport.id).toBe('copy');
    expect(await caller.skills.delete({ id: 'copy' })).toEqual({ deleted: true, id: 'copy' });
  });

  it('maps NOT_FOUND, CONFLICT and BAD_REQUEST with the field named', async () => {
    const { caller } = createTestCaller();
    await caller.skills.create({ id: 'dup', name: 'Dup' });
    const conflict = await errorOf(caller.skills.create({ id: 'dup', name: 'Again' }));
    expect(conflict.code).toBe('CONFLICT');
    expect(conflict.message).toBe('Skill dup already exists');

    for (const call of [
      caller.skills.get({ id: 'nope' }),
      caller.skills.update({ id: 'nope', name: 'x' }),
      caller.skills.delete({ id: 'nope' }),
      caller.skills.export({ id: 'nope' }),
    ]) {
      const error = await errorOf(call);
      expect(error.code).toBe('NOT_FOUND');
      expect(error.message).toBe('Skill nope not found');
    }

    const badId = await errorOf(caller.skills.create({ id: 'Bad Id', name: 'x' }));
    expect(badId.code).toBe('BAD_REQUEST');
    expect(badId.message).toMatch(/^id: /);
    const noName = await errorOf(caller.skills.create({ name: ' ' }));
    expect(noName.code).toBe('BAD_REQUEST');
    expect(noName.message).toMatch(/name/);
    const extra = await errorOf(caller.skills.create({ name: 'x', colour: 'red' } as never));
    expect(extra.code).toBe('BAD_REQUEST');
    const badMarkdown = await errorOf(caller.skills.import({ markdown: '# no frontmatter' }));
    expect(badMarkdown.code).toBe('BAD_REQUEST');
    expect(badMarkdown.message).toMatch(/^markdown: /);
    const badImportId = await errorOf(caller.skills.import({ id: '-x', markdown: '---\nname: X\n---\n' }));
    expect(badImportId.message).toMatch(/^id: /);
  });

  it('syncs a folder (second run skips everything) and validates dir', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-api-skills-'));
    try {
      fs.mkdirSync(path.join(dir, 'greeter'));
      fs.writeFileSync(path.join(dir, 'greeter', 'SKILL.md'), '---\nname: Greeter\n---\n\nSay hi.');
      const { caller } = createTestCaller();
      expect(await caller.skills.sync({ dir })).toEqual({ scanned: 1, created: 1, updated: 0, skipped: 0, errors: [] });
      expect(await caller.skills.sync({ dir })).toEqual({ scanned: 1, created: 0, updated: 0, skipped: 1, errors: [] });
      const relative = await errorOf(caller.skills.sync({ dir: 'relative/dir' }));
      expect(relative.code).toBe('BAD_REQUEST');
      expect(relative.message).toMatch(/dir: must be an absolute path/);
      const missing = await errorOf(caller.skills.sync({ dir: path.join(dir, 'missing') }));
      expect(missing.code).toBe('BAD_REQUEST');
      expect(missing.message).toMatch(/^dir: /);
      const noDefault = await errorOf(caller.skills.sync());
      expect(noDefault.message).toMatch(/^dir: /);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
