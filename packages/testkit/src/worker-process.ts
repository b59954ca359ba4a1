// The real `restflow-worker` process for e2e tests: started against a daemon's HTTP API with an API token, ready
// once it says so, stopped with SIGTERM as a service manager would.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { RestflowClient } from '@restflow/api/client';
import { repoRoot, tempDataDir } from './process.ts';
import { waitUntil } from './wait.ts';

export const workerBin = path.join(repoRoot, 'apps/daemon/bin/restflow-worker.cjs');

export interface TestWorker {
  name: string;
  child: ChildProcess;
  /** What it has written to stderr so far (its log lines). */
  log(): string;
  /** SIGTERM (a clean stop: its runs cancelled, deregistered), awaited; a worker already gone is left alone. */
  stop(): Promise<void>;
}

/** Starts a worker and waits until it is ready; `args` and `env` add to `--daemon-url`, `--name` and the token. */
export async function startTestWorker(options: {
  daemonUrl: string;
  token: string;
  name: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
}): Promise<TestWorker> {
  // The agents' workspaces in a directory of the test's own, removed once the worker exits (a worker's default is
  // under the OS's tmp, where every run of the suite would leave them).
  const args = options.args ?? [];
  const workspace = args.includes('--workspace') ? undefined : tempDataDir('rf-worker-ws');
  const child = spawn(
    process.execPath,
    [
      workerBin,
      '--daemon-url',
      options.daemonUrl,
      '--name',
      options.name,
      ...(workspace ? ['--workspace', workspace] : []),
      ...args,
    ],
    {
      env: { ...process.env, NODE_OPTIONS: '', RESTFLOW_WORKER_TOKEN: options.token, ...options.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  if (workspace) {
    child.once('exit', () => {
      try {
        fs.rmSync(workspace, { recursive: true, force: true, maxRetries: 3 });
      } catch {
        // Left for the OS's tmp cleaning: a test must not fail on its debris.
      }
    });
  }
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  const worker: TestWorker = {
    name: options.name,
    child,
    log: () => log,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
  try {
    await waitUntil(
      () => {
        if (child.exitCode !== null) throw new Error(`worker ${options.name} exited with ${child.exitCode}: ${log}`);
        return log.includes(' ready: ');
      },
      60_000,
      `worker ${options.name} ready`,
      50,
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return worker;
}

/** Waits until a run is no longer `running` (on whichever side it ran) and returns it. */
export async function settledRun(client: RestflowClient, runId: string, timeoutMs = 60_000) {
  await waitUntil(
    async () => (await client.runs.get.query({ id: runId })).status !== 'running',
    timeoutMs,
    `run ${runId} settled`,
    50,
  );
  return client.runs.get.query({ id: runId });
}
