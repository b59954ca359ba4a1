// `restflow logs` against a real daemon: the unified log's lines with their component, filters by level and
// component, and `-f` printing live lines that arrive through the logs.onLine subscription.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { resolvePaths } from '@restflow/paths';
import {
  cliBin,
  removeDataDir,
  runCli,
  startTestDaemon,
  type TestDaemon,
  tempDataDir,
  waitUntil,
} from '@restflow/testkit';

let dataDir: string;
let daemon: TestDaemon;

beforeAll(async () => {
  dataDir = tempDataDir('rf-logs');
  daemon = await startTestDaemon(dataDir);
}, 60_000);

afterAll(async () => {
  await daemon?.stop();
  removeDataDir(dataDir);
});

const jsonLines = (stdout: string) =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/** A WebSocket upgrade from a foreign origin: the daemon refuses it and logs a warning. */
function foreignUpgrade(): Promise<void> {
  const { port } = JSON.parse(fs.readFileSync(resolvePaths(dataDir).httpInfoFile, 'utf8')) as { port: number };
  return new Promise((resolve) => {
    const request = http.request({
      host: '127.0.0.1',
      port,
      path: '/trpc',
      headers: { connection: 'Upgrade', upgrade: 'websocket', origin: 'http://evil.example' },
    });
    request.on('response', (response) => {
      response.resume();
      response.on('end', () => resolve());
    });
    request.on('error', () => resolve());
    request.end();
  });
}

describe('restflow logs', () => {
  it('lists the daemon’s lines with time, level and component; --level and --component filter', async () => {
    const all = await runCli(['logs', '--format', 'json', '-n', '500'], { dataDir });
    expect(all.code).toBe(0);
    const lines = jsonLines(all.stdout);
    const ready = lines.find((l) => l.msg === 'daemon ready');
    expect(ready).toMatchObject({ component: 'daemon', level: 30 });
    expect(typeof ready?.time).toBe('number');
    for (const line of lines) expect(typeof line.component).toBe('string');

    await foreignUpgrade();
    const warnings = jsonLines((await runCli(['logs', '--format', 'json', '--level', 'warn'], { dataDir })).stdout);
    expect(warnings.some((l) => l.msg === 'refused a WebSocket upgrade')).toBe(true);
    expect(warnings.every((l) => (l.level as number) >= 40)).toBe(true);

    const scheduler = jsonLines(
      (await runCli(['logs', '--format', 'json', '--component', 'scheduler', '--since', '10m'], { dataDir })).stdout,
    );
    expect(scheduler.every((l) => l.component === 'scheduler')).toBe(true);

    const human = await runCli(['logs', '--level', 'warn'], { dataDir });
    expect(human.stdout).toMatch(/WARN {2}refused a WebSocket upgrade/);
    const bad = await runCli(['logs', '--since', 'yesterday-ish'], { dataDir });
    expect(bad.code).toBe(2);
  }, 120_000);

  it('-f prints new lines live through the subscription', async () => {
    const child = spawn(process.execPath, [cliBin, 'logs', '-f', '--level', 'warn', '--format', 'json', '-n', '1'], {
      env: { ...process.env, NODE_OPTIONS: '', RESTFLOW_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      // The follower prints its last stored line first; then each new refusal must appear while it runs.
      await waitUntil(() => stdout.includes('\n'), 30_000, 'the follower’s first line');
      const before = stdout.split('\n').filter(Boolean).length;
      let attempts = 0;
      await waitUntil(
        async () => {
          attempts++;
          if (attempts <= 50) await foreignUpgrade();
          return stdout.split('\n').filter(Boolean).length > before;
        },
        30_000,
        'a live line',
        200,
      );
      const live = jsonLines(stdout).slice(before);
      expect(live[0]).toMatchObject({ msg: 'refused a WebSocket upgrade', component: 'daemon' });
      expect(child.exitCode).toBeNull();
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }, 120_000);

  it('config set log_keep_files applies to the running daemon: rotated files past the new count go at once', async () => {
    const { daemonLog } = resolvePaths(dataDir);
    // Rotated files as an earlier run of the daemon could have left them (the default keeps 3).
    for (const i of [1, 2, 3]) fs.writeFileSync(`${daemonLog}.${i}`, `{"msg":"old ${i}"}\n`);
    const set = await runCli(['config', 'set', 'log_keep_files', '1'], { dataDir });
    expect(set.code).toBe(0);
    expect([1, 2, 3].map((i) => fs.existsSync(`${daemonLog}.${i}`))).toEqual([true, false, false]);
    const get = await runCli(['config', 'get', 'log_keep_files', '--format', 'json'], { dataDir });
    expect(get.stdout).toContain('1');
    expect((await runCli(['config', 'set', 'log_keep_files', '0'], { dataDir })).stderr).toMatch(/at least 1/);
  });
});
