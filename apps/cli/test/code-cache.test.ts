// The bins run their CommonJS bundles through scripts/code-cache.cjs: each file compiled with V8's cached data from
// the last run, saved after a run. Tested on a small bundle of the same shape (an entry and its chunks), in child
// processes as the bins run it: the cache is written, read back, keyed by the build, survives garbage, and is off
// when asked.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

const codeCache = fileURLToPath(new URL('../../../scripts/code-cache.cjs', import.meta.url));

interface Report {
  dir: string;
  files: number;
  accepted: number;
  written: number;
}

let work: string;
let bundle: string;
let cacheRoot: string;

function writeBundle(buildId: string, greeting = 'hello') {
  fs.mkdirSync(path.join(bundle, 'chunks'), { recursive: true });
  fs.writeFileSync(
    path.join(bundle, 'app.cjs'),
    '"use strict";const { greet } = require("./chunks/app-A1.cjs");const os = require("node:os");' +
      'const helper = require("../helper.cjs");' +
      'module.exports = { out: [greet("cache"), helper.twice(21), typeof os.cpus, path()].join(" ") };' +
      'function path() { return require.resolve("./chunks/app-A1.cjs") === __dirname + "/chunks/app-A1.cjs"; }',
  );
  fs.writeFileSync(
    path.join(bundle, 'chunks', 'app-A1.cjs'),
    `"use strict";const { tail } = require("./app-B2.cjs");exports.greet = (name) => "${greeting} " + name + tail;`,
  );
  fs.writeFileSync(path.join(bundle, 'chunks', 'app-B2.cjs'), '"use strict";exports.tail = "!";');
  fs.writeFileSync(path.join(bundle, 'app.build-id'), `${buildId}\n`);
}

/** Runs the bundle as a bin does; prints its output and, at exit, what the code cache did. */
function run(env: NodeJS.ProcessEnv = {}, script = ''): { out: string; report: Report | undefined } {
  const program =
    `const c = require(${JSON.stringify(codeCache)});` +
    `const { out } = c.requireWithCodeCache(${JSON.stringify(path.join(bundle, 'app.cjs'))}, { saveAfterMs: 60000 });` +
    `process.on('exit', () => console.log(JSON.stringify({ out, report: c.report() })));${script}`;
  const stdout = execFileSync(process.execPath, ['-e', program], {
    env: { ...process.env, NODE_OPTIONS: '', RESTFLOW_CODE_CACHE: cacheRoot, ...env },
    encoding: 'utf8',
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) as string);
}

beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-code-cache-'));
  bundle = path.join(work, 'dist');
  cacheRoot = path.join(work, 'cache');
  fs.writeFileSync(path.join(work, 'helper.cjs'), 'exports.twice = (n) => n * 2;');
  writeBundle('0123456789abcdef0123');
});

afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

const expected = 'hello cache! 42 function true';

