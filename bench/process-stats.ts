// What a benchmark reads of a live process on Linux (/proc): its CPU time and resident memory; and a wait for a file.
import fs from 'node:fs';
import path from 'node:path';

/** CPU time (user + system) a process has used, in ms; 0 where /proc has no answer. */
export function cpuMsOf(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime and stime are fields 14 and 15 of stat, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** A process's resident memory in MB; undefined where /proc has no answer. */
export function rssMbOf(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * CPU time of a process's main thread in ms, to the nanosecond (/proc/<pid>/schedstat): the thread a start waits
 * for, without the GC and compiler helper threads; undefined where /proc has no answer.
 */
export function mainThreadCpuMsOf(pid: number): number | undefined {
  try {
    const ns = Number(fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
    return Number.isFinite(ns) ? ns / 1e6 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Resolves once `file` exists, woken by the file system (inotify on Linux) rather than by polling: a polling loop
 * would take one of the machine's cores from the process being measured.
 */
export function fileAppears(file: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      clearTimeout(timer);
      watcher.close();
      if (error) reject(error);
      else resolve();
    };
    const watcher = fs.watch(path.dirname(file), () => {
      if (fs.existsSync(file)) done();
    });
    const timer = setTimeout(() => done(new Error(`${file} did not appear within ${timeoutMs} ms`)), timeoutMs);
    if (fs.existsSync(file)) done();
  });
}
