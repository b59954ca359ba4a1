import fs from 'node:fs';
import http from 'node:http';
import { afterEach, describe, expect, it } from '@jest/globals';
import { createRestflowClient } from '@restflow/api/client';
import { removeDataDir, tempDataDir } from '@restflow/testkit';
import { AlreadyRunningError, createLogger, type RunningDaemon, startDaemon } from '../src/index.ts';

const running: { daemon: RunningDaemon; dir: string }[] = [];
afterEach(async () => {
  for (const { daemon, dir } of running.splice(0)) {
    await daemon.stop('test over');
    removeDataDir(dir);
  }
});

async function start(): Promise<RunningDaemon> {
  const dir = tempDataDir();
  const daemon = await startDaemon({
    dataDir: dir,
    logger: createLogger(undefined, 'silent'),
    http: { host: '127.0.0.1', port: 0 },
  });
  running.push({ daemon, dir });
  return daemon;
}

function get(url: string, headers: Record<string, string> = {}, method = 'GET', body?: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      let text = '';
      res.on('data', (d) => {
        text += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('daemon (in process)', () => {
  it('serves the pipe and the HTTP listener, and refuses a second instance on the same data dir', async () => {
    const daemon = await start();
    const status = daemon.status();
    const httpTransport = status.transports.find((t) => t.kind === 'http');
    expect(httpTransport).toBeDefined();
    const url = httpTransport?.address as string;
    const info = JSON.parse(fs.readFileSync(daemon.paths.httpInfoFile, 'utf8')) as { url: string };
    expect(info.url).toBe(url);

    const health = await get(`${url}/health`);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok', pid: process.pid });
    expect((await get(`${url}/health`, { host: 'evil.example:80' })).status).toBe(421);
    expect((await get(`${url}/nope.json`)).status).toBe(404);
    expect((await get(`${url}/health`, {}, 'POST', '{}')).status).toBe(405);

    const client = createRestflowClient({ pipePath: daemon.paths.pipe });
    expect(await client.system.ping.query()).toBe('pong');
    client.close();

    await expect(
      startDaemon({ dataDir: daemon.paths.dataDir, logger: createLogger(undefined, 'silent'), http: false }),
    ).rejects.toBeInstanceOf(AlreadyRunningError);
    // The refused starter must not have touched the running daemon's files.
    expect(fs.existsSync(daemon.paths.pipe)).toBe(true);
    expect(fs.existsSync(daemon.paths.pidFile)).toBe(true);
  });

  it('keeps serving the pipe when the HTTP port is taken', async () => {
    const blocker = http.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = (blocker.address() as { port: number }).port;
    const dir = tempDataDir();
    const daemon = await startDaemon({
      dataDir: dir,
      logger: createLogger(undefined, 'silent'),
      http: { host: '127.0.0.1', port },
    });
    running.push({ daemon, dir });
    expect(daemon.status().transports.map((t) => t.kind)).toEqual(['pipe']);
    blocker.close();
  });

  it('releases approval expiry timers before its database closes', async () => {
    const daemon = await start();
    const approvals = daemon.services.security.approvals;
    const approval = approvals.create('make deploy');
    const waiter = new AbortController();
    const waiting = daemon.services.security.waitForDecision(approval.id, waiter.signal);
    expect(approvals.armedTimers).toBe(1);
    const entry = running.pop() as { daemon: RunningDaemon; dir: string };
    await daemon.stop('test over');
    // An armed timer would fire into the closed database later, in whatever code runs in this process then.
    expect(approvals.armedTimers).toBe(0);
    waiter.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    removeDataDir(entry.dir);
  });

  it("hands the config's log keys to the log rotation at start and on every change", async () => {
    const dir = tempDataDir();
    const seen: number[] = [];
    const daemon = await startDaemon({
      dataDir: dir,
      logger: createLogger(undefined, 'silent'),
      http: false,
      onLogSettings: (settings) => seen.push(settings.log_keep_files),
    });
    running.push({ daemon, dir });
    expect(seen).toEqual([3]);
    const client = createRestflowClient({ pipePath: daemon.paths.pipe });
    await client.config.update.mutate({ key: 'log_keep_files', value: 6 });
    await expect(client.config.update.mutate({ key: 'log_keep_files', value: 0 })).rejects.toThrow(/at least 1/);
    client.close();
    expect(seen).toEqual([3, 6]);
  });
});
