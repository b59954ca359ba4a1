// `restflow start` without Chromium: it hands the console URL to the browser opener ($BROWSER here), listens where
// -p says, and refuses clearly next to a daemon without an HTTP listener (there is no console to open).
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { dataDirPool, runCli, runCliJson } from '@restflow/testkit';

const dirs = dataDirPool();
afterAll(() => dirs.cleanup());

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('restflow start', () => {
  it('opens the signed-in console URL in the browser, on the port asked for', async () => {
    const dataDir = dirs.create();
    const scripts = dirs.create();
    const opener = path.join(scripts, 'opener.sh');
    fs.writeFileSync(opener, `#!/bin/sh\nprintf '%s' "$1" > "${scripts}/opened.txt"\n`, { mode: 0o755 });
    const port = await freePort();
    const started = await runCliJson<{ started: boolean; console_url: string; opened: boolean; http: string }>(
      ['start', '-p', String(port)],
      { dataDir, env: { BROWSER: opener } },
    );
    expect(started).toMatchObject({ started: true, opened: true, http: `http://127.0.0.1:${port}` });
    expect(started.console_url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/auth\\?token=`));
    expect(fs.readFileSync(path.join(scripts, 'opened.txt'), 'utf8')).toBe(started.console_url);
  });

  it('next to a daemon without an HTTP listener it says how to get one', async () => {
    const dataDir = dirs.create();
    await runCliJson(['daemon', 'start', '--no-http'], { dataDir });
    const result = await runCli(['start', '--no-browser'], { dataDir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('the running daemon serves no HTTP listener (it was started with --no-http');
    expect(result.stderr).toContain("'restflow daemon restart --http'");
  });
});
