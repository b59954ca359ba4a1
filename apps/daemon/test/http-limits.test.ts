// Issue 20's HTTP findings over real listeners: nothing is read before route, authorization, content type and
// size are checked; bodies are capped per route and in number; slow clients time out; connections are capped;
// a bad percent-encoding is a 400 without an error in the log.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { removeDataDir, tempDataDir, waitUntil } from '@restflow/testkit';
import { createLogger, type RunningDaemon, startDaemon } from '../src/index.ts';
import { DEFAULT_MAX_BODY_BYTES } from '../src/transports/http-limits.ts';
import { HttpRoutes, MAX_BODY_BYTES, type RunningHttpServer, serveHttp } from '../src/transports/http-server.ts';
import { MCP_MAX_BODY_BYTES } from '../src/transports/mcp-route.ts';

interface RawReply {
  status: number;
  text: string;
  closed: boolean;
}

/**
 * Writes `head` (and `body`, unless the server answers first) on a raw socket; resolves with the first reply, or
 * with status 0 once the server closes the connection without one.
 */
function raw(port: number, head: string, body?: { chunk: string; count: number }): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    let answered = false;
    socket.setEncoding('utf8');
    socket.on('error', () => {});
    socket.on('data', (chunk: string) => {
      text += chunk;
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (status && text.includes('\r\n\r\n') && !answered) {
        answered = true;
        resolve({ status: Number(status[1]), text, closed: false });
        socket.destroy();
      }
    });
    socket.on('close', () => {
      if (!answered) resolve({ status: 0, text, closed: true });
    });
    socket.on('connect', async () => {
      socket.write(head);
      if (!body) return;
      for (let i = 0; i < body.count && !answered && !socket.destroyed; i++) {
        if (!socket.write(body.chunk)) await new Promise((r) => socket.once('drain', r));
      }
    });
    setTimeout(() => reject(new Error(`no reply within 20 s: ${text.slice(0, 200)}`)), 20_000).unref();
  });
}

describe('the daemon listener', () => {
  let daemon: RunningDaemon;
  let dir: string;
  let port: number;
  let logFile: string;
  let taskId: string;
  let token: string;

  beforeAll(async () => {
    dir = tempDataDir('rfl');
    logFile = path.join(dir, 'test.log');
    daemon = await startDaemon({
      dataDir: dir,
      logger: createLogger(logFile, 'info'),
      http: { host: '127.0.0.1', port: 0 },
    });
    port = Number(new URL(daemon.status().transports.find((t) => t.kind === 'http')?.address as string).port);
    const agent = daemon.services.agents.create('Hooked');
    const created = daemon.services.tasks.create({
      name: 'Hook target',
      agent_id: agent.id,
      execution_mode: { type: 'cli', binary: process.execPath, args: ['-e', ''] },
    });
    const task = daemon.services.tasks.update(created.id, { webhook: { enabled: true, rate_limit: 1000 } });
    taskId = task.id;
    token = task.webhook?.token as string;
  });

  afterAll(async () => {
    await daemon.stop('test over');
    removeDataDir(dir);
  });

  const post = (target: string, headers: Record<string, string | number>) =>
    `POST ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('')}\r\n`;

  it('answers an unauthenticated 16 MB POST without reading its body', async () => {
    const headers = { 'content-type': 'application/json', 'content-length': 16 * 1024 * 1024 };
    // Only the headers are sent: a listener that reads the body first would wait for it.
    const unknown = await raw(port, post('/hooks/trigger/no-such-task', headers));
    expect(unknown.status).toBe(401);
    const wrong = await raw(port, post(`/hooks/trigger/${taskId}`, { ...headers, authorization: 'Bearer wrong' }));
    expect(wrong.status).toBe(401);
  });

  it('refuses a declared body over the route limit (413) and an undeclared one once it passes it', async () => {
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const declared = await raw(
      port,
      post(`/hooks/trigger/${taskId}`, { ...auth, 'content-length': DEFAULT_MAX_BODY_BYTES + 1 }),
    );
    expect(declared.status).toBe(413);
    const chunk = `${(64 * 1024).toString(16)}\r\n${' '.repeat(64 * 1024)}\r\n`;
    const chunked = await raw(port, post(`/hooks/trigger/${taskId}`, { ...auth, 'transfer-encoding': 'chunked' }), {
      chunk,
      count: 40,
    });
    expect(chunked.status).toBe(413);
  });

  it('holds the raw mounts (tRPC over HTTP, run streams, MCP) to the same checks before their handlers read', async () => {
    const mounts = [
      ['/trpc/agents.create', MAX_BODY_BYTES],
      ['/api/execute', MAX_BODY_BYTES],
      ['/mcp', MCP_MAX_BODY_BYTES],
    ] as const;
    for (const [target, limit] of mounts) {
      // Only headers are sent: an answer proves the body was judged unread (no handler waits for it).
      const plain = await raw(port, post(target, { 'content-type': 'text/plain', 'content-length': 1024 }));
      const huge = await raw(port, post(target, { 'content-type': 'application/json', 'content-length': limit + 1 }));
      expect([target, plain.status, huge.status]).toEqual([target, 415, 413]);
      expect(huge.text).toContain(`at most ${limit} bytes`);
    }
  });

  it("refuses a web page's simple cross-origin POST (text/plain, form) without reading it", async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const reply = await raw(
        port,
        post(`/hooks/trigger/${taskId}`, {
          authorization: `Bearer ${token}`,
          'content-type': type,
          'content-length': 1024 * 1024,
          origin: 'https://evil.example',
        }),
      );
      expect([type, reply.status]).toEqual([type, 415]);
    }
  });

  it('answers a bad percent-encoding with 400 and logs no error', async () => {
    const reply = await raw(port, post('/hooks/trigger/%E0%A4%A', { 'content-length': 0 }));
    expect(reply.status).toBe(400);
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    const errors = fs
      .readFileSync(logFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { level: number; msg: string; err?: { stack?: string } })
      .filter((line) => line.level >= 50 || line.err?.stack);
    expect(errors).toEqual([]);
  });

  it('drops a client that never finishes its headers after headersTimeout', async () => {
    // The other limits are observed below on a listener with short ones; here: the daemon's own header timeout.
    const slow = net.connect(port, '127.0.0.1');
    slow.on('error', () => {});
    slow.resume();
    slow.write(`GET /health HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`);
    const started = Date.now();
    await new Promise<void>((resolve) => slow.once('close', () => resolve()));
    // headersTimeout is 10 s (docs/limits.md); Node checks every second.
    expect(Date.now() - started).toBeGreaterThan(9_000);
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 30_000);
});

