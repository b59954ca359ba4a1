// The web console's server side against an in-process daemon on real sockets: sign-in, the token file, the
// WebSocket mount with the cookie a browser would hold, and the static export (temp dir via RESTFLOW_WEB_DIR).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { AppRouter } from '@restflow/api';
import { createRestflowClient } from '@restflow/api/client';
import { removeDataDir, tempDataDir } from '@restflow/testkit';
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import superjson from 'superjson';
import { WebSocket } from 'ws';
import { createLogger, type RunningDaemon, startDaemon } from '../src/index.ts';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(url: string, headers: Record<string, string> = {}, method = 'GET', rawPath?: string) {
  return new Promise<Reply>((resolve, reject) => {
    const target = new URL(url);
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: rawPath ?? `${target.pathname}${target.search}`,
        method,
        headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const SECURITY_HEADERS = {
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': expect.stringContaining("frame-ancestors 'none'"),
  'x-content-type-options': 'nosniff',
};

/** A miniature Next.js static export, and a file next to it that must never be served. */
function writeExport(root: string): string {
  const out = path.join(root, 'out');
  const files: Record<string, string> = {
    'index.html': '<html>home</html>',
    'agents.html': '<html>agents</html>',
    'settings/index.html': '<html>settings</html>',
    '404.html': '<html>not found</html>',
    'index.txt': 'rsc payload',
    'favicon.ico': 'icon',
    '_next/static/chunks/app-3f2a.js': 'console.log(1)',
    '_next/static/css/app-9c1d.css': 'body{}',
  };
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(out, name)), { recursive: true });
    fs.writeFileSync(path.join(out, name), content);
  }
  fs.writeFileSync(path.join(root, 'secret.txt'), 'TOP-SECRET-OUTSIDE-THE-EXPORT');
  return out;
}

const dirs: string[] = [];
const running: RunningDaemon[] = [];
afterEach(async () => {
  for (const daemon of running.splice(0)) await daemon.stop('test over');
});
afterAll(() => {
  for (const dir of dirs) removeDataDir(dir);
});

function newDir(prefix = 'rf'): string {
  const dir = tempDataDir(prefix);
  dirs.push(dir);
  return dir;
}

async function start(dataDir: string, webDir: string, port = 0): Promise<{ daemon: RunningDaemon; base: string }> {
  const daemon = await startDaemon({
    dataDir,
    logger: createLogger(undefined, 'silent'),
    env: { ...process.env, RESTFLOW_WEB_DIR: webDir },
    http: { host: '127.0.0.1', port },
  });
  running.push(daemon);
  const base = daemon.status().transports.find((t) => t.kind === 'http')?.address as string;
  return { daemon, base };
}

function consoleClient(base: string, cookie: string) {
  const { host } = new URL(base);
  const wsClient = createWSClient({
    url: `ws://${host}/trpc`,
    WebSocket: class extends WebSocket {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols, { headers: { origin: `http://${host}`, cookie } });
      }
    } as unknown as typeof globalThis.WebSocket,
    retryDelayMs: () => 50,
  });
  const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient, transformer: superjson })] });
  return { client, close: () => wsClient.close() };
}

