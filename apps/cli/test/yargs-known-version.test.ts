// The CLI bundle's yargs factory registers `--version` without guessing it from a package.json
// (scripts/yargs-known-version.mjs). The plugin edits yargs' source, so it must fail loudly when yargs changes.
import assert from 'node:assert';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from '@jest/globals';

const require = createRequire(import.meta.url);
const plugin = (await import(pathToFileURL(require.resolve('../../../scripts/yargs-known-version.mjs')).href)) as {
  withoutVersionGuess(source: string): string;
};
const yargsDir = path.dirname(createRequire(new URL('../package.json', import.meta.url)).resolve('yargs/package.json'));
const factory = fs.readFileSync(path.join(yargsDir, 'build/lib/yargs-factory.js'), 'utf8');

describe('the yargs-known-version bundle plugin', () => {
  it("replaces the factory's guessing call of this yargs, and only that", () => {
    const patched = plugin.withoutVersionGuess(factory);
    expect(patched).not.toContain('yargs.version();');
    expect(patched).toContain("yargs.version('');");
    expect(patched.length).toBe(factory.length + 2);
  });

  it('refuses a yargs whose factory no longer makes the call', () => {
    expect(() => plugin.withoutVersionGuess(factory.replace('yargs.version();', ''))).toThrow(/yargs-known-version/);
  });
});

describe("the stand-in for node:assert in yargs' platform shim", () => {
  it('passes and fails as node:assert does, throwing its AssertionError', async () => {
    const { LAZY_ASSERT } = (await import(
      pathToFileURL(require.resolve('../../../scripts/yargs-known-version.mjs')).href
    )) as { LAZY_ASSERT: string };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-lazy-assert-'));
    try {
      const file = path.join(dir, 'lazy-assert.mjs');
      fs.writeFileSync(file, LAZY_ASSERT);
      const standIn = (await import(pathToFileURL(file).href)) as Pick<typeof assert, 'notStrictEqual' | 'strictEqual'>;
      const cases: [unknown, unknown][] = [
        [1, 1],
        [1, 2],
        [undefined, undefined],
        [NaN, NaN],
        [0, -0],
        [{}, {}],
        ['a', 'a'],
      ];
      const outcome = (check: () => void) => {
        try {
          check();
          return 'passed';
        } catch (error) {
          return `${(error as Error).name} ${(error as { code?: string }).code}`;
        }
      };
      for (const [actual, expected] of cases) {
        for (const name of ['strictEqual', 'notStrictEqual'] as const) {
          expect([name, actual, expected, outcome(() => standIn[name](actual, expected, 'why'))]).toEqual([
            name,
            actual,
            expected,
            outcome(() => assert[name](actual, expected, 'why')),
          ]);
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