describe('the bins’ code cache', () => {
  it('compiles and saves every file of the bundle on the first run, and reads them all back on the next', () => {
    const first = run();
    expect(first.out).toBe(expected);
    expect(first.report).toMatchObject({ files: 3, accepted: 0, written: 3 });
    const dir = first.report?.dir as string;
    expect(path.relative(cacheRoot, dir)).toBe(
      path.join('app', `0123456789abcdef0123-node${process.version}-${process.arch}`),
    );
    expect(fs.readdirSync(dir).sort()).toEqual(['app-A1.v8', 'app-B2.v8', 'app.v8']);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(dir, 'app.v8')).mode & 0o777).toBe(0o600);

    const second = run();
    expect(second).toEqual({ out: expected, report: { dir, files: 3, accepted: 3, written: 0 } });
  });

  it('lives in the RestFlow cache dir (RESTFLOW_CACHE_DIR) unless RESTFLOW_CODE_CACHE names another place', () => {
    const cacheDir = path.join(work, 'restflow-cache');
    const { report } = run({ RESTFLOW_CODE_CACHE: '', RESTFLOW_CACHE_DIR: cacheDir });
    expect(path.relative(cacheDir, report?.dir as string)).toBe(
      path.join('code-cache', 'app', `0123456789abcdef0123-node${process.version}-${process.arch}`),
    );
    expect(run({ RESTFLOW_CACHE_DIR: cacheDir }).report?.dir.startsWith(cacheRoot)).toBe(true);
  });

  it('saves once the process has run a while (a file per turn of the event loop), without waiting for its exit', () => {
    const dir = path.join(cacheRoot, 'app', `0123456789abcdef0123-node${process.version}-${process.arch}`);
    const program =
      `const c = require(${JSON.stringify(codeCache)});` +
      `c.requireWithCodeCache(${JSON.stringify(path.join(bundle, 'app.cjs'))}, { saveAfterMs: 20 });` +
      // The save timer is unref'd: this keeps the process up until the files are there (or 10 s pass).
      `const started = Date.now(); const wait = setInterval(() => {` +
      ` if (${JSON.stringify(['app.v8', 'app-A1.v8', 'app-B2.v8'].map((f) => path.join(dir, f)))}.every((f) => require('node:fs').existsSync(f)) || Date.now() - started > 10000) {` +
      ` clearInterval(wait); console.log(JSON.stringify(c.report())); process.exit(0); } }, 5);`;
    const stdout = execFileSync(process.execPath, ['-e', program], {
      env: { ...process.env, NODE_OPTIONS: '', RESTFLOW_CODE_CACHE: cacheRoot },
      encoding: 'utf8',
    });
    expect(JSON.parse(stdout)).toMatchObject({ files: 3, written: 3 });
  });

  it('is read but never written by a worker thread (the daemon runs its bundle on its search thread too)', () => {
    const inThread = (env: NodeJS.ProcessEnv = {}) => {
      const threadProgram =
        `const c = require(${JSON.stringify(codeCache)});` +
        `const { out } = c.requireWithCodeCache(${JSON.stringify(path.join(bundle, 'app.cjs'))}, { saveAfterMs: 0 });` +
        `process.on('exit', () => require('node:worker_threads').parentPort.postMessage({ out, report: c.report() }));`;
      const program =
        `const { Worker } = require('node:worker_threads');` +
        `new Worker(${JSON.stringify(threadProgram)}, { eval: true }).on('message', (m) => console.log(JSON.stringify(m)));`;
      const stdout = execFileSync(process.execPath, ['-e', program], {
        env: { ...process.env, NODE_OPTIONS: '', RESTFLOW_CODE_CACHE: cacheRoot, ...env },
        encoding: 'utf8',
      });
      return JSON.parse(stdout.trim()) as { out: string; report: Report };
    };
    const first = inThread();
    expect(first).toMatchObject({ out: expected, report: { files: 3, accepted: 0, written: 0 } });
    expect(fs.existsSync(first.report.dir)).toBe(false);
    expect(run().report).toMatchObject({ written: 3 });
    expect(inThread().report).toMatchObject({ files: 3, accepted: 3, written: 0 });
  });

  it('recompiles and rewrites a file whose cache V8 refuses, and runs the right code', () => {
    const { report } = run();
    const damaged = path.join(report?.dir as string, 'app-A1.v8');
    fs.writeFileSync(damaged, Buffer.alloc(fs.statSync(damaged).size, 7));
    expect(run()).toMatchObject({ out: expected, report: { files: 3, accepted: 2, written: 1 } });
    expect(run()).toMatchObject({ out: expected, report: { files: 3, accepted: 3, written: 0 } });
  });

  it('keys the cache by the build: a rebuild runs its own code, and caches unused for a week are pruned', () => {
    const first = run().report?.dir as string;
    writeBundle('fedcba9876543210fedc', 'howdy');
    const rebuilt = run();
    expect(rebuilt.out).toBe('howdy cache! 42 function true');
    expect(rebuilt.report).toMatchObject({ files: 3, accepted: 0, written: 3 });
    expect(rebuilt.report?.dir).not.toBe(first);
    // A recent cache of another build stays (another checkout may be using it)…
    expect(fs.existsSync(first)).toBe(true);
    // …one that no start has written to for over a week goes when a new cache is written.
    const weekAgo = new Date(Date.now() - 8 * 24 * 3600 * 1000);
    fs.utimesSync(first, weekAgo, weekAgo);
    writeBundle('aaaaaaaaaaaaaaaaaaaa');
    run();
    expect(fs.existsSync(first)).toBe(false);
    expect(fs.existsSync(rebuilt.report?.dir as string)).toBe(true);
  });

  it('is plain require() when turned off, or for a bundle without a build id', () => {
    expect(run({ RESTFLOW_CODE_CACHE: 'off' })).toEqual({ out: expected });
    fs.rmSync(path.join(bundle, 'app.build-id'));
    expect(run()).toEqual({ out: expected });
    expect(fs.existsSync(cacheRoot)).toBe(false);
  });

  it('still runs when the cache cannot be written', () => {
    fs.writeFileSync(cacheRoot, 'a file where the cache dir would be');
    expect(run()).toMatchObject({ out: expected, report: { files: 3, accepted: 0, written: 0 } });
  });
});
