// What a daemon clears at start, left by one that crashed (apps/daemon/src/lifecycle/stale-files.ts). A pid file
// that names a live supervisor stays until the new daemon writes its own: a client looking in between must see
// a restart under way (launcher's getDaemonState waits for it), not a stopped daemon it should start itself.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from '@jest/globals';
import { processIdentity, readPidFile, writePidFile } from '@restflow/launcher';
import { resolvePaths } from '@restflow/paths';
import { removeDataDir, tempDataDir } from '@restflow/testkit';
import { recoverStaleFiles } from '../src/lifecycle/stale-files.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) removeDataDir(dir);
});

/** A pid no process has: one that just exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  const pid = child.pid as number;
  await new Promise((resolve) => child.once('exit', resolve));
  return pid;
}

function logged() {
  const lines: string[] = [];
  const log = (_fields: unknown, message: string) => lines.push(message);
  return { lines, logger: { info: log, warn: log } as never };
}

async function crashedDaemonFiles(supervisor: { pid: number; identity?: string }) {
  const dir = tempDataDir('rfstale');
  dirs.push(dir);
  const paths = resolvePaths(dir);
  writePidFile(paths.pidFile, {
    pid: await deadPid(),
    startedAt: Date.now() - 60_000,
    version: 'test',
    pipe: paths.pipe,
    mode: 'supervised',
    supervisor,
  });
  fs.writeFileSync(paths.pipe, '');
  return paths;
}

describe('stale files of a crashed daemon', () => {
  it('keeps a pid file that names a live supervisor, and removes the socket file', async () => {
    const identity = processIdentity(process.pid);
    const paths = await crashedDaemonFiles({ pid: process.pid, ...(identity ? { identity } : {}) });
    const { lines, logger } = logged();
    recoverStaleFiles(paths, logger);
    const kept = readPidFile(paths.pidFile);
    expect(kept.kind).toBe('dead');
    expect(kept.kind !== 'missing' && kept.kind !== 'garbage' && kept.record.supervisor?.pid).toBe(process.pid);
    expect(fs.existsSync(paths.pipe)).toBe(false);
    expect(lines).toEqual([
      'kept the pid file naming the supervisor until ours replaces it',
      'removed stale socket file',
    ]);
  });

  it('removes a pid file whose supervisor is gone too', async () => {
    const paths = await crashedDaemonFiles({ pid: await deadPid() });
    const { lines, logger } = logged();
    recoverStaleFiles(paths, logger);
    expect(readPidFile(paths.pidFile).kind).toBe('missing');
    expect(lines).toEqual(['removed stale pid file', 'removed stale socket file']);
  });
});
