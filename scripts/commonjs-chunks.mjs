// Turns the ES module chunks of a split esbuild bundle into CommonJS modules, for scripts/bundle.mjs `--cjs`.
// esbuild splits only ES module output; converted file by file, each chunk's imports become require() calls of
// the other chunks (each still evaluated once: Node caches them by file name), exports become getters (live
// bindings kept), and `import()` of a chunk becomes a promise of its require(). The source maps are chained
// through the ES module ones back to the TypeScript.
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

/**
 * What ES module code reads from `import.meta`, given to each CommonJS file for itself (a chunk finds files next
 * to it, and yargs resolves modules, through them). Strict mode as in the ES modules.
 */
const PRELUDE =
  '"use strict";const __importMetaUrl=require("node:url").pathToFileURL(__filename).href;' +
  'const __importMetaResolve=(specifier)=>require("node:url").pathToFileURL(require.resolve(specifier)).href;';

/**
 * Chunk file names in the converted code (a relative import of `./chunks/x.mjs` is now of `./chunks/x.cjs`), and
 * `import()` of a chunk with ES module interop: esbuild converts it as Node would import a CommonJS file from an
 * `.mjs` one (`__toESM(require(…), 1)`: `default` is the whole exports object), but a chunk was an ES module with
 * exports of its own, so `const { default: OpenAI } = await import('openai')` must get its `default` export (the
 * flag becomes 0: same length, so the source map's columns stay right).
 */
export function renameChunkSpecifiers(code) {
  return code
    .replace(/require\((["'])(\.\.?\/[^"']*)\.mjs\1\)/g, 'require($1$2.cjs$1)')
    .replace(/(__toESM\(require\((["'])\.\.?\/[^"']*\.cjs\2\),\s*)1\)/g, (_call, head) => `${head}0)`);
}

/** Converts every `.mjs` file under `esmDir` into a `.cjs` file at the same place under `outDir`. */
export async function toCommonJsChunks(esmDir, outDir, { compact = false } = {}) {
  const files = fs
    .readdirSync(esmDir, { recursive: true })
    .filter((file) => file.endsWith('.mjs'))
    .map((file) => path.join(esmDir, file));
  const result = await build({
    entryPoints: files,
    outdir: outDir,
    outbase: esmDir,
    bundle: false,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    write: false,
    logLevel: 'warning',
    outExtension: { '.js': '.cjs' },
    // import() of a chunk becomes a require() of it in a promise: Node's ES module loader is never set up.
    supported: { 'dynamic-import': false },
    define: { 'import.meta.url': '__importMetaUrl', 'import.meta.resolve': '__importMetaResolve' },
    banner: { js: PRELUDE },
    ...(compact ? { minifyWhitespace: true, charset: 'ascii' } : {}),
  });
  for (const output of result.outputFiles) {
    fs.mkdirSync(path.dirname(output.path), { recursive: true });
    // Same length (`.mjs` → `.cjs`): the source map's columns stay right.
    fs.writeFileSync(output.path, output.path.endsWith('.cjs') ? renameChunkSpecifiers(output.text) : output.text);
  }
}
