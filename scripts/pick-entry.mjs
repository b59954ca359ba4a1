// Chooses what a bin runs: the bundle from `npm run build` when it is newer than every source it was built from
// (the list the bundler wrote next to it: scripts/bundle.mjs), else the TypeScript sources through tsx. A fresh
// checkout, a build, and an edit without a rebuild all run the current code; an up-to-date bundle costs a few
// stat calls and skips the TypeScript loader. For ES module bundles (scripts/pick-entry.cjs: CommonJS ones).
import module from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import commonJsPicker from './pick-entry.cjs';

const { isCurrent, runSource } = commonJsPicker;
const repoRoot = fileURLToPath(new URL('../', import.meta.url));

/**
 * @param {string} bundle repo-relative path of the built bundle
 * @param {string} source repo-relative path of the TypeScript entry
 */
export async function runEntry(bundle, source) {
  // Node 22.1+ keeps V8's compiled code between runs (a no-op where it is absent, as on Node 20).
  module.enableCompileCache?.();
  const bundlePath = path.join(repoRoot, bundle);
  if (isCurrent(bundlePath)) return import(pathToFileURL(bundlePath).href);
  return runSource(source);
}
