// Bundles an app's TypeScript and the workspace packages it imports into dist/. With `--all-deps` (the CLI) the
// npm packages go in as well, split into chunks: the entry holds what every command needs, and what is only
// imported on demand (`import()`: the MCP server, `web serve`, zod schemas) stays in chunks loaded when used — a
// command start reads one file instead of resolving hundreds of modules. Native addons and what must resolve at
// run time (tsx, ws's optional addons) stay external. Also writes `<name>.inputs.json`, the workspace sources the
// bundle was built from: the bins (scripts/pick-entry.cjs) check only those to know whether it is current.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { toCommonJsChunks } from './commonjs-chunks.mjs';
import { loadOnFirstCall, zodLocalesOnFirstCall } from './load-on-first-call.mjs';
import { trpcBundlePatches } from './trpc-bundle-patches.mjs';
import { yargsKnownVersion, yargsLazyAssert } from './yargs-known-version.mjs';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const args = process.argv.slice(2);
const allDeps = args.includes('--all-deps');
// `--compact`: no comments or indentation in the output. Less to read and parse at every start, and the source
// stays ASCII (a comment's `…` or `—` would make V8 hold and scan the whole chunk as two-byte text).
const compact = args.includes('--compact');
// `--zod-locales-on-first-call`: zod's locales stay out of the bundle, loaded from node_modules if ever called
// (scripts/load-on-first-call.mjs). For bundles that run beside node_modules only.
const zodLocalesOnDemand = args.includes('--zod-locales-on-first-call');
// `--cjs` (with `--all-deps`; outfile `<name>.cjs`): the chunks are CommonJS modules (scripts/commonjs-chunks.mjs).
// Node then loads them with require(), and a start never sets up its ES module loader (~10 ms of the CLI's start).
const cjs = args.includes('--cjs');
const [entry, outfile] = args.filter((a) => !a.startsWith('--'));
if (!entry || !outfile || (cjs && !allDeps)) {
  console.error(
    'usage: node scripts/bundle.mjs [--all-deps [--cjs]] [--compact] [--zod-locales-on-first-call] <entry.ts> <outfile.mjs|.cjs>',
  );
  process.exit(2);
}

/** Never bundled: native addons, the TypeScript loader, optional native helpers of ws. */
const ALWAYS_EXTERNAL = ['better-sqlite3', 're2', 'tsx', 'tsx/*', 'bufferutil', 'utf-8-validate', 'fsevents'];

const workspaceOnly = {
  name: 'externalize-npm-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@restflow/') ? undefined : { path: args.path, external: true },
    );
  },
};

// Bundled CommonJS packages call require() for Node's modules: give the ESM output a real one.
const REQUIRE_SHIM =
  "import { createRequire as __restflowCreateRequire } from 'node:module'; const require = __restflowCreateRequire(import.meta.url);";

const outdir = path.dirname(path.resolve(outfile));
const extension = cjs ? '.cjs' : '.mjs';
const name = path.basename(outfile, extension);
removeOwnChunks(outdir, name);
fs.mkdirSync(outdir, { recursive: true });
// CommonJS chunks are made from the ES module chunks esbuild splits out, written to a scratch dir first.
const esmOutdir = cjs ? fs.mkdtempSync(path.join(os.tmpdir(), 'rf-bundle-')) : outdir;
const result = await build({
  entryPoints: { [name]: path.resolve(entry) },
  outdir: esmOutdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
  outExtension: { '.js': '.mjs' },
  ...(compact ? { minifyWhitespace: true, charset: 'ascii' } : {}),
  ...(allDeps
    ? {
        splitting: true,
        chunkNames: `chunks/${name}-[hash]`,
        external: ALWAYS_EXTERNAL,
        // CommonJS output has a real require() of its own.
        ...(cjs ? {} : { banner: { js: REQUIRE_SHIM } }),
        plugins: zodLocalesOnDemand
          ? [loadOnFirstCall, zodLocalesOnFirstCall, yargsKnownVersion, yargsLazyAssert, trpcBundlePatches]
          : [loadOnFirstCall, yargsKnownVersion, yargsLazyAssert, trpcBundlePatches],
      }
    : { plugins: [workspaceOnly] }),
});
const sources = Object.keys(result.metafile.inputs)
  // Not npm packages, nor a plugin's virtual modules (`namespace:path`, no file to stat).
  .filter((input) => !input.includes('node_modules') && !/^[a-z][\w-]+:/i.test(input))
  .map((input) => path.relative(repoRoot, path.resolve(input)))
  .sort();
fs.writeFileSync(path.join(outdir, `${name}.inputs.json`), `${JSON.stringify(sources, null, 1)}\n`);
if (cjs) {
  await toCommonJsChunks(esmOutdir, outdir, { compact });
  fs.rmSync(esmOutdir, { recursive: true, force: true });
  // What the bins' code cache is keyed by (scripts/code-cache.cjs): a digest of everything this build wrote.
  fs.writeFileSync(path.join(outdir, `${name}.build-id`), `${buildDigest(outdir, name)}\n`);
}

/** A digest of the bundle's entry and chunks: the same sources built twice give the same id. */
function buildDigest(dir, bundleName) {
  const hash = createHash('sha256');
  const files = [`${bundleName}.cjs`, ...ownChunks(dir, bundleName).map((f) => `chunks/${f}`)]
    .filter((file) => file.endsWith('.cjs'))
    .sort();
  for (const file of files)
    hash
      .update(file)
      .update('\0')
      .update(fs.readFileSync(path.join(dir, file)));
  return hash.digest('hex').slice(0, 20);
}

/**
 * This bundle's files in `<dir>/chunks`: named `<bundle>-<hash>` (chunkNames above). Several bundles share a dist dir
 * (the daemon's and the worker's), so a build touches only its own chunks: a rebuild of one must neither delete the
 * other's chunks nor count them in its build id.
 */
function ownChunks(dir, bundleName) {
  const own = new RegExp(`^${bundleName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-[A-Za-z0-9]+\\.[cm]js(\\.map)?$`);
  try {
    return fs.readdirSync(path.join(dir, 'chunks')).filter((file) => own.test(file));
  } catch {
    return [];
  }
}

/** Removes the chunks of this bundle's previous build (and the chunks dir once no bundle has any left). */
function removeOwnChunks(dir, bundleName) {
  const chunks = path.join(dir, 'chunks');
  for (const file of ownChunks(dir, bundleName)) fs.rmSync(path.join(chunks, file), { force: true });
  try {
    fs.rmdirSync(chunks);
  } catch {
    // Not empty (another bundle's chunks) or not there.
  }
}
