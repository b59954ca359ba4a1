// esbuild plugins for scripts/bundle.mjs that keep yargs' start-up work out of every CLI command.
//
// yargsKnownVersion: yargs' factory calls `.version()` with no argument on every start, which
// guesses the program's version: it walks up from the bundle's directory — from the working directory, once
// bundled — listing each directory until it finds a package.json, and builds (and discards) an AssertionError,
// loading node:util's inspect, when there is none. That costs a CLI start ~10 ms, and the CLI names its version
// itself (`.version(RESTFLOW_VERSION)` in apps/cli/src/main.ts). The bundled factory registers the option
// with an empty version instead; the CLI's own call then sets it, as before.
import fs from 'node:fs';

const FACTORY = /[\\/]yargs[\\/]build[\\/]lib[\\/]yargs-factory\.js$/;
const GUESSING_CALL = '        yargs.version();\n';

/** The factory's source with the guessing call replaced; throws when yargs changed and the call is not there. */
export function withoutVersionGuess(source) {
  if (!source.includes(GUESSING_CALL)) {
    throw new Error(
      "yargs-known-version: yargs' factory no longer calls `yargs.version();` — check the plugin against this yargs",
    );
  }
  return source.replace(GUESSING_CALL, "        yargs.version('');\n");
}

export const yargsKnownVersion = {
  name: 'yargs-known-version',
  setup(b) {
    b.onLoad({ filter: FACTORY }, (args) => ({
      contents: withoutVersionGuess(fs.readFileSync(args.path, 'utf8')),
      loader: 'js',
    }));
  },
};

// yargsLazyAssert: yargs' platform shim imports node:assert for two checks that fail only on a programming error,
// and loading node:assert (with its AssertionError and util's inspect) costs every command a few ms. The shim gets
// the same two functions: a check that holds returns at once, one that fails is handed to node:assert, which
// throws its usual AssertionError.
const YARGS_SHIM = /[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/;
export const LAZY_ASSERT = `
import { createRequire } from 'node:module';
const real = () => createRequire(import.meta.url)('node:assert');
export function notStrictEqual(actual, expected, ...rest) {
  if (!Object.is(actual, expected)) return;
  real().notStrictEqual(actual, expected, ...rest);
}
export function strictEqual(actual, expected, ...rest) {
  if (Object.is(actual, expected)) return;
  real().strictEqual(actual, expected, ...rest);
}
`;

export const yargsLazyAssert = {
  name: 'yargs-lazy-assert',
  setup(b) {
    b.onResolve({ filter: /^(node:)?assert$/ }, (args) =>
      YARGS_SHIM.test(args.importer) ? { path: 'assert', namespace: 'yargs-lazy-assert' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'yargs-lazy-assert' }, () => ({ contents: LAZY_ASSERT, loader: 'js' }));
  },
};
