// Listening beyond loopback needs an API token first (docs/remote-access.md).
import { afterAll, describe, expect, it } from '@jest/globals';
import { createServices } from '@restflow/core';
import { createDb } from '@restflow/db';
import { resolvePaths } from '@restflow/paths';
import { removeDataDir, tempDataDir } from '@restflow/testkit';
import { createLogger, startDaemon } from '../src/index.ts';
import { isLoopbackHost, remoteBindRefusal } from '../src/transports/remote-bind.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) removeDataDir(dir);
});

describe('remote bind', () => {
  it('tells loopback hosts from the rest', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) {
      expect([host, isLoopbackHost(host)]).toEqual([host, true]);
    }
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.com', '::ffff:10.0.0.1']) {
      expect([host, isLoopbackHost(host)]).toEqual([host, false]);
    }
    expect(remoteBindRefusal('127.0.0.1', 0)).toBeUndefined();
    expect(remoteBindRefusal('0.0.0.0', 1)).toBeUndefined();
    expect(remoteBindRefusal('0.0.0.0', 0)).toContain('restflow token create');
  });

  it('refuses to start on 0.0.0.0 without an API token, and starts once one exists', async () => {
    const dataDir = tempDataDir('rf-remote');
    dirs.push(dataDir);
    const logger = createLogger(undefined, 'silent');
    await expect(startDaemon({ dataDir, logger, http: { host: '0.0.0.0', port: 0 } })).rejects.toThrow(
      /refusing to serve HTTP on 0\.0\.0\.0: .*no API token exists yet/,
    );
    // A token made while the daemon is down (the same service the CLI reaches over the pipe).
    const db = createDb(resolvePaths(dataDir).database);
    const { token } = createServices({ db, env: {} }).apiTokens.create({ name: 'remote' });
    db.$client.close();

    const daemon = await startDaemon({ dataDir, logger, http: { host: '0.0.0.0', port: 0 } });
    try {
      const address = daemon.status().transports.find((t) => t.kind === 'http')?.address as string;
      expect(address).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
      const port = new URL(address).port;
      // Any Host is accepted beyond loopback, but every API call needs the token.
      const anon = await fetch(`http://127.0.0.1:${port}/trpc/system.ping`, {
        headers: { host: `rf.example:${port}` },
      });
      expect(anon.status).toBe(401);
      const authed = await fetch(`http://127.0.0.1:${port}/trpc/system.ping`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(authed.status).toBe(200);
    } finally {
      await daemon.stop('test over');
    }
  });
});