describe('a listener with short limits', () => {
  let server: RunningHttpServer;
  let release: () => void = () => {};
  const sockets: net.Socket[] = [];

  beforeAll(async () => {
    const routes = new HttpRoutes()
      .add('GET', '/ok', () => ({ status: 200, body: { ok: true } }))
      .add('POST', '/small', (request) => ({ status: 200, body: { got: request.body } }), { maxBodyBytes: 16 })
      .add('POST', '/echo', (request) => ({ status: 200, body: { got: request.body } }))
      // A raw mount reading its body itself, as tRPC over HTTP and MCP do.
      .mount(
        '/raw',
        async (req, res) => {
          let size = 0;
          for await (const chunk of req) size += (chunk as Buffer).length;
          res.end(JSON.stringify({ size }));
        },
        { maxBodyBytes: 16 },
      );
    server = await serveHttp({
      host: '127.0.0.1',
      port: 0,
      routes,
      limits: {
        maxConnections: 3,
        maxBodiesInFlight: 1,
        headersTimeoutMs: 300,
        requestTimeoutMs: 600,
        keepAliveTimeoutMs: 200,
      },
    });
  });

  afterEach(() => {
    release();
    for (const socket of sockets.splice(0)) socket.destroy();
  });

  afterAll(async () => {
    await server.close();
  });

  const head = (target: string, headers: Record<string, string | number> = {}, method = 'POST') =>
    `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n${Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('')}\r\n`;

  function open(): Promise<net.Socket> {
    return new Promise((resolve) => {
      const socket = net.connect(server.port, '127.0.0.1', () => resolve(socket));
      socket.on('error', () => {});
      // Read whatever comes (a 408), so the server's end of the connection is seen.
      socket.resume();
      sockets.push(socket);
    });
  }

  const closed = (socket: net.Socket) =>
    new Promise<number>((resolve) => {
      const started = Date.now();
      if (socket.destroyed) resolve(0);
      socket.once('close', () => resolve(Date.now() - started));
    });

  it('a per-route body limit overrides the default', async () => {
    const json = { 'content-type': 'application/json' };
    const body = '{"a":"0123456789abcdef"}';
    const small = await raw(server.port, `${head('/small', { ...json, 'content-length': body.length })}${body}`);
    expect(small.status).toBe(413);
    const echo = await raw(server.port, `${head('/echo', { ...json, 'content-length': body.length })}${body}`);
    expect(echo.status).toBe(200);
  });

  it("a raw mount's body is capped by its own limit and holds a place among the bodies in flight", async () => {
    const json = { 'content-type': 'application/json' };
    expect((await raw(server.port, head('/raw', { ...json, 'content-length': 17 }))).status).toBe(413);
    expect((await raw(server.port, `${head('/raw', { ...json, 'content-length': 2 })}{}`)).text).toContain(
      '{"size":2}',
    );
    const first = await open();
    first.write(head('/raw', { ...json, 'content-length': 10 }));
    first.write('{"a"');
    await waitUntil(
      async () => (await raw(server.port, head('/echo', { ...json, 'content-length': 2 }))).status === 503,
      5_000,
      "a 503 while the mount's body is in flight",
    );
    first.destroy();
    // Its place is given back when the exchange ends, however it ends.
    await waitUntil(
      async () => (await raw(server.port, `${head('/echo', { ...json, 'content-length': 2 })}{}`)).status === 200,
      5_000,
      'the place given back',
    );
  });

  it('drops partial headers and unsent bodies after the timeouts', async () => {
    const partial = await open();
    partial.write(`GET /ok HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n`);
    expect(await closed(partial)).toBeLessThan(5_000);
    const unsent = await open();
    unsent.write(head('/echo', { 'content-type': 'application/json', 'content-length': 10 }));
    expect(await closed(unsent)).toBeLessThan(5_000);
    const idle = await open();
    expect(await closed(idle)).toBeLessThan(5_000);
  });

  it('answers 503 to a body beyond the bodies in flight, and caps connections', async () => {
    const first = await open();
    first.write(head('/echo', { 'content-type': 'application/json', 'content-length': 10 }));
    first.write('{"a"');
    // The first body is in flight (its reader is waiting for the rest): the next is refused unread.
    await waitUntil(
      async () => {
        const second = await raw(
          server.port,
          head('/echo', { 'content-type': 'application/json', 'content-length': 2 }),
        );
        return second.status === 503;
      },
      5_000,
      'a 503 while a body is in flight',
    );
    first.write(':1}  ');
    // Connections beyond maxConnections are closed at accept.
    const extra = [await open(), await open(), await open(), await open()];
    await waitUntil(() => extra.some((s) => s.destroyed || s.readyState === 'closed'), 5_000, 'a refused connection');
    release = () => {};
  });
});
