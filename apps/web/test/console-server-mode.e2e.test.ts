// Server+daemon mode: the console served by `restflow web serve` (its own process), relaying to the daemon over
// the named pipe. Headless Chromium signs in through it, sees the daemon's data and live changes; the server
// process is checked to hold no database handle and to have loaded no SQLite driver.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cliBin } from '@restflow/testkit';
import { outDir } from './browser.ts';
import { type ConsoleHarness, startConsole } from './console-harness.ts';

let h: ConsoleHarness;
let server: ChildProcess;
let served: { url: string; port: number; sign_in_url: string; pipe: string };

/** The first JSON document the command prints (indented over several lines). */
function firstJson(child: ChildProcess): Promise<typeof served> {
  return new Promise((resolve, reject) => {
    let text = '';
    let stderr = '';
    child.stderr?.on('data', (d) => {
      stderr += d;
    });
    child.stdout?.on('data', (d) => {
      text += d;
      try {
        resolve(JSON.parse(text) as typeof served);
      } catch {
        // not complete yet
      }
    });
    child.once('exit', (code) => reject(new Error(`web serve exited ${code}: ${stderr}`)));
  });
}

beforeAll(async () => {
  h = await startConsole({ name: 'server-mode', signIn: false });
  server = spawn(process.execPath, [cliBin, 'web', 'serve', '-p', '0', '--format', 'json'], {
    env: { ...process.env, NODE_OPTIONS: '', RESTFLOW_DIR: h.dataDir, RESTFLOW_WEB_DIR: outDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  served = await firstJson(server);
}, 240_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  await h?.close();
});

describe('restflow web serve', () => {
  it('serves the console from its own process, relaying to the daemon over the pipe, without a database', async () => {
    expect(served.pipe).toBe(h.daemon.pipe);
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(served.port).not.toBe(h.port);
    const health = await fetch(`${served.url}/health`);
    expect(await health.json()).toMatchObject({ status: 'ok', mode: 'console-server' });

    await h.sdk.agents.create.mutate({ name: 'seen-through-the-relay' });
    const { page } = h;
    await page.goto(served.sign_in_url);
    await page.waitForURL(`http://127.0.0.1:${served.port}/`);
    await h.connection('connected');
    await h.nav('Agents');
    await page.getByText('seen-through-the-relay').first().waitFor();
    // Live changes (system.onChanges, a subscription) come through the relay too.
    await h.sdk.agents.create.mutate({ name: 'arrived-while-open' });
    await page.getByText('arrived-while-open').first().waitFor();
    await h.shot('agents-through-web-serve');

    // The server process never opened the database, nor loaded the SQLite driver.
    const pid = server.pid as number;
    const handles = fs
      .readdirSync(`/proc/${pid}/fd`)
      .map((fd) => {
        try {
          return fs.readlinkSync(path.join(`/proc/${pid}/fd`, fd));
        } catch {
          return '';
        }
      })
      .filter((target) => target.startsWith(h.dataDir));
    expect(handles.filter((target) => target.includes('restflow.db'))).toEqual([]);
    expect(fs.readFileSync(`/proc/${pid}/maps`, 'utf8')).not.toContain('better_sqlite3');

    // A foreign Origin cannot use the relay, and without the cookie nothing gets through.
    const foreign = await page.evaluate(async (port) => {
      const ws = new WebSocket(`ws://localhost:${port}/trpc`);
      return new Promise<string>((resolve) => {
        ws.onopen = () => resolve('open');
        ws.onerror = () => resolve('refused');
      });
    }, served.port);
    expect(foreign).toBe('refused');
  }, 180_000);
});
