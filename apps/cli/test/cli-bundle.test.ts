// The CLI ships as one bundle (scripts/bundle.mjs --all-deps --cjs): its npm packages inside, split so a command loads
// only what it runs. Built here into a temp dir, the bundle must stay a client — no core, no db, no SQLite driver,
// in the entry or any chunk — and run on its own, without the workspace's node_modules.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RESTFLOW_VERSION } from '@restflow/paths';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
let outDir: string;

beforeAll(() => {
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-cli-bundle-'));
  execFileSync(
    process.execPath,
    [
      path.join(repoRoot, 'scripts/bundle.mjs'),
      '--all-deps',
      '--cjs',
      'apps/cli/src/main.ts',
      path.join(outDir, 'restflow.cjs'),
    ],
    { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] },
  );
}, 120_000);

afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

describe('the CLI bundle', () => {
  it('holds no daemon-side code: its sources list and every output file say so', () => {
    const sources = JSON.parse(fs.readFileSync(path.join(outDir, 'restflow.inputs.json'), 'utf8')) as string[];
    expect(sources).toContain('apps/cli/src/main.ts');
    expect(sources.filter((s) => /^packages\/(core|db)\//.test(s))).toEqual([]);
    // The bins stat each listed source to know whether the bundle is current: every one must be a file.
    expect(sources.filter((s) => !fs.existsSync(path.join(repoRoot, s)))).toEqual([]);
    const outputs = [
      path.join(outDir, 'restflow.cjs'),
      ...fs.readdirSync(path.join(outDir, 'chunks')).map((f) => path.join(outDir, 'chunks', f)),
    ].filter((f) => f.endsWith('.cjs'));
    expect(outputs.length).toBeGreaterThan(1);
    for (const file of outputs) {
      const text = fs.readFileSync(file, 'utf8');
      expect([path.basename(file), /drizzle-orm|better-sqlite3|packages\/core\/src/.test(text)]).toEqual([
        path.basename(file),
        false,
      ]);
    }
  });

  it('is CommonJS throughout (scripts/commonjs-chunks.mjs): no import or export, chunks required by their .cjs names', () => {
    const outputs = [
      path.join(outDir, 'restflow.cjs'),
      ...fs.readdirSync(path.join(outDir, 'chunks')).map((f) => path.join(outDir, 'chunks', f)),
    ].filter((f) => f.endsWith('.cjs'));
    for (const file of outputs) {
      const text = fs.readFileSync(file, 'utf8');
      // Compiles as the body of Node's CommonJS wrapper (an import or export statement would not).
      expect(
        () => new vm.Script(`(function (exports, require, module, __filename, __dirname) {${text}\n})`),
      ).not.toThrow();
      // import() would set up the ES module loader after all.
      expect([path.basename(file), /(^|[^\w$.])import\(\s*["'`]/m.test(text)]).toEqual([path.basename(file), false]);
      for (const [, required] of text.matchAll(/require\("(\.\.?\/[^"]+)"\)/g)) {
        expect(fs.existsSync(path.join(path.dirname(file), required as string))).toBe(true);
      }
    }
  });

  it("keeps the commands out of the entry: a command start loads only its own command's chunk", () => {
    const entry = fs.readFileSync(path.join(outDir, 'restflow.cjs'), 'utf8');
    // Strings of command modules, the table renderer and the tRPC client: none of them in the entry.
    for (const marker of ['Manage agents', 'Manage encrypted secrets', 'function boxTable', '@trpc/client'])
      expect([marker, entry.includes(marker)]).toEqual([marker, false]);
  });

  it('runs from a directory without node_modules (its npm packages are inside)', () => {
    const version = execFileSync(process.execPath, [path.join(outDir, 'restflow.cjs'), '--version'], {
      cwd: outDir,
      env: { ...process.env, NODE_OPTIONS: '', RESTFLOW_DIR: outDir },
    });
    expect(version.toString().trim()).toMatch(/^\d+\.\d+\.\d+/);
    const help = execFileSync(process.execPath, [path.join(outDir, 'restflow.cjs'), 'agent', '--help'], {
      cwd: outDir,
      env: { ...process.env, NODE_OPTIONS: '', RESTFLOW_DIR: outDir },
    });
    expect(help.toString()).toContain('restflow agent list');
  });

  it("names its version itself: yargs' factory does not guess it from a package.json (scripts/yargs-known-version.mjs)", () => {
    const entry = fs.readFileSync(path.join(outDir, 'restflow.cjs'), 'utf8');
    expect(entry).toContain('yargs.version("");');
    expect(entry).not.toContain('yargs.version();');
    // A package.json where the command runs is the user's project, not RestFlow: its version must not show.
    fs.writeFileSync(path.join(outDir, 'package.json'), JSON.stringify({ name: 'users-project', version: '9.9.9' }));
    const run = (args: string[]) =>
      execFileSync(process.execPath, [path.join(outDir, 'restflow.cjs'), ...args], {
        cwd: outDir,
        env: { ...process.env, NODE_OPTIONS: '', RESTFLOW_DIR: outDir },
      }).toString();
    expect(run(['--version']).trim()).toBe(RESTFLOW_VERSION);
    expect(run(['--help'])).toMatch(/--version\s+Show version number/);
  });
});
