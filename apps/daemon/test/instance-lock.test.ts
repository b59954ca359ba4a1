// The single-instance lock holds on a data dir's first start (the lock file is created) and on every later one
// (the file exists, and the lock is taken without writing to it).
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { removeDataDir, tempDataDir } from '@restflow/testkit';
import { AlreadyRunningError, acquireInstanceLock } from '../src/index.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) removeDataDir(dir);
});

function lockFile(): string {
  const dir = tempDataDir('rf-lock');
  dirs.push(dir);
  return path.join(dir, 'daemon.lock');
}

describe('acquireInstanceLock', () => {
  it('refuses a second holder on a new lock file, and lets one in once released', () => {
    const file = lockFile();
    const first = acquireInstanceLock(file);
    expect(() => acquireInstanceLock(file)).toThrow(AlreadyRunningError);
    first.release();
    acquireInstanceLock(file).release();
  });

  it('still refuses a second holder when the lock file is left from earlier starts', () => {
    const file = lockFile();
    acquireInstanceLock(file).release();
    acquireInstanceLock(file).release();
    const before = fs.statSync(file).mtimeMs;
    const held = acquireInstanceLock(file);
    try {
      expect(() => acquireInstanceLock(file)).toThrow(AlreadyRunningError);
      // Taken without a write: nothing to flush to disk on a restart.
      expect(fs.statSync(file).mtimeMs).toBe(before);
    } finally {
      held.release();
    }
  });
});
