// `restflow skill …` against a real auto-started daemon.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { removeDataDir, runCli, runCliJson, stopDaemonFor, tempDataDir } from '@restflow/testkit';

const dataDir = tempDataDir();
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-skill-work-'));
afterAll(async () => {
  await stopDaemonFor(dataDir);
  removeDataDir(dataDir);
  fs.rmSync(workDir, { recursive: true, force: true });
});

const opts = { dataDir };

interface Skill {
  id: string;
  name: string;
  description: string | null;
  tags: string[] | null;
  content: string;
  created_at: number;
  updated_at: number;
  storage_mode: string;
  scripts?: { id: string; path: string; lang?: string }[];
}

describe('restflow skill', () => {
  it('creates, lists, shows, updates, exports, imports back identically, and deletes', async () => {
    const bodyFile = path.join(workDir, 'body.md');
    fs.writeFileSync(bodyFile, '# Review\n\nCheck tests first.\n');
    const created = await runCli(
      [
        'skill',
        'create',
        '-n',
        'Code Review',
        '--description',
        'Reviews diffs',
        '--tags',
        'dev,review',
        '--file',
        bodyFile,
      ],
      opts,
    );
    expect(created.code).toBe(0);
    expect(created.stdout).toBe('Skill created: Code Review (code-review)\n');
    const second = await runCliJson<Skill>(
      ['skill', 'create', '-n', 'Notes', '--id', 'notes', '--content', 'Short.'],
      opts,
    );
    expect(second).toMatchObject({ id: 'notes', content: 'Short.', tags: null });

    const table = await runCli(['skill', 'list'], opts);
    expect(table.stdout).toMatch(/ID\s+│\s+Name\s+│\s+Updated\s+│\s+Tags/);
    expect(table.stdout).toMatch(/code-review\s+│\s+Code Review\s+│.*│\s+dev, review/);
    const shown = await runCli(['skill', 'show', 'code'], opts);
    expect(shown.stdout).toMatch(/Description:\s+Reviews diffs/);
    expect(shown.stdout).toContain('Check tests first.');

    const updated = await runCliJson<Skill>(
      ['skill', 'update', 'code-review', '--tags', 'dev', '-n', 'Code Review 2'],
      opts,
    );
    expect(updated).toMatchObject({ name: 'Code Review 2', tags: ['dev'], description: 'Reviews diffs' });

    const stdout = await runCli(['skill', 'export', 'code-review'], opts);
    expect(stdout.stdout).toBe(
      '---\nname: Code Review 2\ndescription: Reviews diffs\ntags:\n  - dev\n---\n\n# Review\n\nCheck tests first.\n',
    );
    const exportFile = path.join(workDir, 'Exported Review.md');
    const toFile = await runCli(['skill', 'export', 'code-review', '-o', exportFile], opts);
    expect(toFile.stdout).toBe(`Skill exported: code-review → ${exportFile}\n`);
    expect(fs.readFileSync(exportFile, 'utf8')).toBe(stdout.stdout);

    // Re-import under the same id: identical apart from updated_at.
    const before = await runCliJson<Skill>(['skill', 'show', 'code-review'], opts);
    const reimported = await runCliJson<Skill>(['skill', 'import', exportFile, '--id', 'code-review'], opts);
    expect({ ...reimported, updated_at: 0 }).toEqual({ ...before, updated_at: 0 });
    // Without --id the id is the slug of the file name.
    const copy = await runCli(['skill', 'import', exportFile], opts);
    expect(copy.stdout).toBe('Skill imported: Code Review 2 (exported-review)\n');

    const deleted = await runCli(['skill', 'delete', 'exported-review'], opts);
    expect(deleted.stdout).toBe('Skill deleted: exported-review\n');
    const ids = (await runCliJson<Skill[]>(['skill', 'list'], opts)).map((s) => s.id);
    expect(ids.sort()).toEqual(['code-review', 'notes']);
  });

  it('syncs a folder of SKILL.md folders, skipping everything the second time', async () => {
    const skillsDir = path.join(workDir, 'skills');
    fs.mkdirSync(path.join(skillsDir, 'greeter', 'scripts'), { recursive: true });
    fs.writeFileSync(path.join(skillsDir, 'greeter', 'SKILL.md'), '---\nname: Greeter\n---\n\nSay hello.');
    fs.writeFileSync(path.join(skillsDir, 'greeter', 'scripts', 'hello.sh'), 'echo hello');

    const first = await runCli(['skill', 'sync', skillsDir], opts);
    expect(first.stdout).toBe('Scanned 1: 1 created, 0 updated, 0 unchanged\n');
    const second = await runCliJson(['skill', 'sync', skillsDir], opts);
    expect(second).toEqual({ scanned: 1, created: 0, updated: 0, skipped: 1, errors: [] });
    const greeter = await runCliJson<Skill>(['skill', 'show', 'greeter'], opts);
    expect(greeter).toMatchObject({
      storage_mode: 'Hybrid',
      scripts: [{ id: 'hello', path: 'scripts/hello.sh', lang: 'bash' }],
    });
  });

  it('reports errors clearly with a non-zero exit', async () => {
    const missing = await runCli(['skill', 'show', 'nope'], opts);
    expect([missing.code, missing.stderr]).toEqual([1, 'Error: Skill nope not found\n']);
    const duplicate = await runCli(['skill', 'create', '-n', 'Notes', '--id', 'notes'], opts);
    expect([duplicate.code, duplicate.stderr]).toEqual([1, 'Error: Skill notes already exists\n']);
    const badId = await runCli(['skill', 'create', '-n', 'X', '--id', 'Bad_Id'], opts);
    expect(badId.code).toBe(1);
    expect(badId.stderr).toMatch(/^Error: id: skill id "Bad_Id" must use only/);
    const noFrontmatter = path.join(workDir, 'plain.md');
    fs.writeFileSync(noFrontmatter, '# just markdown');
    const badImport = await runCli(['skill', 'import', noFrontmatter], opts);
    expect(badImport.stderr).toMatch(/^Error: markdown: must start with a YAML frontmatter block/);
    const noFile = await runCli(['skill', 'import', path.join(workDir, 'absent.md')], opts);
    expect([noFile.code, noFile.stderr]).toEqual([
      1,
      `Error: cannot read file ${path.join(workDir, 'absent.md')}: ENOENT\n`,
    ]);
    const both = await runCli(['skill', 'create', '-n', 'X', '--content', 'a', '--file', noFrontmatter], opts);
    expect(both.code).toBe(2);
    const noDir = await runCli(['skill', 'sync', path.join(workDir, 'missing')], opts);
    expect(noDir.stderr).toMatch(/^Error: dir: .* is not an existing directory/);
  });
});
