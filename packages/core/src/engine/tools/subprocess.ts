import { spawn } from 'node:child_process';

export interface ProcessResult {
  exit_code: number | null;
  stdout: string;
  stderr: string;
  timed_out?: boolean;
  truncated?: boolean;
}

export interface ProcessOptions {
  cwd: string;
  signal: AbortSignal;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  /** Per stream; the rest is dropped (the result is truncated for the model anyway). */
  maxOutputBytes?: number;
}

/**
 * Runs a command in its own process group so a timeout or cancel kills everything it started (a shell's
 * children included), not just the shell.
 */
export function runProcess(command: string, args: string[], options: ProcessOptions): Promise<ProcessResult> {
  const max = options.maxOutputBytes ?? 100 * 1024;
  return new Promise((resolve, reject) => {
    if (options.signal.aborted) {
      reject(new Error('cancelled'));
      return;
    }
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: process.platform !== 'win32',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let truncated = false;
    let timedOut = false;
    const append = (current: string, chunk: Buffer): string => {
      if (current.length >= max) {
        truncated = true;
        return current;
      }
      const next = current + chunk.toString('utf8');
      if (next.length > max) truncated = true;
      return next.slice(0, max);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      stdout = append(stdout, chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = append(stderr, chunk);
    });
    const kill = () => {
      try {
        if (child.pid && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, options.timeoutMs);
    const onAbort = () => kill();
    options.signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', (error) => {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      if (options.signal.aborted && !timedOut) {
        reject(new Error('cancelled'));
        return;
      }
      resolve({
        exit_code: code,
        stdout,
        stderr: timedOut ? `${stderr}${stderr ? '\n' : ''}timed out after ${options.timeoutMs} ms` : stderr,
        ...(timedOut ? { timed_out: true } : {}),
        ...(truncated ? { truncated: true } : {}),
      });
    });
  });
}
