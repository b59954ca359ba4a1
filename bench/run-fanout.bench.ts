// Fan-out of one agent run's stream: a run emitting ~50k token events (batching off, so every delta is a
// stored event) watched by 20 SDK subscribers (in two child processes) over the real pipe transport, served
// by the real router and run manager on a file database in this process. Reports the event rate and whether any subscriber lost or repeated an event.
// Run: npm run bench:fanout  (options: --tokens N, --subscribers N)
import { type ChildProcess, fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { appRouter, createContextFactory } from '@restflow/api';
import { servePipe } from '@restflow/api/server';
import { AgentEngine, createServices, RunManager } from '@restflow/core';
import { closeDb, createDb } from '@restflow/db';
import { resolvePaths } from '@restflow/paths';
import { fakeDaemonControl, ScriptedLlm } from '@restflow/testkit';
import { recordFigures } from './record.ts';

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
    memory: { search: async () => [], store: () => ({ id: '' }) },
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
try {
  const prepared = await engine.prepare({ node: { model: 'sonnet' } });
  // Subscribers live in child processes (as CLI and console clients do), so the daemon side has its own core.
  const perChild = Math.ceil(SUBSCRIBERS / 2);
  const runId = services.ids.uuid();
  const children = [perChild, SUBSCRIBERS - perChild]
    .filter((n) => n > 0)
    .map((n) =>
      fork(fileURLToPath(new URL('./run-fanout-subscribers.ts', import.meta.url)), [paths.pipe, runId, String(n)], {
        execArgv: ['--import', 'tsx'],
      }),
    );
  const message = (child: ChildProcess, key: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      child.on('message', (m) => {
        if (key in (m as object)) resolve(m as Record<string, unknown>);
      });
      child.on('exit', (code) => code && reject(new Error(`subscriber process exited with ${code}`)));
    });
  const reports = children.map((child) => message(child, 'results'));
  // The run must exist before the children subscribe; they replay whatever they missed from the store.
  const startedAt = Date.now();
  const handle = runs.start({ runId, kind: 'exec', prepared, history: [], input: 'go' });
  const outcome = await handle.done;
  const producedAt = Date.now();
  const results = (await Promise.all(reports)).flatMap(
    (r) => r.results as { received: number; unique: number; lastSeq: number; doneAt: number }[],
  );
  const stored = services.events.last(handle.runId)?.seq ?? 0;
  const finished = Math.max(...results.map((r) => r.doneAt));
  let lost = 0;
  let duplicated = 0;
  for (const r of results) {
    duplicated += r.received - r.unique;
    lost += stored - r.unique;
  }
  const delivered = results.reduce((n, r) => n + r.received, 0);
  const produceSecs = (producedAt - startedAt) / 1000;
  const totalSecs = (finished - startedAt) / 1000;
  console.log(`run ${outcome.status}: ${stored} events stored (${TOKENS} tokens) in ${produceSecs.toFixed(2)} s`);
  console.log(`produced  ${(stored / produceSecs).toFixed(0)} events/s (persist + publish)`);
  console.log(`delivered ${delivered} events to ${results.length} subscribers in ${totalSecs.toFixed(2)} s`);
  console.log(
    `          ${(stored / totalSecs).toFixed(0)} events/s end to end per subscriber, ${(delivered / totalSecs).toFixed(0)} deliveries/s in all`,
  );
  console.log(`lost ${lost}, duplicated ${duplicated}`);
  recordFigures('fanout', [
    { what: 'events produced (persist + publish)', value: stored / produceSecs, unit: 'events/s' },
    { what: `end to end per subscriber (${results.length} subscribers)`, value: stored / totalSecs, unit: 'events/s' },
    {
      what: 'events lost or duplicated',
      value: lost + duplicated,
      unit: 'events',
      goal: '0',
      met: lost + duplicated === 0,
    },
  ]);
  if (lost > 0 || duplicated > 0) process.exitCode = 1;
} finally {
  await server.close();
  closeDb(db);
  fs.rmSync(dir, { recursive: true, force: true });
}
