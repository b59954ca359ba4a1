// The daemon's package builds two bundles into one dist dir (scripts/bundle.mjs: restflow-daemon.cjs and
// restflow-worker.cjs), their chunks side by side in dist/chunks, each named after its bundle. Tested on two small
// bundles of that shape, one's name a prefix of the other's: a build removes only its own previous chunks, never
// the other bundle's, its build id covers only its own files, and both still run after either is rebuilt.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { repoRoot } from '@restflow/testkit';

let work: string;
let dist: string;

function writeSources(word: string) {
  // A dynamic import: esbuild splits the imported module into a chunk of each bundle.
  fs.writeFileSync(path.join(work, 'shared.ts'), `export const word: string = '${word}';\n`);
  for (const entry of ['app', 'app-worker']) {
    fs.writeFileSync(
      path.join(work, `${entry}.ts`),
      `void import('./shared.ts').then(({ word }) => console.log('${entry} ' + word));\n`,
    );
  }
}

function build(entry: string) {
  execFileSync(
    process.execPath,
    [
      path.join(repoRoot, 'scripts/bundle.mjs'),
      '--all-deps',
      '--cjs',
      '--compact',
      path.join(work, `${entry}.ts`),
      path.join(dist, `${entry}.cjs`),
    ],
    { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] },
  );
}

const chunksOf = (entry: string) =>
  fs
    .readdirSync(path.join(dist, 'chunks'))
    .filter((file) => new RegExp(`^${entry}-[A-Z0-9]+\\.cjs$`).test(file))
    .sort();
const buildId = (entry: string) => fs.readFileSync(path.join(dist, `${entry}.build-id`), 'utf8').trim();
const run = (entry: string) =>
  execFileSync(process.execPath, [path.join(dist, `${entry}.cjs`)], {
    env: { ...process.env, NODE_OPTIONS: '' },
    encoding: 'utf8',
  }).trim();

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-shared-dist-'));
  dist = path.join(work, 'dist');
  writeSources('one');
  build('app');
  build('app-worker');
}, 60_000);

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('two bundles in one dist dir', () => {
  it('keep their own chunks, each named after its bundle, and both run', () => {
    expect(chunksOf('app')).toHaveLength(1);
    expect(chunksOf('app-worker')).toHaveLength(1);
    expect(run('app')).toBe('app one');
    expect(run('app-worker')).toBe('app-worker one');
  });

  it("rebuild only their own chunks and build id: the other bundle's stay as they were, and it still runs", () => {
    const workerChunks = chunksOf('app-worker');
    const workerId = buildId('app-worker');
    const appChunks = chunksOf('app');
    const appId = buildId('app');

    writeSources('two');
    build('app');
    // The app's old chunk is gone (replaced by the new one), the worker's is untouched.
    expect(chunksOf('app')).toHaveLength(1);
    expect(chunksOf('app')).not.toEqual(appChunks);
    expect(buildId('app')).not.toBe(appId);
    expect(chunksOf('app-worker')).toEqual(workerChunks);
    expect(buildId('app-worker')).toBe(workerId);
    expect(run('app')).toBe('app two');
    expect(run('app-worker')).toBe('app-worker one');

    // The same the other way round: `app` is a prefix of `app-worker`, and neither build takes the other's files.
    build('app-worker');
    expect(chunksOf('app-worker')).toHaveLength(1);
    expect(chunksOf('app-worker')).not.toEqual(workerChunks);
    expect(run('app-worker')).toBe('app-worker two');
    expect(run('app')).toBe('app two');
    // Nothing of an earlier build is left: each bundle's chunk and its source map.
    const current = [...chunksOf('app'), ...chunksOf('app-worker')];
    expect(fs.readdirSync(path.join(dist, 'chunks')).sort()).toEqual(
      [...current, ...current.map((file) => `${file}.map`)].sort(),
    );
  });

  it('give the same build id for the same sources, whatever the other bundle in the dir is', () => {
    const id = buildId('app');
    writeSources('three');
    build('app-worker');
    build('app');
    writeSources('two');
    build('app');
    expect(buildId('app')).toBe(id);
  });
});
