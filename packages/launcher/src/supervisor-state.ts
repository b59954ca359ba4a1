// What the supervisor (supervisor.mjs) leaves in the data dir, and how clients find a live one.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { RestflowPaths } from '@restflow/paths';
import { type PidRecord, readPidFile } from './pid-file.ts';
import { isProcessAlive, processIdentity } from './process-identity.ts';

/** Exit code of a daemon that found another instance holding the lock. */
export const EXIT_ALREADY_RUNNING = 75;
/** Exit code of a supervisor that stopped restarting a daemon that keeps crashing (supervisor.mjs). */
export const EXIT_SUPERVISOR_GAVE_UP = 70;
/** Exit code of a daemon that cannot start for a reason a restart will not change (its log says which). */
export const EXIT_CANNOT_START = 78;

export interface SupervisorRecord {
  pid: number;
  started_at: number;
  state: 'restarting' | 'gave_up';
  /** Restarts this supervisor made. */
  restarts: number;
  crashes: { at: number; code: number | null; signal: string | null }[];
  updated_at: number;
  last_exit?: { code: number | null; signal: string | null };
  /** Set when it gave up: why, in words. */
  reason?: string;
  gave_up_at?: number;
}

/** The supervisor's record, if there is one (it writes one at the first crash). */
export function readSupervisorRecord(paths: RestflowPaths): SupervisorRecord | undefined {
  try {
    const record = JSON.parse(fs.readFileSync(paths.supervisorFile, 'utf8')) as SupervisorRecord;
    return Number.isInteger(record.pid) ? record : undefined;
  } catch {
    return undefined;
  }
}

export function clearSupervisorRecord(paths: RestflowPaths): void {
  fs.rmSync(paths.supervisorFile, { force: true });
}

/**
 * The live supervisor named by the pid file, even when the daemon it names has just crashed (the supervisor is
 * then restarting it). A recycled pid is never taken for it (start-time identity, as for the daemon).
 */
export function liveSupervisor(paths: RestflowPaths): { pid: number; record: PidRecord } | undefined {
  const state = readPidFile(paths.pidFile);
  if (state.kind === 'missing' || state.kind === 'garbage') return undefined;
  const supervisor = state.record.supervisor;
  if (!supervisor || !isProcessAlive(supervisor.pid)) return undefined;
  const identity = processIdentity(supervisor.pid);
  if (supervisor.identity && identity && identity !== supervisor.identity) return undefined;
  return { pid: supervisor.pid, record: state.record };
}

/** The supervisor script; `RESTFLOW_SUPERVISOR_ENTRY` overrides it (packaged builds), as for the daemon. */
export function supervisorEntry(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RESTFLOW_SUPERVISOR_ENTRY) return env.RESTFLOW_SUPERVISOR_ENTRY;
  return createRequire(import.meta.url).resolve('@restflow/launcher/supervisor');
}
