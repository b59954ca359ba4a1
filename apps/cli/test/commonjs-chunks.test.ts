// scripts/commonjs-chunks.mjs turns a split ES module bundle into CommonJS files. import() of a chunk becomes a
// require() of it; its exports must stay an ES module's: `default` is the default export (as in the ES module
// bundle), not the chunk's whole exports object. Built here from two small modules, run as the bins run a bundle.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from '@jest/globals';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-cjs-chunks-'));

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('CommonJS chunks', () => {
  it('give import() of a chunk its default export, and its named ones', () => {
    fs.writeFileSync(
      path.join(work, 'greeter.ts'),
      'export default class Greeter { greet(name: string) { return "hello " + name; } }\nexport const punctuation = "!";\n',
    );
    fs.writeFileSync(
      path.join(work, 'entry.ts'),
      "void import('./greeter.ts').then(({ default: Greeter, punctuation }) => {\n" +
        "  console.log(new Greeter().greet('chunks') + punctuation);\n});\n",
    );
    execFileSync(
      process.execPath,
      [
        path.join(repoRoot, 'scripts/bundle.mjs'),
        '--all-deps',
        '--cjs',
        path.join(work, 'entry.ts'),
        path.join(work, 'out', 'entry.cjs'),
      ],
      { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    const chunks = fs.readdirSync(path.join(work, 'out', 'chunks')).filter((f) => f.endsWith('.cjs'));
    expect(chunks.length).toBeGreaterThan(0);
    const out = execFileSync(process.execPath, [path.join(work, 'out', 'entry.cjs')], { encoding: 'utf8' });
    expect(out).toBe('hello chunks!\n');
  });
});
