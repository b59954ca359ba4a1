// `restflow console` against a real auto-started daemon: the printed sign-in URL really signs a browser in (the
// cookie it sets opens the WebSocket), and the opener ($BROWSER here) gets the same URL.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { dataDirPool, runCli, runCliJson } from '@restflow/testkit';
import { WebSocket } from 'ws';

const dirs = dataDirPool();
afterAll(() => dirs.cleanup());

const newDataDir = () => dirs.create();

const URL_LINE = /^http:\/\/127\.0\.0\.1:(\d+)\/auth\?token=[A-Za-z0-9_-]{43}$/;

/** One query over the console's WebSocket, as a browser holding `cookie` would send it. */
function pingOverWebSocket(port: string, cookie: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/trpc`, {
      headers: { origin: `http://127.0.0.1:${port}`, cookie },
    });
    socket.on('open', () =>
      socket.send(JSON.stringify({ id: 1, method: 'query', params: { path: 'system.ping', input: {} } })),
    );
    socket.on('message', (data) => {
      resolve(JSON.parse(String(data)));
      socket.close();
    });
    socket.on('error', reject);
  });
}

function writeScript(dir: string, name: string, body: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

describe('restflow console', () => {
  it('prints a sign-in URL that works, and hands it to the browser', async () => {
    const dataDir = newDataDir();
    const printed = await runCli(['console', '--print'], { dataDir });
    expect(printed.code).toBe(0);
    expect(printed.stderr).toContain('Starting the RestFlow daemon');
    const url = printed.stdout.trim();
    const port = URL_LINE.exec(url)?.[1] as string;
    expect(port).toBeDefined();
    expect(await runCliJson(['console', '--print'], { dataDir })).toEqual({ url });

    const signIn = await fetch(url, { redirect: 'manual' });
    expect([signIn.status, signIn.headers.get('location')]).toEqual([302, '/']);
    const cookie = (signIn.headers.getSetCookie()[0] as string).split(';')[0] as string;
    expect(cookie).toBe(`restflow_console_${port}=${url.split('token=')[1]}`);
    expect(await pingOverWebSocket(port, cookie)).toEqual({
      id: 1,
      result: { type: 'data', data: { json: 'pong' } },
    });

    const scripts = newDataDir();
    const opener = writeScript(scripts, 'opener.sh', `printf '%s' "$1" > "${scripts}/opened.txt"`);
    const opened = await runCli(['console'], { dataDir, env: { BROWSER: opener } });
    expect([opened.code, opened.stdout]).toEqual([0, `Opened the RestFlow console in your browser: ${url}\n`]);
    expect(fs.readFileSync(path.join(scripts, 'opened.txt'), 'utf8')).toBe(url);

    // No usable browser: the URL is still printed, on stdout, and the reason on stderr.
    const broken = writeScript(scripts, 'broken.sh', 'exit 3');
    const failed = await runCli(['console'], { dataDir, env: { BROWSER: broken } });
    expect([failed.code, failed.stdout]).toEqual([0, `${url}\n`]);
    expect(failed.stderr).toContain(`Could not open a browser (${broken} exited with 3)`);
    const missing = await runCliJson(['console'], { dataDir, env: { BROWSER: path.join(scripts, 'no-such') } });
    expect(missing).toEqual({ url, opened: false });
  });

  it('says so when the daemon has no HTTP listener', async () => {
    const dataDir = newDataDir();
    const result = await runCli(['console', '--print'], { dataDir, env: { RESTFLOW_HTTP: 'off' } });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/Error: the daemon has no HTTP listener \(RESTFLOW_HTTP=off/);
  });
});
