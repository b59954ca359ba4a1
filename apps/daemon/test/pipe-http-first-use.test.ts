// The pipe's HTTP side (transports/pipe-http.ts) loads with the first HTTP connection, not with the daemon: the
// connections that arrive while it loads keep every byte they sent and are all answered.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { removeDataDir, tempDataDir } from '@restflow/testkit';
import { createLogger, type RunningDaemon, startDaemon } from '../src/index.ts';

const dataDir = tempDataDir('rf-pipe-http-first');
let daemon: RunningDaemon;

beforeAll(async () => {
  daemon = await startDaemon({ dataDir, logger: createLogger(undefined, 'silent'), http: false });
});

afterAll(async () => {
  await daemon?.stop('test over');
  removeDataDir(dataDir);
});

/** One raw HTTP/1.1 request over the pipe, sent in two writes; resolves with the whole reply. */
function rawRequest(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(daemon.paths.pipe);
    let reply = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      reply += chunk;
    });
    socket.on('end', () => resolve(reply));
    socket.on('error', reject);
    socket.on('connect', () => {
      socket.write('G');
      socket.write(`ET ${path} HTTP/1.1\r\nHost: pipe\r\nConnection: close\r\n\r\n`);
    });
  });
}

describe('HTTP on the pipe, loaded by its first connection', () => {
  it('answers every connection that arrived while it loaded', async () => {
    const replies = await Promise.all(Array.from({ length: 4 }, () => rawRequest('/trpc/system.ping')));
    for (const reply of replies) {
      expect(reply).toMatch(/^HTTP\/1\.1 200 /);
      expect(reply).toContain('pong');
    }
    // And once loaded, at once; a path outside /trpc is refused as before.
    expect(await rawRequest('/trpc/system.ping')).toContain('pong');
    expect(await rawRequest('/elsewhere')).toMatch(/^HTTP\/1\.1 404 /);
  });
});
