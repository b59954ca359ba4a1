// The search thread's host (src/search-thread/search-thread.ts) against small thread files written here: the real
// thread, which runs the daemon's entry, is tested with a real daemon in search-thread.e2e.test.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { waitUntil } from '@restflow/testkit';
import { startSearchThread } from '../src/search-thread/search-thread.ts';
import { SEARCH_THREAD_READY, searchesOnThread } from '../src/search-thread/searches-on-thread.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-search-thread-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A thread file: `body` runs after its imports, with `port` and `workerData` in scope. */
const threadFile = (name: string, body: string) => {
  const file = path.join(dir, `${name}.mjs`);
  fs.writeFileSync(file, `import { parentPort as port, workerData } from 'node:worker_threads';\n${body}\n`);
  return file;
};
const query = { agent_id: 'agent-1', query: 'harbor' };

describe('startSearchThread', () => {
  it("gives each search the thread's answer to it, and passes the thread the database", async () => {
    const entry = threadFile(
      'answers',
      `port.on('message', ({ id, domain, name, args: [query] }) => port.postMessage({ id, answer: { chunks: [], total_count: id, has_more: false, db: workerData.database, picked: process.env.RESTFLOW_ENTRY_PICKED, q: \`\${domain}.\${name} \${query.query}\` } }));
       port.postMessage({ type: 'ready' });`,
    );
    const env = { RESTFLOW_ENTRY_PICKED: 'bundle' };
    const starting = startSearchThread({ entry, database: '/data/restflow.db', env });
    const thread = await starting.ready;
    try {
      const answers = await Promise.all([
        thread.read('memory', 'search', [query]),
        thread.read('memory', 'ranked', [{ ...query, query: 'other' }, {}, 0]),
      ]);
      expect(answers).toEqual([
        {
          chunks: [],
          total_count: 0,
          has_more: false,
          db: '/data/restflow.db',
          picked: 'bundle',
          q: 'memory.search harbor',
        },
        {
          chunks: [],
          total_count: 1,
          has_more: false,
          db: '/data/restflow.db',
          picked: 'bundle',
          q: 'memory.ranked other',
        },
      ]);
    } finally {
      await starting.stop();
    }
    expect(await thread.read('memory', 'search', [query])).toBeUndefined();
  });

  it('resolves a search the thread failed undefined', async () => {
    const entry = threadFile(
      'fails',
      `port.on('message', ({ id }) => port.postMessage({ id }));
       port.postMessage({ type: 'ready' });`,
    );
    const unanswered: string[] = [];
    const starting = startSearchThread({ entry, database: 'x.db', onUnanswered: (name) => unanswered.push(name) });
    const thread = await starting.ready;
    await expect(thread.read('memory', 'search', [query])).resolves.toBeUndefined();
    await expect(thread.read('sessions', 'searchHits', ['harbor', undefined, 10, undefined])).resolves.toBeUndefined();
    expect(unanswered).toEqual(['memory.search', 'sessions.searchHits']);
    await starting.stop();
  });

  it('rejects when the thread fails before it is ready', async () => {
    const entry = threadFile('throws', `throw new Error('no database here');`);
    await expect(startSearchThread({ entry, database: 'x.db' }).ready).rejects.toThrow('no database here');
    const quits = threadFile('quits', 'process.exit(3);');
    await expect(startSearchThread({ entry: quits, database: 'x.db' }).ready).rejects.toThrow('exited (code 3)');
  });

  it('answers the searches waiting on a thread that dies undefined, says so once, and sends it no more', async () => {
    const entry = threadFile(
      'dies',
      `port.on('message', () => { throw new Error('thread broke'); });
       port.postMessage({ type: 'ready' });`,
    );
    const errors: Error[] = [];
    const starting = startSearchThread({ entry, database: 'x.db', onError: (error) => errors.push(error) });
    const thread = await starting.ready;
    await expect(thread.read('memory', 'search', [query])).resolves.toBeUndefined();
    expect(errors.map((e) => e.message)).toEqual(['thread broke']);
    await expect(thread.read('memory', 'search', [query])).resolves.toBeUndefined();
    await starting.stop();
    expect(errors).toHaveLength(1);
  });

  it('answers the searches waiting when it is stopped undefined, and says nothing of its own stop', async () => {
    const entry = threadFile('silent', `port.on('message', () => {}); port.postMessage({ type: 'ready' });`);
    const errors: Error[] = [];
    const starting = startSearchThread({ entry, database: 'x.db', onError: (error) => errors.push(error) });
    const thread = await starting.ready;
    const waiting = thread.read('memory', 'search', [query]);
    await starting.stop();
    await expect(waiting).resolves.toBeUndefined();
    expect(errors).toEqual([]);
  });

  it('stops a thread that is not ready yet at once, its readiness rejected', async () => {
    const entry = threadFile('never-ready', `port.on('message', () => {});`);
    const starting = startSearchThread({ entry, database: 'x.db' });
    const ready = starting.ready.catch((error: Error) => error.message);
    await starting.stop();
    await expect(ready).resolves.toBe('the search thread was stopped before it was ready');
  });
});

