// Real-process helpers for e2e tests: temp data dirs, the real `restflow` CLI and the real daemon.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pingDaemon } from '@restflow/api/client';
import { readPidFile, stopDaemon } from '@restflow/launcher';
import { resolvePaths } from '@restflow/paths';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const cliBin = path.join(repoRoot, 'apps/cli/bin/restflow.cjs');
export const daemonBin = path.join(repoRoot, 'apps/daemon/bin/restflow-daemon.cjs');
/** A small external MCP server built with the SDK (stdio; `--http` for Streamable HTTP): echo, crash, whoami. */
export const mcpTestServerScript = path.join(repoRoot, 'packages/testkit/fixtures/mcp-test-server.mjs');

/** The bundles `npm run build` writes for the bins (repo-relative). */
export const daemonBundle = 'apps/daemon/dist/restflow-daemon.cjs';
export const cliBundle = 'apps/cli/dist/restflow.cjs';
export const workerBundle = 'apps/daemon/dist/restflow-worker.cjs';

const pickEntry = createRequire(import.meta.url)(path.join(repoRoot, 'scripts/pick-entry.cjs')) as {
  isCurrent(bundlePath: string): boolean;
};

/**
 * Whether a bundle (repo-relative) exists and is no older than any of its sources: only then does its bin run it
 * rather than the TypeScript sources (scripts/pick-entry.cjs).
 */
export function isBundleCurrent(bundle: string): boolean {
  return pickEntry.isCurrent(path.join(repoRoot, bundle));
}

/** A fresh data dir with a short path (socket paths must stay under ~100 bytes). */
export function tempDataDir(prefix = 'rf'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}

export function removeDataDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunCliOptions {
  dataDir: string;
  input?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Extra node flags, e.g. `--import` of a guard module. */
  nodeArgs?: string[];
}

/** Runs the real CLI (`node apps/cli/bin/restflow.cjs …`) against `dataDir`. */
export function runCli(args: string[], options: RunCliOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), cliBin, ...args], {
      env: { ...process.env, NODE_OPTIONS: '', RESTFLOW_HTTP_PORT: '0', ...options.env, RESTFLOW_DIR: options.dataDir },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`restflow ${args.join(' ')} timed out\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    // A command that fails before it reads its input (a fast CLI does, on bad arguments) closes the pipe first:
    // its exit code and output are the result, not the EPIPE of writing to it.
    child.stdin.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') reject(error);
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Runs the CLI with `--format json` and parses stdout; throws with stderr if it failed. */
export async function runCliJson<T = unknown>(args: string[], options: RunCliOptions): Promise<T> {
  const result = await runCli([...args, '--format', 'json'], options);
  if (result.code !== 0) throw new Error(`restflow ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

export interface TestDaemon {
  dataDir: string;
  pipe: string;
  process: ChildProcess;
  pid: number;
  /** Stops with SIGTERM and waits for exit. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash. */
  kill(): Promise<void>;
}

/**
 * Starts the real daemon as a child process on `dataDir` and waits until it answers. `options.bin`: another build
 * of the daemon to run (a benchmark comparing two builds in one run), else the repo's bin; `options.nodeArgs`: flags
 * for node's command line before the bin (V8's that NODE_OPTIONS refuses, such as `--single-threaded-gc`).
 */
export async function startTestDaemon(
  dataDir: string,
  env: NodeJS.ProcessEnv = {},
  options: { bin?: string; nodeArgs?: string[] } = {},
): Promise<TestDaemon> {
  const paths = resolvePaths(dataDir);
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.bin ?? daemonBin], {
    env: { ...process.env, NODE_OPTIONS: '', RESTFLOW_HTTP_PORT: '0', ...env, RESTFLOW_DIR: dataDir },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 20_000;
  // Ready: the pipe answers and the daemon has said so (main.ts, once its HTTP side has started or failed to: it
  // starts after the pipe's first answer, apps/daemon/src/daemon.ts). The ping comes first, so it is that answer
  // and the HTTP side does not wait out its grace period.
  while (!(await pingDaemon(paths.pipe, 300)) || !stderr.includes('RestFlow daemon ready')) {
    if (child.exitCode !== null) throw new Error(`daemon exited with ${child.exitCode}: ${stderr}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`daemon did not become ready: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const pidState = readPidFile(paths.pidFile);
  return {
    dataDir,
    pipe: paths.pipe,
    process: child,
    pid: pidState.kind === 'alive' ? pidState.record.pid : (child.pid as number),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/**
 * Stops whatever daemon serves `dataDir` (started by the CLI in the background), best effort — its supervisor
 * too, so it cannot restart the daemon behind the test's back.
 */
export async function stopDaemonFor(dataDir: string): Promise<void> {
  try {
    await stopDaemon(resolvePaths(dataDir), { termTimeoutMs: 10_000 });
  } catch {
    // Best effort: the data dir is removed next anyway.
  }
}

export { isProcessAlive } from '@restflow/launcher';

/** Data dirs a test file creates for CLI-started daemons; `cleanup` (in an afterAll) stops each daemon and removes it. */
export function dataDirPool(): { create(): string; cleanup(): Promise<void> } {
  const dirs: string[] = [];
  return {
    create() {
      const dir = tempDataDir();
      dirs.push(dir);
      return dir;
    },
    async cleanup() {
      for (const dir of dirs.splice(0)) {
        await stopDaemonFor(dir);
        removeDataDir(dir);
      }
    },
  };
}
