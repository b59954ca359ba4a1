// Issue 20's pipe findings, over the real pipe to the real router: a request over the frame limit is a typed
// PAYLOAD_TOO_LARGE for that call only; inputs the SDK cannot serialize reject at once; close() never throws; a
// huge bigint or a deep nesting sent by a raw client is refused early with a typed error.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestServices, fakeDaemonControl, type TestServices, waitUntil } from '@restflow/testkit';
import { createRestflowClient, type RestflowClient, TRPCClientError } from '../src/client/index.ts';
import { createContextFactory } from '../src/context.ts';
import { MAX_FRAME_BYTES } from '../src/ndjson.ts';
import { appRouter } from '../src/root.ts';
import { type PipeServer, servePipe } from '../src/server/pipe-server.ts';

let dir: string;
let server: PipeServer;
let services: TestServices;
const clients: RestflowClient[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-limits-'));
  services = createTestServices();
  services.agents.seedDefault();
  const createContext = createContextFactory(services, fakeDaemonControl());
  server = await servePipe({
    router: appRouter,
    path: path.join(dir, 'p.sock'),
    createContext: () => createContext('pipe'),
  });
});

afterAll(async () => {
  for (const client of clients) client.close();
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function newClient(): RestflowClient {
  const client = createRestflowClient({ pipePath: server.path });
  clients.push(client);
  return client;
}

/** The typed code of a rejection, failing if it does not reject within `ms` (it must not stay pending). */
async function codeOf(promise: Promise<unknown>, ms = 5_000): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms);
  });
  try {
    await Promise.race([promise, timeout]);
  } catch (error) {
    if (!(error instanceof TRPCClientError)) throw error;
    return (error.data as { code?: string } | undefined)?.code;
  } finally {
    clearTimeout(timer);
  }
  throw new Error('expected the call to fail');
}

function deeplyNested(levels: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

describe('the frame limit', () => {
  it('an input over the limit is PAYLOAD_TOO_LARGE for that call; the connection and other calls go on', async () => {
    const client = newClient();
    const events: unknown[] = [];
    const subscription = client.system.onHeartbeat.subscribe(undefined, { onData: (e) => events.push(e) });
    try {
      const before = services.agents.list().length;
      const huge = 'x'.repeat(MAX_FRAME_BYTES + 1024);
      const [big, ping] = await Promise.all([
        codeOf(client.agents.create.mutate({ name: 'big', agent: { prompt: huge } })),
        client.system.ping.query(),
      ]);
      expect(big).toBe('PAYLOAD_TOO_LARGE');
      expect(ping).toBe('pong');
      expect(await client.system.ping.query()).toBe('pong');
      expect(services.agents.list()).toHaveLength(before);
    } finally {
      subscription.unsubscribe();
    }
  });

  it('the limit counts bytes as sent: fewer characters than the limit, more bytes, is refused by the SDK', async () => {
    const client = newClient();
    const prompt = 'é'.repeat(MAX_FRAME_BYTES / 2 + 1024);
    expect(prompt.length).toBeLessThan(MAX_FRAME_BYTES);
    expect(await codeOf(client.agents.create.mutate({ name: 'wide', agent: { prompt } }), 1_000)).toBe(
      'PAYLOAD_TOO_LARGE',
    );
    expect(await client.system.ping.query()).toBe('pong');
  });

  it('a raw client sending an oversized frame gets PAYLOAD_TOO_LARGE for its id and keeps its connection', async () => {
    const socket = net.connect(server.path);
    socket.setEncoding('utf8');
    let received = '';
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const head = '{"id":41,"method":"mutation","params":{"path":"agents.create","input":{"json":{"name":"';
    socket.write(head);
    const chunk = 'y'.repeat(1024 * 1024);
    for (let sent = 0; sent <= MAX_FRAME_BYTES; sent += chunk.length) socket.write(chunk);
    socket.write('"}}}}\n');
    socket.write('{"id":42,"method":"query","params":{"path":"system.ping"}}\n');
    await waitUntil(() => received.includes('"id":42'), 30_000, 'the answer to the frame after the oversized one');
    const replies = received
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: number; error?: { json: { data: { code: string } } } });
    expect(replies.find((r) => r.id === 41)?.error?.json.data.code).toBe('PAYLOAD_TOO_LARGE');
    expect(replies.find((r) => r.id === 42)).toMatchObject({ result: { type: 'data', data: { json: 'pong' } } });
    expect(socket.destroyed).toBe(false);
    socket.destroy();
  });
});

describe('inputs the SDK cannot serialize', () => {
  it('reject at once with a typed client error, and close() never throws afterwards', async () => {
    const client = createRestflowClient({ pipePath: server.path });
    const bad: unknown[] = [
      { name: 'deep', agent: deeplyNested(1500) },
      JSON.parse('{"name":"proto","__proto__":{"polluted":true}}'),
      { name: 'ctor', constructor: { prototype: { polluted: true } } },
    ];
    for (const input of bad)
      expect(await codeOf(client.agents.create.mutate(input as never), 1_000)).toBe('BAD_REQUEST');
    // The client still works, and nothing was sent.
    expect(await client.system.ping.query()).toBe('pong');
    expect(services.agents.list().map((a) => a.name)).not.toEqual(expect.arrayContaining(['deep', 'proto', 'ctor']));
    const inFlight = client.agents.execute.mutate({ id: 'missing', input: 'hi' }).catch((e: unknown) => e);
    expect(() => client.close()).not.toThrow();
    expect(() => client.close()).not.toThrow();
    expect(await inFlight).toBeInstanceOf(TRPCClientError);
    expect(await codeOf(client.system.ping.query(), 1_000)).toBeUndefined();
  });
});

describe('decoding limits on the daemon', () => {
  async function raw(frame: unknown): Promise<{ id: number; error?: { json: { data: { code: string } } } }> {
    const socket = net.connect(server.path);
    socket.setEncoding('utf8');
    let received = '';
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.write(`${typeof frame === 'string' ? frame : JSON.stringify(frame)}\n`);
    try {
      await waitUntil(() => received.includes('\n'), 10_000, 'a reply');
      return JSON.parse(received.split('\n')[0] as string);
    } finally {
      socket.destroy();
    }
  }

  it('refuses a bigint of four million digits with BAD_REQUEST, promptly', async () => {
    const started = Date.now();
    const reply = await raw({
      id: 7,
      method: 'mutation',
      params: {
        path: 'config.update',
        input: { json: { key: 'worker_count', value: '9'.repeat(4_000_000) }, meta: { values: { value: ['bigint'] } } },
      },
    });
    expect(reply).toMatchObject({ id: 7, error: { json: { data: { code: 'BAD_REQUEST' } } } });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('refuses a deep nesting and prototype keys with BAD_REQUEST for that id', async () => {
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const frame = `{"id":8,"method":"mutation","params":{"path":"agents.create","input":{"json":${deep}}}}`;
    expect(await raw(frame)).toMatchObject({ id: 8, error: { json: { data: { code: 'BAD_REQUEST' } } } });
    const proto =
      '{"id":9,"method":"mutation","params":{"path":"agents.create","input":{"json":{"name":"p"},"meta":{"values":{"__proto__.x":["undefined"]}}}}}';
    expect(await raw(proto)).toMatchObject({ id: 9, error: { json: { data: { code: 'BAD_REQUEST' } } } });
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
