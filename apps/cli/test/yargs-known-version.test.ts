// The CLI bundle's yargs factory registers `--version` without guessing it from a package.json
// (scripts/yargs-known-version.mjs). The plugin edits yargs' source, so it must fail loudly when yargs changes.
import fs from 'node:fs';
import { createRequire } from 'node:module';
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
