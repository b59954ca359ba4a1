import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid > 2 ** 31 - 1) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A string that identifies one process incarnation (its start time), so a recycled pid is never mistaken for
 * the daemon that wrote the pid file. Undefined where the platform gives no cheap answer.
 */
export function processIdentity(pid: number): string | undefined {
  if (process.platform === 'linux') {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Field 22 (starttime) counts from after the ")" that closes the command name, which may contain spaces.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return fields[19] ? `linux-start:${fields[19]}` : undefined;
    } catch {
      return undefined;
    }
  }
  if (process.platform === 'darwin' || process.platform === 'freebsd') {
    try {
      const started = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8' }).trim();
      return started ? `ps-start:${started}` : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