/** A logger that keeps what it is told. */
function keptLog() {
  const lines: { level: string; fields: unknown; message: unknown }[] = [];
  const at = (level: string) => (fields: unknown, message?: unknown) =>
    lines.push({ level, fields, message: message ?? fields });
  return { lines, logger: { info: at('info'), warn: at('warn'), debug: at('debug') } as never };
}

/** Services that keep the read thread they are given. */
function keptServices() {
  const used: [string, unknown][] = [];
  const services = {
    memory: { useReadThread: (thread: unknown) => used.push(['memory', thread]) },
    sessions: { useReadThread: (thread: unknown) => used.push(['sessions', thread]) },
  } as never;
  return { used, services };
}

describe('searchesOnThread', () => {
  const ready =
    "port.on('message', ({ id }) => port.postMessage({ id, answer: 'found' })); port.postMessage({ type: 'ready' });";

  it('gives both services the thread once it is ready, and takes it back when stopped', async () => {
    const { used, services } = keptServices();
    const { lines, logger } = keptLog();
    const stop = searchesOnThread(services, { entry: threadFile('ready', ready), database: 'x.db' }, logger);
    await waitUntil(() => used.length === 2, 5000, 'the thread given to the services');
    expect(used.map(([domain]) => domain)).toEqual(['memory', 'sessions']);
    const thread = used[0]?.[1] as { read: (...a: unknown[]) => Promise<unknown> };
    await expect(thread.read('memory', 'search', [{ agent_id: 'a' }])).resolves.toBe('found');
    expect(lines.map((l) => l.message)).toEqual([SEARCH_THREAD_READY]);
    await stop();
    expect(used.slice(2)).toEqual([
      ['memory', undefined],
      ['sessions', undefined],
    ]);
    await expect(thread.read('memory', 'search', [{ agent_id: 'a' }])).resolves.toBeUndefined();
  });

  it('takes the thread back and warns once when it dies; says nothing of a stop before it was ready', async () => {
    const { used, services } = keptServices();
    const { lines, logger } = keptLog();
    const dies = threadFile(
      'dies-later',
      "port.on('message', () => process.exit(7)); port.postMessage({ type: 'ready' });",
    );
    const stop = searchesOnThread(services, { entry: dies, database: 'x.db' }, logger);
    await waitUntil(() => used.length === 2, 5000, 'the thread given to the services');
    const thread = used[0]?.[1] as { read: (...a: unknown[]) => Promise<unknown> };
    await expect(thread.read('memory', 'search', [{ agent_id: 'a' }])).resolves.toBeUndefined();
    await waitUntil(() => lines.some((l) => l.level === 'warn'), 5000, 'the warning');
    expect(used.slice(2)).toEqual([
      ['memory', undefined],
      ['sessions', undefined],
    ]);
    await stop();
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(1);

    const quiet = keptLog();
    const never = threadFile('never-ready-2', `port.on('message', () => {});`);
    const stopEarly = searchesOnThread(keptServices().services, { entry: never, database: 'x.db' }, quiet.logger);
    await stopEarly();
    expect(quiet.lines.filter((l) => l.level !== 'debug')).toEqual([]);
  });
});
