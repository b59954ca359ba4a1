// A daemon stays responsive while it searches a large memory. One data dir with 100k generated chunks (the memory
// benchmark's corpus, bench/memory-corpus.ts) is copied for two daemons: A searches on its search thread
// (apps/daemon/src/search-thread/), B on its own thread (RESTFLOW_SEARCH_THREAD=off: the baseline, the same build).
// In each window 2 clients search back to back (keyword, ranked and regex searches, 20 results each; a ranked one
// scores every match, a regex one reads every chunk) while one more sends a `system.ping` every ~2 ms (±50 %) and
// times it; a window without searches comes first. Rounds alternate A and B.
// The searches run in a child process (this file with `--search-child`), so the pings time the daemon only.
// Run: npm run bench:search-thread [-- --chunks 100000 --secs 6 --rounds 2]
import { fork } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRestflowClient } from '@restflow/api/client';
import { createServices } from '@restflow/core';
import { closeDb, createDb } from '@restflow/db';
import { resolvePaths } from '@restflow/paths';
import { removeDataDir, startTestDaemon, type TestDaemon, tempDataDir, waitUntil } from '@restflow/testkit';
import { insertChunksDirectly } from './bench-database.ts';
import { DAEMON_BUNDLE, exitUnlessBundled } from './bundles.ts';
import { type LatencySummary, shareOver, showSummary, summary } from './latency-summary.ts';
import { chunkContent, keywordQueries, rand, tagPool } from './memory-corpus.ts';
import { type Figure, recordFigures } from './record.ts';

exitUnlessBundled(DAEMON_BUNDLE);

const { values: args } = parseArgs({
  options: {
    chunks: { type: 'string', default: '100000' },
    secs: { type: 'string', default: '6' },
    rounds: { type: 'string', default: '2' },
    'search-child': { type: 'boolean', default: false },
    pipe: { type: 'string' },
  },
});
const CHUNKS = Number(args.chunks);
const WINDOW_MS = Number(args.secs) * 1000;
const ROUNDS = Number(args.rounds);
const SEARCHERS = 2;
const PING_EVERY_MS = 2;
/** Bounds each window's pings and each searcher's searches by count as well as by time. */
const MAX_PINGS = 20_000;
const MAX_SEARCHES = 5_000;
const REGEX_QUERIES = ['err(or)? E[0-9]{3}', 'latency of \\w+ went from [0-9]+ ms', 'owns the \\w+ \\w+, review in Q4'];

/** The searches of one window, back to back from SEARCHERS clients, until the parent says stop. */
async function searchChild(): Promise<void> {
  const client = createRestflowClient({ pipePath: args.pipe as string });
  let running = true;
  process.on('message', (message) => {
    if (message === 'stop') running = false;
  });
  const took: number[] = [];
  const searcher = async (n: number) => {
    for (let i = n; running && i < MAX_SEARCHES; i += SEARCHERS) {
      const keywords = keywordQueries[i % keywordQueries.length] as string;
      const started = performance.now();
      if (i % 3 === 0) await client.memory.search.query({ query: keywords, limit: 20 });
      else if (i % 3 === 1) await client.memory.searchRanked.query({ query: { query: keywords, limit: 20 } });
      else {
        const query = REGEX_QUERIES[i % REGEX_QUERIES.length] as string;
        await client.memory.search.query({ query, limit: 20, search_mode: 'regex' });
      }
      took.push(performance.now() - started);
    }
  };
  process.send?.('ready');
  await Promise.all(Array.from({ length: SEARCHERS }, (_, n) => searcher(n)));
  client.close();
  process.send?.({ took });
  process.disconnect();
}

/** A data dir whose database holds the corpus, under one agent (the default of calls that name none). */
function buildDataDir(): string {
  const dataDir = tempDataDir('rf-bench-search-a');
  const paths = resolvePaths(dataDir);
  fs.mkdirSync(paths.dataDir, { recursive: true, mode: 0o700 });
  const db = createDb(paths.database);
  const agentId = createServices({ db, env: {} }).agents.create('Researcher').id;
  const start = Date.UTC(2025, 0, 1);
  const span = 400 * 24 * 3_600_000;
  for (let done = 0; done < CHUNKS; done += 1000) {
    const chunks = Array.from({ length: Math.min(1000, CHUNKS - done) }, () => ({
      content: chunkContent(),
      tags: tagPool.filter(() => rand() < 0.12),
      created_at: start + Math.floor(rand() * span),
    }));
    insertChunksDirectly(db, agentId, chunks, done);
  }
  db.$client.pragma('wal_checkpoint(TRUNCATE)');
  closeDb(db);
  return dataDir;
}

