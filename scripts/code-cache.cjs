// Runs a CommonJS bundle (scripts/bundle.mjs --cjs) with a V8 code cache of each of its files. Node compiles a
// file's functions as they are first called; at every start that is most of the start's CPU (the daemon compiles
// ~1.2 MB before its pipe serves). Here each file is compiled with vm.Script and the cached data saved once the
// process has run a while (`createCachedData()` after execution, so the cache also holds the functions compiled
// since: Node 22's own compile cache is written at compile time and holds only the top levels). The next start
// reads the code back instead of compiling it.
//
// Safety: V8 checks a cache against its own version, flags and the source's length, not the source's text, so
// the cache dir is keyed by the build (`<bundle>.build-id`, written by the bundler with every build) and the
// Node version; a cache V8 refuses is just recompiled and rewritten. Files are written whole, then renamed.
// The cache is per user (RESTFLOW_CODE_CACHE: a directory, or `off`).
'use strict';
const fs = require('node:fs');
const Module = require('node:module');
const os = require('node:os');
const path = require('node:path');
const vm = require('node:vm');

/** After the start (the daemon serves well within this): what ran by then is what the next start needs. */
const SAVE_AFTER_MS = 4000;
/** Caches of other builds of a bundle are removed once unused this long (a rebuild leaves the old one behind). */
const STALE_AFTER_MS = 7 * 24 * 3600 * 1000;

/**
 * The per-user cache root, or undefined when the cache is off: `code-cache` in the cache dir that @restflow/paths'
 * cacheDir() names (RESTFLOW_CACHE_DIR, else the platform's), unless RESTFLOW_CODE_CACHE says otherwise. This file
 * runs before any bundle is loaded, so it cannot import that package.
 */
function cacheRoot(env = process.env) {
  const setting = env.RESTFLOW_CODE_CACHE;
  if (setting === 'off' || setting === '0') return undefined;
  if (setting) return setting;
  const cacheDir = env.RESTFLOW_CACHE_DIR?.trim();
  if (cacheDir) return path.join(path.resolve(cacheDir), 'code-cache');
  if (process.platform === 'win32') {
    return path.join(env.LOCALAPPDATA || path.join(os.homedir(), 'AppData', 'Local'), 'restflow', 'code-cache');
  }
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Caches', 'restflow', 'code-cache');
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'restflow', 'code-cache');
}

/** The directory for this bundle build under this Node, or undefined (cache off, or a bundle without a build id). */
function cacheDirFor(entryPath, env = process.env) {
  const root = cacheRoot(env);
  if (!root) return undefined;
  let buildId;
  try {
    buildId = fs.readFileSync(entryPath.replace(/\.cjs$/, '.build-id'), 'utf8').trim();
  } catch {
    return undefined;
  }
  if (!/^[\w-]{8,64}$/.test(buildId)) return undefined;
  // One directory per bundle, holding one per build and Node: a rebuild's old caches are found and pruned there.
  return path.join(root, path.basename(entryPath, '.cjs'), `${buildId}-node${process.version}-${process.arch}`);
}

/** What the last requireWithCodeCache() of this process found and wrote (for tests and benchmarks). */
let lastReport;
const report = () => lastReport && { ...lastReport };

/**
 * Requires `entryPath` and, through it, the bundle's own files (`./chunks/*.cjs` next to it) compiled with the code
 * cache; anything else (Node's modules, external packages) is required the usual way.
 * @param {string} entryPath absolute path of the bundle's entry (`.cjs`)
 * @param {{ env?: NodeJS.ProcessEnv, saveAfterMs?: number }} [options]
 * @returns {unknown} the entry's exports
 */
