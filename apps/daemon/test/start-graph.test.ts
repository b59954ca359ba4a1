// What a daemon loads before its pipe serves: main.ts's static imports. The HTTP side (transports/http-stack.ts:
// routes, REST, MCP, the WebSocket with ws) is imported once the pipe serves, and the launcher's client side
// (@restflow/launcher's daemon-process.ts, with the tRPC client) never; nor zod (core builds its few schemas on first
// use, the router its wire schemas on each domain's first call), nor the HTTP side of the pipe (pipe-http.ts, with
// tRPC's HTTP adapter: loaded by the first HTTP request on the pipe). Checked on the module graph esbuild builds.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { entryOutput, staticallyReached } from '@restflow/testkit';
import { build } from 'esbuild';

const mainTs = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const LATER = [
  'node_modules/ws/',
  'node_modules/@trpc/client/',
  'node_modules/zod/',
  'apps/daemon/src/transports/trpc-http.ts',
  'apps/daemon/src/transports/pipe-http.ts',
];

describe("the daemon's start", () => {
  it('loads neither ws, the tRPC client, zod nor the HTTP side of the pipe before the pipe serves', async () => {
    const result = await build({
      entryPoints: { main: mainTs },
      outdir: fileURLToPath(new URL('../never-written', import.meta.url)),
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      write: false,
      metafile: true,
      logLevel: 'silent',
      // As the daemon bundle is built (scripts/bundle.mjs --all-deps): npm packages inside, native addons outside. A
      // bundled CommonJS package is evaluated where it is imported, used or not.
      external: ['better-sqlite3', 're2', 'bufferutil', 'utf-8-validate', 'fsevents'],
    });
    const { outputs } = result.metafile;
    const entry = entryOutput(result.metafile, 'apps/daemon/src/main.ts');
    const reached = [...staticallyReached(result.metafile, entry)];
    const inputsOf = (names: string[]) => names.flatMap((name) => Object.keys(outputs[name]?.inputs ?? {}));
    const atStart = inputsOf(reached);
    expect(LATER.filter((pkg) => atStart.some((input) => input.includes(pkg)))).toEqual([]);
    // Both are in the bundle, behind import(): the test would pass vacuously if the import path changed.
    const everywhere = inputsOf(Object.keys(outputs));
    expect(LATER.filter((pkg) => everywhere.some((input) => input.includes(pkg)))).toEqual(LATER);
  });
});
