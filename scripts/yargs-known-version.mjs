// An esbuild plugin for scripts/bundle.mjs. yargs' factory calls `.version()` with no argument on every start, which
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
