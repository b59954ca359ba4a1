// Where the daemon's pipe is: inside the data dir when the path fits a Unix socket's limit, else a short name in
// the temp dir; a Windows named pipe otherwise. Daemon and clients compute it alike from the data dir alone.
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { cacheDir, pipePathFor, resolvePaths } from '../src/index.ts';

const digest = (dir: string) => createHash('sha256').update(dir).digest('hex').slice(0, 16);

describe('pipePathFor', () => {
  it('puts the socket in the data dir when the path is short enough', () => {
    expect(pipePathFor('/home/ada/.restflow', 'linux')).toBe('/home/ada/.restflow/restflow.sock');
    expect(resolvePaths('/home/ada/.restflow').pipe).toBe('/home/ada/.restflow/restflow.sock');
  });

  it('names a long data dir’s socket and a Windows pipe by a digest of the dir, the same each time', () => {
    const long = `/srv/${'deep/'.repeat(30)}restflow`;
    expect(pipePathFor(long, 'linux')).toBe(path.join(os.tmpdir(), `restflow-${digest(long)}.sock`));
    expect(pipePathFor(long, 'linux')).toBe(pipePathFor(long, 'linux'));
    expect(pipePathFor('C:\\Users\\ada\\.restflow', 'win32')).toBe(
      `\\\\.\\pipe\\restflow-${digest('C:\\Users\\ada\\.restflow')}`,
    );
    expect(pipePathFor('/a', 'win32')).not.toBe(pipePathFor('/b', 'win32'));
  });
});

describe('cacheDir', () => {
  it('is RESTFLOW_CACHE_DIR when set, else the platform’s per-user cache', () => {
    expect(cacheDir({ RESTFLOW_CACHE_DIR: '/srv/cache/rf' }, 'linux')).toBe('/srv/cache/rf');
    expect(cacheDir({ XDG_CACHE_HOME: '/home/ada/.xdg' }, 'linux')).toBe('/home/ada/.xdg/restflow');
    expect(cacheDir({}, 'linux')).toBe(path.join(os.homedir(), '.cache', 'restflow'));
    expect(cacheDir({}, 'darwin')).toBe(path.join(os.homedir(), 'Library', 'Caches', 'restflow'));
    expect(cacheDir({ LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' }, 'win32')).toBe(
      path.join('C:\\Users\\ada\\AppData\\Local', 'restflow'),
    );
  });
});
