// The worker's bin (bin/restflow-worker.cjs, what `restflow worker` and the package's bin start) runs the CommonJS
// bundle `npm run build -w @restflow/daemon` writes (dist/restflow-worker.cjs) through the code cache, as the
// daemon's bin does, and its TypeScript sources when the bundle is stale or RESTFLOW_FROM_SOURCE=1. The .js bin of
// earlier systemd units runs the same. Observed from outside: a bundle run leaves the code cache of its build
// (scripts/code-cache.cjs), a run from the sources none. Needs the build to be current, as the e2e suites that
// spawn the bin do to test the bundle rather than the sources.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { isBundleCurrent, repoRoot, workerBundle } from '@restflow/testkit';

const bundle = path.join(repoRoot, workerBundle);
const bin = (name: string) => path.join(repoRoot, 'apps/daemon/bin', name);

let work: string;
beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-worker-bin-'));
});
afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

/** Runs the bin without --daemon-url: a usage error, after the worker's code has loaded. */
function runWithoutArgs(binPath: string, env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [binPath], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      RESTFLOW_DIR: path.join(work, 'data'),
      RESTFLOW_CODE_CACHE: path.join(work, 'cache'),
      RESTFLOW_FROM_SOURCE: '',
      ...env,
    },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stderr: result.stderr };
}

/** The code cache a bundle run of the worker wrote: the files of the current build, or none. */
function workerCache(): string[] {
  const buildId = fs.readFileSync(bundle.replace(/\.cjs$/, '.build-id'), 'utf8').trim();
  const dir = path.join(work, 'cache', 'restflow-worker', `${buildId}-node${process.version}-${process.arch}`);
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

describe("the worker's bin", () => {
  it('is built by the daemon package and current (npm run build -w @restflow/daemon)', () => {
    expect({ bundle: path.relative(repoRoot, bundle), current: isBundleCurrent(workerBundle) }).toEqual({
      bundle: 'apps/daemon/dist/restflow-worker.cjs',
      current: true,
    });
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'apps/daemon/package.json'), 'utf8'));
    expect(pkg.bin['restflow-worker']).toBe('bin/restflow-worker.cjs');
    // What `restflow worker` spawns (apps/cli/src/commands/worker.ts).
    const cli = fs.readFileSync(path.join(repoRoot, 'apps/cli/src/commands/worker.ts'), 'utf8');
    expect(cli).toContain("'bin', 'restflow-worker.cjs')");
  });

  it('runs the bundle through the code cache', () => {
    const run = runWithoutArgs(bin('restflow-worker.cjs'));
    expect(run).toEqual({ status: 2, stderr: 'restflow worker: --daemon-url is required\n' });
    // The entry and its chunks, saved at exit.
    expect(workerCache()).toContain('restflow-worker.v8');
    expect(workerCache().length).toBeGreaterThan(1);
  });

  it('runs the TypeScript sources with RESTFLOW_FROM_SOURCE=1', () => {
    const run = runWithoutArgs(bin('restflow-worker.cjs'), { RESTFLOW_FROM_SOURCE: '1' });
    expect(run).toEqual({ status: 2, stderr: 'restflow worker: --daemon-url is required\n' });
    expect(workerCache()).toEqual([]);
  });

  it('keeps the .js bin of earlier systemd units: it runs the same bundle', () => {
    const run = runWithoutArgs(bin('restflow-worker.js'));
    expect(run).toEqual({ status: 2, stderr: 'restflow worker: --daemon-url is required\n' });
    expect(workerCache()).toContain('restflow-worker.v8');
  });
});
