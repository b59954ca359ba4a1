// Chooses what a bin runs: the bundle from `npm run build` when it is newer than every source it was built from
// (the list the bundler wrote next to it: scripts/bundle.mjs), else the TypeScript sources through tsx. A fresh
// checkout, a build, and an edit without a rebuild all run the current code; an up-to-date bundle costs a few
// stat calls and skips the TypeScript loader. CommonJS, so that a CommonJS bundle's start never sets up Node's
// ES module loader.
'use strict';
const fs = require('node:fs');
const module_ = require('node:module');
const path = require('node:path');

const repoRoot = path.join(__dirname, '..');

/** Whether every source listed for the bundle exists and is no newer than it. */
function isCurrent(bundlePath) {
  if (process.env.RESTFLOW_FROM_SOURCE === '1') return false;
  try {
    const built = fs.statSync(bundlePath).mtimeMs;
    const sources = JSON.parse(fs.readFileSync(bundlePath.replace(/\.[cm]js$/, '.inputs.json'), 'utf8'));
    // Joined by hand: path.join's normalising of each of a hundred paths is a measurable part of a command's start.
    const root = repoRoot + path.sep;
    return sources.every((source) => fs.statSync(root + source).mtimeMs <= built);
  } catch {
    // Not built, built before the list existed, or a source is gone: the sources decide.
    return false;
  }
}

/** Runs the TypeScript entry through tsx's ES module loader (the bundle is missing or older than its sources). */
async function runSource(source) {
  const { register } = await import('tsx/esm/api');
  register();
  return import(require('node:url').pathToFileURL(path.join(repoRoot, source)).href);
}

/**
 * For a CommonJS bundle (scripts/bundle.mjs --cjs).
 * @param {string} bundle repo-relative path of the built bundle
 * @param {string} source repo-relative path of the TypeScript entry
 */
function runEntry(bundle, source) {
  const bundlePath = path.join(repoRoot, bundle);
  // A worker thread of the process (the daemon's search thread) runs what its main thread picked (PICKED, below),
  // told by RESTFLOW_ENTRY_PICKED, so that both run the same code even if a build lands in between.
  const picked = process.env.RESTFLOW_ENTRY_PICKED;
  const bundled = picked ? picked === 'bundle' : isCurrent(bundlePath);
  globalThis[PICKED] = bundled ? 'bundle' : 'source';
  // The bundle's compiled code is kept between runs by scripts/code-cache.cjs, on every Node version.
  if (bundled) return require('./code-cache.cjs').requireWithCodeCache(bundlePath);
  // Node 22.1+ keeps V8's compiled code of the sources between runs (a no-op where it is absent, as on Node 20).
  module_.enableCompileCache?.();
  return runSource(source);
}

/** Where runEntry says what it ran ('bundle' or 'source'): the daemon passes it to its search thread. */
const PICKED = Symbol.for('restflow.entry-picked');

module.exports = { isCurrent, runEntry, runSource };
