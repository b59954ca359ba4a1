// The search thread's host (src/search-thread/search-thread.ts) against small thread files written here: the real
// thread, which runs the daemon's entry, is tested with a real daemon in search-thread.e2e.test.ts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { startSearchThread } from '../src/search-thread/search-thread.ts';

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
      `port.on('message', ({ id, domain, name, args: [query] }) => port.postMessage({ id, answer: { chunks: [], total_count: id, has_more: false, db: workerData.database, q: \`\${domain}.\${name} \${query.query}\` } }));
       port.postMessage({ type: 'ready' });`,
    );
    const thread = await startSearchThread({ entry, database: '/data/restflow.db' });
    try {
      const answers = await Promise.all([
        thread.read('memory', 'search', [query]),
        thread.read('memory', 'ranked', [{ ...query, query: 'other' }, {}, 0]),
      ]);
      expect(answers).toEqual([
        { chunks: [], total_count: 0, has_more: false, db: '/data/restflow.db', q: 'memory.search harbor' },
        { chunks: [], total_count: 1, has_more: false, db: '/data/restflow.db', q: 'memory.ranked other' },
      ]);
    } finally {
      await thread.stop();
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
    const thread = await startSearchThread({ entry, database: 'x.db', onUnanswered: (name) => unanswered.push(name) });
    await expect(thread.read('memory', 'search', [query])).resolves.toBeUndefined();
    await expect(thread.read('sessions', 'searchHits', ['harbor', undefined, 10, undefined])).resolves.toBeUndefined();
    expect(unanswered).toEqual(['memory.search', 'sessions.searchHits']);
    await thread.stop();
  });

  it('rejects when the thread fails before it is ready', async () => {
    const entry = threadFile('throws', `throw new Error('no database here');`);
    await expect(startSearchThread({ entry, database: 'x.db' })).rejects.toThrow('no database here');
    const quits = threadFile('quits', 'process.exit(3);');
    await expect(startSearchThread({ entry: quits, database: 'x.db' })).rejects.toThrow('exited (code 3)');
  });

  it('answers the searches waiting on a thread that dies undefined, says so once, and sends it no more', async () => {
    const entry = threadFile(
      'dies',
      `port.on('message', () => { throw new Error('thread broke'); });
       port.postMessage({ type: 'ready' });`,
    );
    const errors: Error[] = [];
    const thread = await startSearchThread({ entry, database: 'x.db', onError: (error) => errors.push(error) });
    await expect(thread.read('memory', 'search', [query])).resolves.toBeUndefined();
    expect(errors.map((e) => e.message)).toEqual(['thread broke']);
    await expect(thread.read('memory', 'search', [query])).resolves.toBeUndefined();
    await thread.stop();
    expect(errors).toHaveLength(1);
  });

  it('answers the searches waiting when it is stopped undefined, and says nothing of its own stop', async () => {
    const entry = threadFile('silent', `port.on('message', () => {}); port.postMessage({ type: 'ready' });`);
    const errors: Error[] = [];
    const thread = await startSearchThread({ entry, database: 'x.db', onError: (error) => errors.push(error) });
    const waiting = thread.read('memory', 'search', [query]);
    await thread.stop();
    await expect(waiting).resolves.toBeUndefined();
    expect(errors).toEqual([]);
  });
});
