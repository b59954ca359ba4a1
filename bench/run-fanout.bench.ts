// Fan-out of one agent run's stream: a run emitting ~50k token events (batching off, so every delta is a
// stored event) watched by 20 SDK subscribers over the real pipe transport, served in-process by the real
// router on a file database. Reports the event rate and whether any subscriber lost or repeated an event.
// Run: npm run bench:fanout  (options: --tokens N, --subscribers N)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { appRouter, createContextFactory } from '@restflow/api';
import { createRestflowClient } from '@restflow/api/client';
import { servePipe } from '@restflow/api/server';
import { AgentEngine, createServices, RunManager } from '@restflow/core';
import { closeDb, createDb } from '@restflow/db';
import { resolvePaths } from '@restflow/paths';
import { fakeDaemonControl, ScriptedLlm } from '@restflow/testkit';

const { values: args } = parseArgs({
  options: { tokens: { type: 'string', default: '50000' }, subscribers: { type: 'string', default: '20' } },
});
const TOKENS = Number(args.tokens);
const SUBSCRIBERS = Number(args.subscribers);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-fan-'));
const paths = resolvePaths(dir);
const db = createDb(paths.database);
const services = createServices({ db, paths, env: {} });
const llm = new ScriptedLlm([
  {
    chunks: [
      ...Array.from({ length: TOKENS }, (_, i) => ({ type: 'text' as const, text: `t${i} ` })),
      { type: 'finish' as const, finish_reason: 'stop' as const },
    ],
  },
]);
const engine = new AgentEngine({
  llm: { resolve: async () => llm },
  skills: { list: () => [], find: () => undefined },
  tools: {
    security: {
      evaluate: () => ({ action: 'block' }),
      createApproval: () => ({ id: '', command: '' }),
      waitForDecision: async () => ({ status: 'rejected' }),
    },
    skills: { list: () => [], find: () => undefined },
    memory: { search: () => [], store: () => ({ id: '' }) },
    secrets: { get: () => undefined },
    extraPaths: [],
    allowPrivateNetwork: false,
  },
});
// Batching off: the worst case for the pipeline, one stored and published event per delta.
const runs = new RunManager(services, engine, { updateMessage: () => {} }, { intervalMs: 0, maxChars: 1 });
Object.assign(services, { runs });

const createContext = createContextFactory(services, fakeDaemonControl());
const server = await servePipe({ router: appRouter, path: paths.pipe, createContext: () => createContext('pipe') });
const clients = Array.from({ length: SUBSCRIBERS }, () => createRestflowClient({ pipePath: paths.pipe }));
try {
  await Promise.all(clients.map((c) => c.system.ping.query()));
  const prepared = await engine.prepare({ node: { model: 'sonnet' } });
  const started = performance.now();
  const handle = runs.start({ kind: 'exec', prepared, history: [], input: 'go' });
  const watchers = clients.map(
    (client) =>
      new Promise<{ seqs: number[]; doneAt: number }>((resolve, reject) => {
        const seqs: number[] = [];
        client.chat.onRun.subscribe(
          { runId: handle.runId },
          {
            onData: (e) => seqs.push(e.data.seq),
            onError: reject,
            onComplete: () => resolve({ seqs, doneAt: performance.now() }),
          },
        );
      }),
  );
  const outcome = await handle.done;
  const producedAt = performance.now();
  const results = await Promise.all(watchers);
  const finished = Math.max(...results.map((r) => r.doneAt));
  const stored = services.events.last(handle.runId)?.seq ?? 0;
  let lost = 0;
  let duplicated = 0;
  for (const { seqs } of results) {
    const unique = new Set(seqs);
    duplicated += seqs.length - unique.size;
    for (let seq = 1; seq <= stored; seq++) if (!unique.has(seq)) lost += 1;
  }
  const delivered = results.reduce((n, r) => n + r.seqs.length, 0);
  const produceSecs = (producedAt - started) / 1000;
  const totalSecs = (finished - started) / 1000;
  console.log(`run ${outcome.status}: ${stored} events stored (${TOKENS} tokens) in ${produceSecs.toFixed(2)} s`);
  console.log(`produced  ${(stored / produceSecs).toFixed(0)} events/s (persist + publish)`);
  console.log(`delivered ${delivered} events to ${SUBSCRIBERS} subscribers in ${totalSecs.toFixed(2)} s`);
  console.log(
    `          ${(stored / totalSecs).toFixed(0)} events/s end to end per subscriber, ${(delivered / totalSecs).toFixed(0)} deliveries/s in all`,
  );
  console.log(`lost ${lost}, duplicated ${duplicated}`);
  if (lost > 0 || duplicated > 0) process.exitCode = 1;
} finally {
  for (const client of clients) client.close();
  await server.close();
  closeDb(db);
  fs.rmSync(dir, { recursive: true, force: true });
}
