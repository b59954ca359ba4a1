// CLI-mode task runs: `binary args… <input>` in the task's working dir, each stdout/stderr
// line streamed as it arrives. The process gets its own process group so cancel and timeout can stop the whole
// tree (SIGTERM the group, then SIGKILL), not just the direct child.
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type readline from 'node:readline';
import type { Readable } from 'node:stream';

/** Grace between SIGTERM and SIGKILL of a process group. */
export const KILL_GRACE_MS = 2000;
/** The run id is put into the child's environment so a restarted daemon can recognise its orphans. */
export const RUN_ID_ENV = 'RESTFLOW_TASK_RUN_ID';

export interface CliRunRequest {
  binary: string;
  args: string[];
  /** Appended as the last argument when not empty. */
  input?: string | null;
  cwd?: string | null;
  runId: string;
  env?: NodeJS.ProcessEnv;
  /** Aborting kills the process tree; the run then resolves (never rejects) with `killed` set. */
  signal: AbortSignal;
  onSpawn?: (pid: number) => void;
  onLine: (text: string, isStderr: boolean) => void;
  killGraceMs?: number;
}

export interface CliRunResult {
  exitCode: number | null;
  /** The signal that ended the process, if any. */
  exitSignal: NodeJS.Signals | null;
  /** True when the run was stopped through `signal`. */
  killed: boolean;
  /** The last stderr line, for the error message of a failed run. */
  lastStderr: string;
}

export class CliSpawnError extends Error {
  override name = 'CliSpawnError';
}

/** Sends `signal` to the process group led by `pid` (Windows: the tree, via taskkill). Never throws. */
export function signalProcessTree(pid: number, signal: NodeJS.Signals): void {
  try {
    if (process.platform === 'win32') {
      spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true }).unref();
    } else {
      process.kill(-pid, signal);
    }
  } catch {
    // Already gone.
  }
}

/**
 * What of a run's program text holds a NUL character, which no program can be given (the operating system ends
 * its strings there, and Node throws instead of starting it); a task's input is one of its arguments.
 */
function nulIn(request: CliRunRequest, args: string[], env: NodeJS.ProcessEnv): string | undefined {
  const hasNul = (text: string | null | undefined) => text?.includes('\u0000') ?? false;
  if (hasNul(request.binary)) return 'binary';
  if (args.some(hasNul)) return 'arguments';
  if (hasNul(request.cwd)) return 'working directory';
  const variable = Object.entries(env).find(([name, value]) => hasNul(name) || hasNul(value))?.[0];
  // The variable's name only, never its value (it may be a granted secret).
  if (variable !== undefined) return `environment variable ${variable.replaceAll('\u0000', '\\0')}`;
  return undefined;
}

export function runCliProcess(request: CliRunRequest): Promise<CliRunResult> {
  return new Promise((resolve, reject) => {
    if (request.signal.aborted) {
      resolve({ exitCode: null, exitSignal: null, killed: true, lastStderr: '' });
      return;
    }
    const args = request.input ? [...request.args, request.input] : [...request.args];
    const env = { ...(request.env ?? process.env), [RUN_ID_ENV]: request.runId };
    const unspawnable = nulIn(request, args, env);
    if (unspawnable) {
      reject(new CliSpawnError(`cannot start the program: a NUL character in its ${unspawnable}`));
      return;
    }
    let child: ChildProcessByStdio<null, Readable, Readable>;
    try {
      child = spawn(request.binary, args, {
        cwd: request.cwd ?? undefined,
        env,
        detached: process.platform !== 'win32',
        stdio: ['ignore', 'pipe', 'pipe'],
        windowsHide: true,
      });
    } catch (error) {
      // Node refuses some values before starting anything; its message quotes them (an environment value may be
      // a granted secret), so only its code is passed on.
      reject(new CliSpawnError(`cannot start the program (${(error as NodeJS.ErrnoException).code ?? 'spawn'})`));
      return;
    }
    let lastStderr = '';
    let killed = false;
    // node:readline loads with the first CLI task, not with the daemon.
    const { createInterface } = createRequire(import.meta.url)('node:readline') as typeof readline;
    const streams = [
      createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY }),
      createInterface({ input: child.stderr, crlfDelay: Number.POSITIVE_INFINITY }),
    ];
    streams[0]?.on('line', (line) => request.onLine(line, false));
    streams[1]?.on('line', (line) => {
      if (line.trim()) lastStderr = line;
      request.onLine(line, true);
    });

    const stop = () => {
      if (killed || child.pid === undefined) return;
      killed = true;
      signalProcessTree(child.pid, 'SIGTERM');
      const pid = child.pid;
      setTimeout(() => signalProcessTree(pid, 'SIGKILL'), request.killGraceMs ?? KILL_GRACE_MS).unref();
    };
    request.signal.addEventListener('abort', stop, { once: true });

    child.once('spawn', () => {
      if (child.pid !== undefined) request.onSpawn?.(child.pid);
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      request.signal.removeEventListener('abort', stop);
      const reason =
        error.code === 'ENOENT'
          ? `command not found: ${request.binary}${request.cwd ? ` (or working dir ${request.cwd} missing)` : ''}`
          : error.message;
      reject(new CliSpawnError(reason));
    });
    // Normally 'close' (all output read) ends the run; a grandchild that escaped the group could hold the
    // pipes open forever, so shortly after 'exit' the run ends anyway.
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let settled = false;
    const finish = () => {
      if (settled || !exit) return;
      settled = true;
      request.signal.removeEventListener('abort', stop);
      // A pending SIGKILL stays armed: members of the group that ignored SIGTERM must still go.
      for (const stream of streams) stream.close();
      child.stdout.destroy();
      child.stderr.destroy();
      resolve({ exitCode: exit.code, exitSignal: exit.signal, killed, lastStderr });
    };
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      setTimeout(finish, 500).unref();
    });
    child.once('close', finish);
  });
}

/**
 * After a crash the daemon's CLI children may still run. `pid` is killed (with its group) only when its
 * environment proves it belongs to `runId` — a recycled pid is left alone. Linux only (needs /proc).
 */
export function reapOrphanedRun(pid: number, runId: string): boolean {
  if (process.platform !== 'linux') return false;
  let environ: string;
  try {
    environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
  } catch {
    return false;
  }
  if (!environ.split('\0').includes(`${RUN_ID_ENV}=${runId}`)) return false;
  signalProcessTree(pid, 'SIGKILL');
  return true;
}