function requireWithCodeCache(entryPath, options = {}) {
  const dir = cacheDirFor(entryPath, options.env);
  if (!dir) return require(entryPath);
  const bundleDir = path.dirname(entryPath) + path.sep;
  /** @type {Map<string, Module>} */
  const loaded = new Map();
  /** Scripts compiled without an accepted cache: written once the process has run a while. */
  const toSave = [];
  const found = { dir, files: 0, accepted: 0, written: 0 };
  lastReport = found;

  const load = (file, parent) => {
    const done = loaded.get(file);
    if (done) return done.exports;
    const module = new Module(file, parent);
    module.filename = file;
    module.paths = Module._nodeModulePaths(path.dirname(file));
    loaded.set(file, module);
    const cacheFile = path.join(dir, `${path.basename(file, '.cjs')}.v8`);
    let cachedData;
    try {
      cachedData = fs.readFileSync(cacheFile);
    } catch {}
    const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), {
      filename: file,
      ...(cachedData ? { cachedData } : {}),
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    found.files += 1;
    if (cachedData && !script.cachedDataRejected) found.accepted += 1;
    else toSave.push({ script, cacheFile });
    const realRequire = Module.createRequire(file);
    const localRequire = (id) =>
      id.startsWith('./') || id.startsWith('../') ? ownOrReal(path.resolve(path.dirname(file), id)) : realRequire(id);
    const ownOrReal = (resolved) =>
      resolved.startsWith(bundleDir) && resolved.endsWith('.cjs') ? load(resolved, module) : realRequire(resolved);
    localRequire.resolve = realRequire.resolve;
    localRequire.cache = realRequire.cache;
    localRequire.main = require.main;
    script.runInThisContext({ displayErrors: true })(module.exports, localRequire, module, file, path.dirname(file));
    module.loaded = true;
    return module.exports;
  };

  /** Writes one file's cache; false once nothing is left or the cache cannot be written. */
  const saveOne = () => {
    const next = toSave.shift();
    if (!next) return false;
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      const temporary = `${next.cacheFile}.${process.pid}.tmp`;
      fs.writeFileSync(temporary, next.script.createCachedData(), { mode: 0o600 });
      fs.renameSync(temporary, next.cacheFile);
      found.written += 1;
      if (toSave.length === 0) pruneOtherBuilds(dir);
      return true;
    } catch {
      // A cache that cannot be written (read-only home, full disk) only means the next start compiles again.
      toSave.length = 0;
      return false;
    }
  };
  // A running process (the daemon) writes one file per turn of the event loop: serializing the largest chunks takes
  // tens of milliseconds each, which its clients would otherwise wait for at once.
  const saveInTurns = () => {
    if (saveOne()) setImmediate(saveInTurns).unref();
  };
  // A worker thread of the process (the daemon's search thread runs the same bundle) reads the cache but leaves
  // the writing to the main thread: its compiled code is only what the thread ran, and both would write the same
  // files under one pid.
  if (!require('node:worker_threads').isMainThread) return load(entryPath, require.main ?? null);
  // Saved after the start, or at exit for a short-lived process (a CLI command), whichever comes first.
  const timer = setTimeout(saveInTurns, options.saveAfterMs ?? SAVE_AFTER_MS);
  timer.unref();
  process.once('exit', () => {
    while (saveOne());
  });
  return load(entryPath, require.main ?? null);
}

/**
 * Removes the caches of this bundle's other builds (and Node versions) that no start has written to for a week.
 * Only when a new cache is written, so a start that finds its cache does no directory work; two checkouts sharing
 * the cache both keep theirs.
 */
function pruneOtherBuilds(dir) {
  const builds = path.dirname(dir);
  const cutoff = Date.now() - STALE_AFTER_MS;
  for (const entry of fs.readdirSync(builds)) {
    const other = path.join(builds, entry);
    if (other === dir) continue;
    try {
      if (fs.statSync(other).mtimeMs < cutoff) fs.rmSync(other, { recursive: true, force: true });
    } catch {}
  }
}

module.exports = { cacheDirFor, cacheRoot, report, requireWithCodeCache };
