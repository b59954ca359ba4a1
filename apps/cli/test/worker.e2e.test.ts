// `restflow worker` and `restflow workers` (docs/workers.md) against a real auto-started daemon on the queue
// backend and a real redis-server: the worker registers with a token given in the environment (never shown),
// the list shows it with its tags, SIGTERM stops it cleanly (it deregisters), and a missing token is a usage error.
// The worker runs its bundle: the suite wants `npm run build -w @restflow/daemon` first, as every bin's e2e does.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { resolvePaths } from '@restflow/paths';
import {
  cliBin,
  dataDirPool,
  runCli,
  runCliJson,
  startRedis,
  stopDaemonFor,
  type TestRedis,
  waitUntil,
} from '@restflow/testkit';

const dirs = dataDirPool();
let redis: TestRedis;

beforeAll(async () => {
  redis = await startRedis();
}, 30_000);

afterAll(async () => {
  await dirs.cleanup();
  await redis?.stop();
});

interface WorkerRow {
  name: string;
  status: string;
  tags: string[];
  concurrency: number;
}

describe('restflow worker', () => {
  it('runs a worker that the list shows, and stops it cleanly on SIGTERM', async () => {
    const dataDir = dirs.create();
    const opts = {
      dataDir,
      env: { RESTFLOW_EXECUTION_BACKEND: 'queue', RESTFLOW_REDIS_URL: redis.url },
      timeoutMs: 60_000,
    };
    let worker: ChildProcess | undefined;
    try {
      const created = await runCli(['token', 'create', '--name', 'worker'], opts);
      expect(created.code).toBe(0);
      const token = created.stdout.split('\n')[0] as string;
      const { url } = JSON.parse(fs.readFileSync(resolvePaths(dataDir).httpInfoFile, 'utf8')) as { url: string };

      let log = '';
      const codeCache = path.join(dataDir, 'code-cache');
      worker = spawn(
        process.execPath,
        [cliBin, 'worker', '--daemon-url', url, '--tags', 'gpu,sandbox', '--concurrency', '2', '--name', 'cli-w'],
        {
          env: {
            ...process.env,
            NODE_OPTIONS: '',
            RESTFLOW_DIR: dataDir,
            RESTFLOW_WORKER_TOKEN: token,
            RESTFLOW_CODE_CACHE: codeCache,
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      worker.stdout?.on('data', (chunk: Buffer) => {
        log += chunk.toString();
      });
      worker.stderr?.on('data', (chunk: Buffer) => {
        log += chunk.toString();
      });
      await waitUntil(() => log.includes(' ready: '), 60_000, 'the worker ready', 50);
      expect(log).toContain('tags gpu,sandbox');

      const listed = await runCliJson<WorkerRow[]>(['workers'], opts);
      expect(listed).toEqual([
        expect.objectContaining({ name: 'cli-w', status: 'online', tags: ['gpu', 'sandbox'], concurrency: 2 }),
      ]);
      const text = await runCli(['workers'], opts);
      expect(text.stdout).toMatch(/cli-w.*online.*gpu,sandbox.*0\/2/);

      const exited = new Promise<number | null>((resolve) => worker?.once('exit', (code) => resolve(code)));
      worker.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(await runCliJson<WorkerRow[]>(['workers'], opts)).toEqual([]);
      expect(log).not.toContain(token);
      // The worker it started ran its bundle (bin/restflow-worker.cjs, built with the daemon's): only a bundle run
      // saves a code cache (scripts/code-cache.cjs).
      expect(fs.readdirSync(codeCache)).toContain('restflow-worker');
    } finally {
      if (worker && worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
      await stopDaemonFor(dataDir);
    }
  }, 180_000);

  it('refuses to start without a token, saying where to put one', async () => {
    const result = await runCli(['worker', '--daemon-url', 'http://127.0.0.1:9'], {
      dataDir: dirs.create(),
      env: { RESTFLOW_WORKER_TOKEN: '' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('RESTFLOW_WORKER_TOKEN');
  });
});
