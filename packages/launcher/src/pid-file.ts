import fs from 'node:fs';
import path from 'node:path';
import { isProcessAlive, processIdentity } from './process-identity.ts';

/** Written by the daemon itself once it is serving; removed on a clean stop. */
export interface PidRecord {
  pid: number;
  /** Start-time identity of the process (see processIdentity), when the platform provides one. */
  identity?: string;
  startedAt: number;
  version: string;
  pipe: string;
  /** How the daemon runs (see RunMode); absent from daemons before supervision existed. */
  mode?: RunMode;
  /** The supervisor that restarts this daemon after a crash (mode `supervised`). */
  supervisor?: { pid: number; identity?: string };
}

/**
 * `supervised`: under the launcher's supervisor (restarted after a crash); `service`: under a systemd/launchd unit
 * (`restflow daemon install`); `foreground`: attached to a terminal; `background`: started by hand, unwatched.
 */
export type RunMode = 'supervised' | 'service' | 'foreground' | 'background';

/** The mode a daemon process runs in, from what its starter told it. */
export function runModeOf(env: NodeJS.ProcessEnv, argv: readonly string[]): RunMode {
  if (env.RESTFLOW_RUN_MODE === 'supervised' || env.RESTFLOW_RUN_MODE === 'service') return env.RESTFLOW_RUN_MODE;
  return argv.includes('--foreground') ? 'foreground' : 'background';
}

export type PidFileState =
  | { kind: 'missing' }
  | { kind: 'garbage'; content: string }
  | { kind: 'dead'; record: PidRecord }
  | { kind: 'reused'; record: PidRecord }
  | { kind: 'alive'; record: PidRecord };

export function readPidFile(file: string): PidFileState {
  let content: string;
  try {
    content = fs.readFileSync(file, 'utf8');
  } catch {
    return { kind: 'missing' };
  }
  let record: PidRecord;
  try {
    record = JSON.parse(content) as PidRecord;
    if (!Number.isInteger(record.pid) || record.pid <= 0) throw new Error('bad pid');
  } catch {
    return { kind: 'garbage', content: content.slice(0, 80) };
  }
  if (!isProcessAlive(record.pid)) return { kind: 'dead', record };
  const identity = processIdentity(record.pid);
  if (record.identity && identity && identity !== record.identity) return { kind: 'reused', record };
  return { kind: 'alive', record };
}

/** Atomic: readers see the old file or the new one, never half of it. */
export function writePidFile(file: string, record: PidRecord): void {
  const temp = path.join(path.dirname(file), `.daemon.pid.${process.pid}.tmp`);
  fs.writeFileSync(temp, `${JSON.stringify(record)}\n`, { mode: 0o600 });
  fs.renameSync(temp, file);
}

/** Removes the pid file only if it still names `pid` — never a successor's. */
export function removePidFile(file: string, pid: number): void {
  const state = readPidFileRaw(file);
  if (state === undefined || state.pid === pid) fs.rmSync(file, { force: true });
}

function readPidFileRaw(file: string): PidRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as PidRecord;
  } catch {
    return undefined;
  }
}