interface Side {
  name: string;
  dataDir: string;
  daemon: TestDaemon;
  quiet: number[];
  searching: number[];
  searches: number[];
}

async function pingFor(pipePath: string, ms: number, during?: () => boolean): Promise<number[]> {
  const pinger = createRestflowClient({ pipePath });
  const took: number[] = [];
  const until = performance.now() + ms;
  try {
    while (performance.now() < until && took.length < MAX_PINGS && (during?.() ?? true)) {
      const started = performance.now();
      await pinger.system.ping.query();
      took.push(performance.now() - started);
      await new Promise((r) => setTimeout(r, PING_EVERY_MS * (0.5 + Math.random())));
    }
  } finally {
    pinger.close();
  }
  return took;
}

async function window(side: Side): Promise<void> {
  side.quiet.push(...(await pingFor(side.daemon.pipe, WINDOW_MS / 2)));
  const child = fork(fileURLToPath(import.meta.url), ['--search-child', '--pipe', side.daemon.pipe], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  const result = new Promise<number[]>((resolve, reject) => {
    child.on('message', (message) => {
      if (typeof message === 'object' && message && 'took' in message) resolve((message as { took: number[] }).took);
    });
    child.once('exit', (code) => reject(new Error(`the search child exited (${code}) without its figures`)));
  });
  result.catch(() => undefined);
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`the search child exited (${code}) before it was ready`)));
  });
  side.searching.push(...(await pingFor(side.daemon.pipe, WINDOW_MS)));
  child.send('stop');
  side.searches.push(...(await result));
}

async function main(): Promise<void> {
  const started = performance.now();
  const dirA = buildDataDir();
  console.log(`corpus: ${CHUNKS} chunks in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const dirB = tempDataDir('rf-bench-search-b');
  fs.cpSync(dirA, dirB, { recursive: true });
  const sides: Side[] = [];
  try {
    for (const [name, dataDir, env] of [
      ['A (search thread)', dirA, {}],
      ['B (daemon thread)', dirB, { RESTFLOW_SEARCH_THREAD: 'off' }],
    ] as const) {
      const daemon = await startTestDaemon(dataDir, { RESTFLOW_HTTP: 'off', ...env });
      sides.push({ name, dataDir, daemon, quiet: [], searching: [], searches: [] });
    }
    const log = resolvePaths(dirA).daemonLog;
    await waitUntil(
      () => fs.readFileSync(log, 'utf8').includes('searches run on the search thread'),
      20_000,
      "A's search thread",
    );
    for (let round = 0; round < ROUNDS; round++) {
      for (const side of round % 2 === 0 ? sides : [...sides].reverse()) await window(side);
    }
    const figures: Figure[] = [];
    const [a, b] = sides.map((side) => {
      const quiet = summary(side.quiet);
      const searching = summary(side.searching);
      const searches = summary(side.searches, 50);
      console.log(`\n${side.name}`);
      console.log(`  no searches: ${showSummary(quiet)}`);
      console.log(`  searching:   ${showSummary(searching)}`);
      console.log(`  searches:    ${showSummary(searches, 'searches')}`);
      return { quiet, searching, searches };
    }) as [Stats, Stats];
    figures.push(
      {
        what: `system.ping p99 while ${SEARCHERS} clients search ${CHUNKS} chunks back to back, on the search thread`,
        value: a.searching.p99,
        unit: 'ms',
        baseline: { what: "searching on the daemon's thread", value: b.searching.p99 },
      },
      {
        what: 'system.ping share over 1 ms while searching, on the search thread',
        value: shareOver(a.searching),
        unit: '%',
        baseline: { what: "searching on the daemon's thread", value: shareOver(b.searching) },
      },
      {
        what: 'system.ping max while searching, on the search thread',
        value: a.searching.max,
        unit: 'ms',
        baseline: { what: "searching on the daemon's thread", value: b.searching.max },
      },
      {
        what: `memory search p50 at ${CHUNKS} chunks (keyword, ranked and regex), on the search thread`,
        value: a.searches.p50,
        unit: 'ms',
        baseline: { what: "on the daemon's thread", value: b.searches.p50 },
      },
      {
        what: 'searches per second, on the search thread',
        value: a.searches.count / ((ROUNDS * WINDOW_MS) / 1000),
        unit: '/s',
        baseline: { what: "on the daemon's thread", value: b.searches.count / ((ROUNDS * WINDOW_MS) / 1000) },
      },
    );
    recordFigures('search-thread', figures);
  } finally {
    for (const side of sides) await side.daemon.stop();
    removeDataDir(dirA);
    removeDataDir(dirB);
  }
}

type Stats = { quiet: LatencySummary; searching: LatencySummary; searches: LatencySummary };

if (args['search-child']) await searchChild();
else await main();
