import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { resolvePaths } from '@restflow/paths';
import { createTestServices } from '@restflow/testkit';
import { InvalidInputError } from '../src/index.ts';
import { scriptLang } from '../src/skills/skill-folder-sync.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-skills-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function write(relative: string, text: string): void {
  const file = path.join(dir, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

describe('skill folder sync', () => {
  it('creates, then skips everything on a second run, then updates what changed', async () => {
    const s = createTestServices();
    write('web-search/SKILL.md', '---\nname: Web Search\ndescription: Finds things\n---\n\nSearch well.');
    write('web-search/scripts/search.py', 'print(1)');
    write('web-search/scripts/lib/util.sh', 'echo');
    write('web-search/scripts/data.bin', '');
    write('Plain Notes/SKILL.md', 'No frontmatter here.');
    write('no-skill-file/README.md', 'ignored');
    write('.hidden/SKILL.md', '---\nname: Hidden\n---\n');
    write('broken/SKILL.md', '---\nname: [oops\n---\n');

    const first = await s.skills.syncFolder(dir);
    expect(first).toMatchObject({ scanned: 3, created: 2, updated: 0, skipped: 0 });
    expect(first.errors).toEqual([
      { path: path.join(dir, 'broken', 'SKILL.md'), message: expect.stringMatching(/SKILL\.md: invalid YAML/) },
    ]);

    const web = s.skills.get('web-search');
    expect(web).toMatchObject({
      name: 'Web Search',
      description: 'Finds things',
      content: 'Search well.',
      folder_path: path.join(dir, 'web-search'),
      storage_mode: 'Hybrid',
      is_synced: true,
    });
    expect(web.content_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(web.scripts).toEqual([
      { id: 'data', path: 'scripts/data.bin' },
      { id: 'lib/util', path: 'scripts/lib/util.sh', lang: 'bash' },
      { id: 'search', path: 'scripts/search.py', lang: 'python' },
    ]);
    expect(s.skills.get('plain-notes')).toMatchObject({ name: 'Plain Notes', content: 'No frontmatter here.' });

    const second = await s.skills.syncFolder(dir);
    expect(second).toMatchObject({ scanned: 3, created: 0, updated: 0, skipped: 2 });

    s.clock.advance(100);
    write('web-search/scripts/extra.js', '');
    write('Plain Notes/SKILL.md', '---\nname: Notes\nscripts:\n  - id: main\n    path: ./scripts/main.ts\n---\n\nNew');
    write('Plain Notes/scripts/main.ts', '');
    const third = await s.skills.syncFolder(dir);
    expect(third).toMatchObject({ scanned: 3, created: 0, updated: 2, skipped: 0 });
    expect(s.skills.get('web-search').scripts?.map((x) => x.id)).toContain('extra');
    // A declared script is not duplicated by discovery.
    expect(s.skills.get('plain-notes').scripts).toEqual([{ id: 'main', path: './scripts/main.ts' }]);
    expect(s.skills.get('plain-notes').created_at).toBeLessThan(s.skills.get('plain-notes').updated_at);
  });

  it('uses the data dir skills folder by default and rejects a missing dir naming `dir`', async () => {
    const paths = { ...resolvePaths(path.dirname(dir)), skillsDir: dir };
    const s = createTestServices({ paths });
    write('one/SKILL.md', '---\nname: One\n---\n');
    expect(await s.skills.syncFolder()).toMatchObject({ scanned: 1, created: 1 });

    await expect(s.skills.syncFolder(path.join(dir, 'missing'))).rejects.toThrow(
      /dir: .* is not an existing directory/,
    );
    await expect(createTestServices().skills.syncFolder()).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('maps script languages by extension', () => {
    expect(scriptLang('a.PY')).toBe('python');
    expect(scriptLang('a.mjs')).toBe('javascript');
    expect(scriptLang('a.txt')).toBeUndefined();
  });
});