describe('web console over the daemon HTTP listener', () => {
  let webRoot: string;
  let webDir: string;
  beforeAll(() => {
    webRoot = newDir('rf-web');
    webDir = writeExport(webRoot);
  });

  it('signs a browser in with /auth, serves it over WebSocket, and a restart keeps the cookie valid', async () => {
    const dataDir = newDir();
    const first = await start(dataDir, webDir);
    const port = Number(new URL(first.base).port);

    // The token: 32 random bytes, base64url, in a 0600 file; the pipe hands out the sign-in URL.
    const tokenFile = first.daemon.paths.consoleToken;
    const token = fs.readFileSync(tokenFile, 'utf8').trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fs.statSync(tokenFile).mode & 0o777).toBe(0o600);
    const pipe = createRestflowClient({ pipePath: first.daemon.paths.pipe });
    const consoleUrl = `http://127.0.0.1:${port}/auth?token=${token}`;
    expect(await pipe.system.consoleUrl.query()).toEqual({ url: consoleUrl });
    expect(first.daemon.consoleUrl()).toBe(consoleUrl);
    expect((await pipe.system.status.query()).transports).toEqual([
      { kind: 'pipe', address: first.daemon.paths.pipe },
      { kind: 'http', address: `http://127.0.0.1:${port}` },
      { kind: 'ws', address: `ws://127.0.0.1:${port}/trpc` },
    ]);
    pipe.close();

    // Change the last character (to something it is not) so the token is wrong but well-formed.
    const wrong = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const bad = await request(`${first.base}/auth?token=${wrong}`);
    expect(bad.status).toBe(401);
    expect(bad.headers['set-cookie']).toBeUndefined();
    expect(bad.headers).toMatchObject({ ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8' });
    expect(bad.body).toContain('restflow console');
    expect((await request(`${first.base}/auth`)).status).toBe(401);

    const signIn = await request(consoleUrl);
    expect(signIn.status).toBe(302);
    expect(signIn.headers.location).toBe('/');
    expect(signIn.headers).toMatchObject({ ...SECURITY_HEADERS, 'cache-control': 'no-store' });
    const setCookie = signIn.headers['set-cookie']?.[0] as string;
    expect(setCookie).toBe(
      `restflow_console_${port}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${30 * 24 * 3600}`,
    );
    const cookie = setCookie.split(';')[0] as string;

    expect(await request(`${first.base}/auth/status`)).toMatchObject({ status: 401 });
    const status = await request(`${first.base}/auth/status`, { cookie });
    expect([status.status, JSON.parse(status.body)]).toEqual([200, { authenticated: true }]);

    const browser = consoleClient(first.base, cookie);
    expect(await browser.client.system.ping.query()).toBe('pong');
    const created = await browser.client.agents.create.mutate({ name: 'from-the-console' });
    const agents = await browser.client.agents.list.query();
    expect(agents.map((a) => a.id)).toContain(created.id);
    browser.close();

    // Restart on the same port (as the fixed default port does): same token, so the cookie still works.
    await first.daemon.stop('restart');
    running.splice(0);
    const second = await start(dataDir, webDir, port);
    expect(fs.readFileSync(tokenFile, 'utf8').trim()).toBe(token);
    const again = consoleClient(second.base, cookie);
    expect((await again.client.agents.list.query()).map((a) => a.name)).toContain('from-the-console');
    again.close();
  });

  it('serves the static export: .html resolution, SPA fallback, content types, caching, no traversal', async () => {
    const { base } = await start(newDir(), webDir);

    const home = await request(`${base}/`);
    expect([home.status, home.body]).toEqual([200, '<html>home</html>']);
    expect(home.headers).toMatchObject({
      ...SECURITY_HEADERS,
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
    });
    expect((await request(`${base}/agents`)).body).toBe('<html>agents</html>');
    expect((await request(`${base}/agents?id=abc`)).body).toBe('<html>agents</html>');
    expect((await request(`${base}/settings`)).body).toBe('<html>settings</html>');
    expect((await request(`${base}/settings/`)).body).toBe('<html>settings</html>');
    expect((await request(`${base}/index.html`)).body).toBe('<html>home</html>');

    // Client-side routes fall back to index.html; a missing asset is a 404.
    const deep = await request(`${base}/agent/unknown-page`);
    expect([deep.status, deep.body]).toEqual([200, '<html>home</html>']);
    expect((await request(`${base}/_next/static/chunks/missing.js`)).status).toBe(404);
    expect((await request(`${base}/missing.png`)).status).toBe(404);

    const chunk = await request(`${base}/_next/static/chunks/app-3f2a.js`);
    expect([chunk.status, chunk.body]).toEqual([200, 'console.log(1)']);
    expect(chunk.headers).toMatchObject({
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=31536000, immutable',
    });
    expect((await request(`${base}/_next/static/css/app-9c1d.css`)).headers['content-type']).toBe(
      'text/css; charset=utf-8',
    );
    const payload = await request(`${base}/index.txt`);
    expect(payload.headers).toMatchObject({ 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache' });
    expect((await request(`${base}/favicon.ico`)).headers['content-type']).toBe('image/x-icon');

    const head = await request(`${base}/`, {}, 'HEAD');
    expect([head.status, head.body, head.headers['content-type']]).toEqual([200, '', 'text/html; charset=utf-8']);
    expect((await request(`${base}/`, {}, 'POST')).status).toBe(404);
    expect((await request(`${base}/`, { host: 'rebind.example:80' })).status).toBe(421);
    expect((await request(`${base}/trpc`)).status).toBe(426);

    // Traversal: encoded separators, backslashes, NUL and bad escapes are refused; dot segments are normalised
    // by the URL parser and stay inside the export. The file beside the export never comes back.
    for (const raw of [
      '/..%2fsecret.txt',
      '/..%2F..%2Fetc%2Fpasswd',
      '/_next/..%5c..%5csecret.txt',
      '/a%00b',
      '/%E0%A4%A',
    ]) {
      const refused = await request(`${base}/`, {}, 'GET', raw);
      expect([raw, refused.status]).toEqual([raw, 403]);
      expect(refused.headers['x-frame-options']).toBe('DENY');
    }
    for (const raw of ['/../secret.txt', '/%2e%2e/secret.txt', '/_next/../../secret.txt', '/./../secret.txt']) {
      const normalised = await request(`${base}/`, {}, 'GET', raw);
      expect([raw, normalised.status]).toEqual([raw, 404]);
      expect(normalised.body).not.toContain('TOP-SECRET');
    }
  });

  it('answers a "not built" page when there is no export, and replaces a token file others could read', async () => {
    const dataDir = newDir();
    const tokenFile = path.join(dataDir, 'console.token');
    fs.writeFileSync(tokenFile, 'A'.repeat(43), { mode: 0o644 });
    fs.chmodSync(tokenFile, 0o644);
    const { base, daemon } = await start(dataDir, newDir('rf-empty'));

    const token = fs.readFileSync(tokenFile, 'utf8').trim();
    expect(token).not.toBe('A'.repeat(43));
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fs.statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(daemon.consoleUrl()).toContain(`token=${token}`);

    const home = await request(`${base}/`);
    expect(home.status).toBe(200);
    expect(home.body).toContain('npm run build');
    expect(home.headers).toMatchObject({ ...SECURITY_HEADERS, 'cache-control': 'no-store' });
    expect((await request(`${base}/agents`)).status).toBe(404);
    expect((await request(`${base}/health`)).status).toBe(200);
  });
});
