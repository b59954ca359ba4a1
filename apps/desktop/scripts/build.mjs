// Builds the desktop app into dist/: main (ESM, Node), the preload (CommonJS: sandboxed preloads cannot load
// modules), and the renderer (one classic script + CSS: module scripts do not load from file:// pages) next to
// the static pages. `electron` is the only import left for Electron to provide.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = path.join(root, 'dist');
const at = (...parts) => path.join(root, ...parts);

fs.rmSync(dist, { recursive: true, force: true });
const common = { bundle: true, logLevel: 'warning', legalComments: 'none' };

await Promise.all([
  build({
    ...common,
    entryPoints: [at('src/main/main.ts')],
    outfile: at('dist/main.mjs'),
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['electron'],
    // Bundled CommonJS dependencies may call require(): give the ESM bundle one.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  }),
  build({
    ...common,
    entryPoints: [at('src/preload/preload.ts')],
    outfile: at('dist/preload.cjs'),
    platform: 'node',
    format: 'cjs',
    target: 'chrome120',
    external: ['electron'],
  }),
  build({
    ...common,
    entryPoints: { renderer: at('src/renderer/index.tsx'), error: at('src/renderer/error-page.ts') },
    outdir: at('dist/renderer'),
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    minify: true,
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
  }),
]);
for (const file of ['index.html', 'error.html', 'error.css', 'tray.png']) {
  fs.copyFileSync(at('static', file), at('dist/renderer', file));
}
