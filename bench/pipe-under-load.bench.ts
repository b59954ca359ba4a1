// Tail latency of the named pipe under load: a real daemon (HTTP off), 16 pipe clients running a paced mixed load
// (lists, memory search, config, status, writes that create and delete memory chunks, sessions and messages, and
// each client's `system.onChanges` subscription streaming the changes those writes announce), while one more
// client times sequential `system.ping`s. Windows without load (the baseline, same daemon, same run) and with load
// alternate, so a machine whose load drifts affects both alike. The load runs in a child process (this file with
// `--load-child`), so the pings time the daemon, not the load generator's event loop or its collections.
// Run: npm run bench:pipe-load [-- --clients 16 --rate 25 --secs 8 --rounds 3 --warm-up 4]
//   --rate: calls per second of each load client (paced, with jitter; not back to back, which would measure
//   queueing behind the other clients' calls on a saturated daemon instead of the daemon's own pauses).
// A/B in one run: `-- --b-node-options "--max-semi-space-size=32"`, `-- --b-node-args "--single-threaded-gc"` (node's
// command line, for V8 flags NODE_OPTIONS refuses; `--a-node-args` for A's), `-- --b-bin <restflow-daemon.cjs (or bin) of
// another build>` and/or `-- --b-env RESTFLOW_SEARCH_THREAD=off` (KEY=VALUE pairs, comma-separated) start a second
// daemon (B) beside the first (A, the repo's build, `--a-node-options` for its flags); each round then times A's and
// B's windows one after the other, the order alternating between rounds.
// `-- --ping-every 2` paces the pings (~2 ms apart, ±50 %) instead of sending them back to back: they then land at
// random moments of the daemon's work, while back-to-back pings are fewer exactly when the daemon is slow to answer.
// `-- --only memory.search,sessions.list` keeps only these kinds of the load's calls, each at its rate in the mix.
// `-- --as-pings` makes every load call a `system.ping` (same clients, rate and frames per second, no service work);
// `-- --no-changes` leaves out the load clients' `system.onChanges` subscriptions; `-- --nice-load 19` runs the load's
// process at that nice value (the same calls; the pinger no longer waits for a vCPU the load generator holds).
// Experiments like these are not recorded.
// `-- --gc` loads bench/gc-probe.mjs into the daemons and reports their collections in each window (count, pauses).
// `-- --trace` loads bench/ping-trace-probe.mjs: each slow ping's time is split into the wait before the daemon read
// it, the daemon's handling and the way back (bench/ping-legs.ts), and it says how many met a collection of the
// daemon's or of the pinger's own.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createRestflowClient, type RestflowClient } from '@restflow/api/client';
import { removeDataDir, startTestDaemon, type TestDaemon, tempDataDir } from '@restflow/testkit';
import { DAEMON_BUNDLE, exitUnlessBundled } from './bundles.ts';
import { type LatencySummary, percentile, showSummary, summary as summaryOf } from './latency-summary.ts';
import {
  addLegs,
  type DaemonPing,
  type Legs,
  legsOf,
  noLegs,
  readDaemonPings,
  type SentPing,
  showLegs,
} from './ping-legs.ts';
import { cpuMsOf, rssMbOf } from './process-stats.ts';
import { type Figure, recordFigures } from './record.ts';

exitUnlessBundled(DAEMON_BUNDLE);

const text = (name: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const arg = (name: string, fallback: number) => Number(text(name) ?? fallback);

const CLIENTS = arg('clients', 16);
const RATE = arg('rate', 25);
const WINDOW_SECS = arg('secs', 8);
const ROUNDS = arg('rounds', 3);
/** Bounds each window by count as well as by time. */
const MAX_PINGS_PER_WINDOW = 100_000;
/** Bounds each load client's calls per window. */
const MAX_CALLS_PER_CLIENT = Math.ceil(RATE * WINDOW_SECS * 2) + 100;
const SEED_CHUNKS = 300;
const SEED_SESSIONS = 30;
const GOAL_P99_MS = 1;
const AFTER_LOAD_SECS = 10;
/** The uncounted window of load each daemon gets before the rounds. */
const WARM_UP_SECS = arg('warm-up', 4);
/** `--only memory.search,sessions.list`: the load makes only these kinds of calls (each kind's share of the tail). */
const ONLY = text('only')?.split(',');
const LEFT_OUT = 'left out';
/** `--as-pings`: every load call is a `system.ping`, at the same rate: what the transport alone adds to the tail. */
const AS_PINGS = process.argv.includes('--as-pings');
/** `--no-changes`: the load clients keep no `system.onChanges` subscription (what streaming the changes costs). */
const NO_CHANGES = process.argv.includes('--no-changes');
/**
 * `--nice-load 19`: the load's process at that nice value. It makes the same calls (the daemon is not saturated), but
 * yields the vCPUs to the pinger: what is left of the tail is the daemon's share, not the load generator's.
 */
const NICE_LOAD = text('nice-load') === undefined ? undefined : Number(text('nice-load'));
if (NICE_LOAD !== undefined && !(Number.isInteger(NICE_LOAD) && NICE_LOAD >= -20 && NICE_LOAD <= 19)) {
  throw new Error(`--nice-load takes a nice value from -20 to 19, not ${text('nice-load')}`);
}
/** The pause between two pings, ms (±50 % jitter); 0: back to back. */
const PING_EVERY_MS = arg('ping-every', 0);

const WORDS = ['alpha', 'budget', 'cluster', 'deploy', 'engine', 'forest', 'gateway', 'harbor', 'invoice', 'journal'];

type LoadMessage = { type: 'start'; pipe: string } | { type: 'stop' } | { type: 'exit' };
interface LoadReport {
  type: 'stopped';
  /** CPU time the load process used in the window, ms. */
  cpuMs: number;
  calls: Record<string, number>;
  events: number;
  errors: number;
  firstError?: string;
}

/** The load: CLIENTS clients, each pacing a weighted mix of calls at RATE per second while a window is on. */
async function loadChild(): Promise<void> {
  let running = false;
  let report: LoadReport = { type: 'stopped', cpuMs: 0, calls: {}, events: 0, errors: 0 };
  let cpuAtStart = process.cpuUsage();
  /** Each daemon's clients, each with its `system.onChanges` subscription open for the whole run. */
  const fleets = new Map<string, { clients: RestflowClient[]; subscriptions: { unsubscribe(): void }[] }>();
  const fleetOf = (pipePath: string) => {
    let fleet = fleets.get(pipePath);
    if (fleet) return fleet;
    const clients = Array.from({ length: CLIENTS }, () => createRestflowClient({ pipePath }));
    const subscriptions = (NO_CHANGES ? [] : clients).map((client) =>
      client.system.onChanges.subscribe(undefined, {
        onData: () => {
          if (running) report.events++;
        },
        onError: (error) => {
          report.errors++;
          report.firstError ??= `onChanges: ${String(error)}`;
        },
      }),
    );
    fleet = { clients, subscriptions };
    fleets.set(pipePath, fleet);
    return fleet;
  };
  // A small deterministic generator per client: the same mix on every run.
  const random = (seed: number) => () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const work = async (client: RestflowClient, n: number, stopAt: () => boolean) => {
    const next = random(n + 1);
    const chunks: string[] = [];
    const sessions: string[] = [];
    const ops: [weight: number, name: string, call: () => Promise<unknown>][] = [
      [20, 'agents.list', () => client.agents.list.query()],
      [15, 'sessions.list', () => client.sessions.list.query()],
      [
        15,
        'memory.search',
        () => client.memory.search.query({ query: WORDS[Math.floor(next() * WORDS.length)], limit: 20 }),
      ],
      [15, 'config.get', () => client.config.get.query()],
      [5, 'system.status', () => client.system.status.query()],
      [
        10,
        'memory.create+delete',
        async () => {
          const chunk = await client.memory.create.mutate({ content: `load ${n} ${next()} ${WORDS[n % 10]}` });
          chunks.push(chunk.id);
          if (chunks.length > 2) await client.memory.delete.mutate({ id: chunks.shift() as string });
        },
      ],
      [
        10,
        'sessions.create+message+delete',
        async () => {
          const session = await client.sessions.create.mutate({ name: `load ${n}` });
          await client.sessions.messages.create.mutate({ session_id: session.id, role: 'user', content: 'hello' });
          sessions.push(session.id);
          if (sessions.length > 2) await client.sessions.delete.mutate({ id: sessions.shift() as string });
        },
      ],
    ];
    // The kinds left out keep their turns as pauses, so each kept kind runs at the rate it has in the full mix.
    if (ONLY) for (const op of ops) if (!ONLY.includes(op[1])) op.splice(1, 2, LEFT_OUT, async () => {});
    if (AS_PINGS) for (const op of ops) op.splice(2, 1, () => client.system.ping.query());
    const total = ops.reduce((sum, [weight]) => sum + weight, 0);
    for (let i = 0; i < MAX_CALLS_PER_CLIENT && !stopAt(); i++) {
      const started = performance.now();
      let pick = next() * total;
      let op = ops[0] as (typeof ops)[number];
      for (const candidate of ops) {
        op = candidate;
        pick -= candidate[0];
        if (pick < 0) break;
      }
      try {
        await op[2]();
        report.calls[op[1]] = (report.calls[op[1]] ?? 0) + 1;
      } catch (error) {
        report.errors++;
        report.firstError ??= `${op[1]}: ${String(error)}`;
      }
      // Paced around RATE per second with ±50 % jitter, so the clients do not fall into step.
      const wait = (1000 / RATE) * (0.5 + next()) - (performance.now() - started);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  };
  let loops: Promise<void>[] = [];
  process.on('message', async (message: LoadMessage) => {
    if (message.type === 'start') {
      running = true;
      report = { type: 'stopped', cpuMs: 0, calls: {}, events: 0, errors: 0 };
      cpuAtStart = process.cpuUsage();
      loops = fleetOf(message.pipe).clients.map((client, n) => work(client, n, () => !running));
    } else if (message.type === 'stop') {
      running = false;
      await Promise.all(loops);
      const cpu = process.cpuUsage(cpuAtStart);
      report.cpuMs = (cpu.user + cpu.system) / 1000;
      process.send?.(report);
    } else {
      for (const fleet of fleets.values()) {
        for (const subscription of fleet.subscriptions) subscription.unsubscribe();
        for (const client of fleet.clients) client.close();
      }
      process.disconnect();
    }
  });
  process.send?.({ type: 'ready' });
}

interface Daemon {
  name: string;
  nodeOptions: string;
  dataDir: string;
  daemon: TestDaemon;
  pinger: RestflowClient;
  baseline: number[];
  loaded: number[];
  calls: Record<string, number>;
  events: number;
  errors: number;
  idleRss?: number;
  peakRss: number;
  afterRss?: number;
  /** Where bench/gc-probe.mjs writes the daemon's collections (`--gc`). */
  gcFile?: string;
  gcs: { minor: number[]; major: number[] };
  /** Where bench/ping-trace-probe.mjs writes the daemon's side of each ping (`--trace`). */
  traceFile?: string;
  /** Every ping's send and receive time, in order (`--trace`). */
  sent: SentPing[];
  legs: Legs;
}

const summary = (samples: number[]) => summaryOf(samples, GOAL_P99_MS);
const show = (s: LatencySummary) => showSummary(s);

const GC_PROBE = fileURLToPath(new URL('./gc-probe.mjs', import.meta.url));
const TRACE_PROBE = fileURLToPath(new URL('./ping-trace-probe.mjs', import.meta.url));

async function startDaemon(
  name: string,
  nodeOptions: string,
  bin: string | undefined,
  extraEnv: Record<string, string> = {},
  nodeArgs: string[] = [],
): Promise<Daemon> {
  const dataDir = tempDataDir(`rf-bench-load-${name}`);
  const gcFile = process.argv.includes('--gc') ? path.join(dataDir, 'gc.log') : undefined;
  const traceFile = process.argv.includes('--trace') ? path.join(dataDir, 'pings.log') : undefined;
  const probes = [gcFile ? `--import ${GC_PROBE}` : '', traceFile ? `--import ${TRACE_PROBE}` : ''];
  const env = {
    ...extraEnv,
    NODE_OPTIONS: [nodeOptions, ...probes].filter(Boolean).join(' '),
    ...(gcFile ? { RESTFLOW_BENCH_GC_FILE: gcFile } : {}),
    ...(traceFile ? { RESTFLOW_BENCH_PING_TRACE_FILE: traceFile } : {}),
  };
  let daemon: TestDaemon | undefined;
  let pinger: RestflowClient | undefined;
  try {
    daemon = await startTestDaemon(dataDir, { RESTFLOW_HTTP: 'off', ...env }, { bin, nodeArgs });
    pinger = createRestflowClient({ pipePath: daemon.pipe });
    await seed(pinger);
  } catch (error) {
    // Nothing of a daemon that did not come up (or could not be seeded) outlives the bench.
    pinger?.close();
    await daemon?.stop();
    removeDataDir(dataDir);
    throw error;
  }
  return {
    name,
    nodeOptions,
    dataDir,
    daemon,
    pinger,
    baseline: [],
    loaded: [],
    calls: {},
    events: 0,
    errors: 0,
    peakRss: 0,
    gcFile,
    gcs: { minor: [], major: [] },
    traceFile,
    sent: [],
    legs: noLegs(),
  };
}

/** A history to list and search: a few hundred chunks, a few dozen sessions with messages. */
async function seed(pinger: RestflowClient): Promise<void> {
  for (let i = 0; i < SEED_CHUNKS; i++) {
    const words = [0, 1, 2].map((k) => WORDS[(i * 7 + k * 3) % WORDS.length]).join(' ');
    await pinger.memory.create.mutate({ content: `seed ${i}: notes about ${words} and more`, tags: ['seed'] });
  }
  for (let i = 0; i < SEED_SESSIONS; i++) {
    const session = await pinger.sessions.create.mutate({ name: `seed ${i}` });
    for (let m = 0; m < 4; m++) {
      await pinger.sessions.messages.create.mutate({
        session_id: session.id,
        role: m % 2 ? 'assistant' : 'user',
        content: `message ${m} of session ${i} about ${WORDS[(i + m) % WORDS.length]}`,
      });
    }
  }
}

/** The daemon's collections that started between `from` and `to` (epoch ms), from bench/gc-probe.mjs's file. */
/** One collection of the daemon's, from bench/gc-probe.mjs's file (`--gc`): when it began (wall clock, ms). */
interface Collection {
  at: number;
  /** minor (scavenge), major (mark-compact), incremental, weakcb, other. */
  kind: string;
  pauseMs: number;
}

function collectionsOf(d: Daemon): Collection[] {
  if (!d.gcFile || !fs.existsSync(d.gcFile)) return [];
  return fs
    .readFileSync(d.gcFile, 'utf8')
    .split('\n')
    .map((line) => line.split(' '))
    .filter((fields) => fields.length === 3)
    .map(([at, kind, pause]) => ({ at: Number(at), kind: kind as string, pauseMs: Number(pause) }));
}

/** The pauses of the daemon's scavenges and mark-compacts between `from` and `to`. */
function collections(d: Daemon, from: number, to: number): { minor: number[]; major: number[] } {
  const found = { minor: [] as number[], major: [] as number[] };
  for (const c of collectionsOf(d)) {
    if (c.at >= from && c.at <= to && (c.kind === 'minor' || c.kind === 'major')) found[c.kind].push(c.pauseMs);
  }
  return found;
}

const showGc = (gcs: { minor: number[]; major: number[] }, secs: number) => {
  const minor = [...gcs.minor].sort((a, b) => a - b);
  const total = [...gcs.minor, ...gcs.major].reduce((a, b) => a + b, 0);
  return `GC: ${minor.length} scavenges (${(minor.length / secs).toFixed(1)}/s, pause p50 ${percentile(minor, 0.5).toFixed(2)} max ${(minor.at(-1) ?? 0).toFixed(2)} ms), ${gcs.major.length} mark-compact, ${((100 * total) / (secs * 1000)).toFixed(2)} % of the time in pauses`;
};

/**
 * Sequential pings for `secs` seconds (at most MAX_PINGS_PER_WINDOW): their round trips in ms. With `sent`, each
 * ping's wall-clock send and receive times are added to it as well (`--trace`).
 */
async function pings(client: RestflowClient, secs: number, sent?: SentPing[]): Promise<number[]> {
  const samples: number[] = [];
  const end = performance.now() + secs * 1000;
  while (samples.length < MAX_PINGS_PER_WINDOW && performance.now() < end) {
    const t = performance.now();
    await client.system.ping.query();
    const received = performance.now();
    samples.push(received - t);
    sent?.push([performance.timeOrigin + t, performance.timeOrigin + received]);
    if (PING_EVERY_MS > 0) await new Promise((r) => setTimeout(r, PING_EVERY_MS * (0.5 + Math.random())));
  }
  return samples;
}

/** The daemon's collections (every kind) as wall-clock spans. */
const gcSpans = (d: Daemon): [number, number][] => collectionsOf(d).map((c) => [c.at, c.at + c.pauseMs]);

async function main(): Promise<void> {
  const bEnv = Object.fromEntries(
    (text('b-env')?.split(',') ?? []).map((pair) => pair.split('=', 2) as [string, string]),
  );
  const bVariant = ['b-node-options', 'b-node-args', 'b-bin', 'b-env'].some((name) => text(name) !== undefined);
  const nodeArgsOf = (name: string) => text(name)?.split(' ').filter(Boolean) ?? [];
  const daemons: Daemon[] = [];
  let child: ReturnType<typeof fork> | undefined;
  // The pinger's own collections (wall clock), for the trace: a pause of this process delays the answer it reads.
  const pingerGcs: [number, number][] = [];
  const pingerGcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const start = performance.timeOrigin + entry.startTime;
      pingerGcs.push([start, start + entry.duration]);
    }
  });
  if (process.argv.includes('--trace')) pingerGcObserver.observe({ entryTypes: ['gc'] });
  try {
    daemons.push(await startDaemon('A', text('a-node-options') ?? '', undefined, {}, nodeArgsOf('a-node-args')));
    if (bVariant) {
      daemons.push(
        await startDaemon('B', text('b-node-options') ?? '', text('b-bin'), bEnv, nodeArgsOf('b-node-args')),
      );
    }

    child = fork(fileURLToPath(import.meta.url), ['--load-child', ...process.argv.slice(2)], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    const load = child;
    // Linux sets a thread's nice value: this is the load's main thread, which makes its calls and reads their answers
    // (threads it starts later inherit it).
    if (NICE_LOAD !== undefined) os.setPriority(load.pid as number, NICE_LOAD);
    const reply = <T>(type: string) =>
      new Promise<T>((resolve, reject) => {
        const onMessage = (message: { type: string }) => {
          if (message.type !== type) return;
          load.off('message', onMessage);
          load.off('exit', onExit);
          resolve(message as T);
        };
        const onExit = (code: number | null) => reject(new Error(`the load process exited with ${code}`));
        load.on('message', onMessage);
        load.once('exit', onExit);
      });
    await reply('ready');
    for (const d of daemons) {
      await pings(d.pinger, Math.min(2, WINDOW_SECS), d.traceFile ? d.sent : undefined);
      d.idleRss = rssMbOf(d.daemon.pid);
      // A window of load that is not counted: a build's first run compiles its hot paths and writes its code cache
      // then, which would count against whichever daemon is new (--b-bin) in the first round.
      const warmed = reply<LoadReport>('stopped');
      load.send({ type: 'start', pipe: d.daemon.pipe } satisfies LoadMessage);
      await pings(d.pinger, WARM_UP_SECS, d.traceFile ? d.sent : undefined);
      load.send({ type: 'stop' } satisfies LoadMessage);
      const warmUp = await warmed;
      if (warmUp.errors > 0) throw new Error(`the warm-up load failed: ${warmUp.firstError}`);
    }

    for (let round = 1; round <= ROUNDS; round++) {
      // The order alternates, so neither daemon always runs right after the other's load.
      const order = round % 2 ? daemons : [...daemons].reverse();
      for (const d of order) {
        const quiet = await pings(d.pinger, WINDOW_SECS, d.traceFile ? d.sent : undefined);
        d.baseline.push(...quiet);
        console.log(`${d.name} round ${round} no load: ${show(summary(quiet))}`);
        load.send({ type: 'start', pipe: d.daemon.pipe } satisfies LoadMessage);
        // A moment for the clients to get going before the window counts.
        await new Promise((r) => setTimeout(r, 200));
        const rssTimer = setInterval(() => {
          d.peakRss = Math.max(d.peakRss, rssMbOf(d.daemon.pid) ?? 0);
        }, 250);
        const cpuBefore = cpuMsOf(d.daemon.pid);
        const windowStart = performance.now();
        const windowStartMs = Date.now();
        const firstLoaded = d.sent.length;
        const busy = await pings(d.pinger, WINDOW_SECS, d.traceFile ? d.sent : undefined);
        const daemonCpu = (100 * (cpuMsOf(d.daemon.pid) - cpuBefore)) / (performance.now() - windowStart);
        clearInterval(rssTimer);
        const stopped = reply<LoadReport>('stopped');
        load.send({ type: 'stop' } satisfies LoadMessage);
        const report = await stopped;
        d.loaded.push(...busy);
        // The probes write their entries a little after each collection, and every 100 ms.
        if (d.gcFile || d.traceFile) await new Promise((r) => setTimeout(r, 250));
        let legs: Legs | undefined;
        if (d.traceFile) {
          const daemonSide: DaemonPing[] = readDaemonPings(d.traceFile);
          const daemonGcs = d.gcFile ? gcSpans(d) : undefined;
          legs = legsOf(d.sent, daemonSide, firstLoaded, d.sent.length, GOAL_P99_MS, daemonGcs, pingerGcs);
          addLegs(d.legs, legs);
        }
        const gcs = collections(d, windowStartMs, windowStartMs + WINDOW_SECS * 1000);
        d.gcs.minor.push(...gcs.minor);
        d.gcs.major.push(...gcs.major);
        for (const [name, count] of Object.entries(report.calls)) d.calls[name] = (d.calls[name] ?? 0) + count;
        d.events += report.events;
        d.errors += report.errors;
        const callCount = Object.values(report.calls).reduce((a, b) => a + b, 0);
        console.log(
          `${d.name} round ${round} load:    ${show(summary(busy))}  (${callCount} load calls, ${report.events} change events, ${report.errors} errors${report.firstError ? `: ${report.firstError}` : ''}; CPU: daemon ${daemonCpu.toFixed(0)} %, load ${((100 * report.cpuMs) / (WINDOW_SECS * 1000)).toFixed(0)} %, machine load ${os.loadavg()[0]?.toFixed(1)})${d.gcFile ? `\n    ${showGc(gcs, WINDOW_SECS)}` : ''}${legs ? `\n    ${showLegs(legs)}` : ''}`,
        );
      }
    }
    load.send({ type: 'exit' } satisfies LoadMessage);
    // What the daemon keeps once the load is over (a larger young generation must not stay resident).
    await new Promise((r) => setTimeout(r, AFTER_LOAD_SECS * 1000));
    for (const d of daemons) d.afterRss = rssMbOf(d.daemon.pid);

    const figures: Figure[] = [];
    for (const d of daemons) {
      const base = summary(d.baseline);
      const busy = summary(d.loaded);
      const callTotal = Object.entries(d.calls).reduce((sum, [name, n]) => (name === LEFT_OUT ? sum : sum + n), 0);
      const rate = (callTotal / (ROUNDS * WINDOW_SECS)).toFixed(0);
      console.log(
        `\n${d.name} (node options: ${d.nodeOptions || '(none)'}${d.name === 'B' && text('b-bin') ? `, ${text('b-bin')}` : ''}${d.name === 'B' && text('b-env') ? `, env ${text('b-env')}` : ''}${text(`${d.name.toLowerCase()}-node-args`) ? `, node ${text(`${d.name.toLowerCase()}-node-args`)}` : ''})`,
      );
      console.log(`  all rounds, no load: ${show(base)}`);
      console.log(`  all rounds, load:    ${show(busy)}`);
      if (d.gcFile) console.log(`  under load, ${showGc(d.gcs, ROUNDS * WINDOW_SECS)}`);
      if (d.traceFile) console.log(`  under load, ${showLegs(d.legs)}`);
      console.log(
        `  load: ${CLIENTS} clients at ${RATE} calls/s each; ${callTotal} calls (${rate}/s): ${JSON.stringify(d.calls)}; ${d.events} change events; ${d.errors} errors`,
      );
      console.log(
        `  daemon RSS: ${d.idleRss?.toFixed(1) ?? '?'} MB idle after seeding, ${d.peakRss.toFixed(1)} MB peak under load, ${d.afterRss?.toFixed(1) ?? '?'} MB ${AFTER_LOAD_SECS} s after the load`,
      );
      if (d.errors > 0) process.exitCode = 1;
      const suffix = bVariant ? ` [${d.name}]` : '';
      const probe = PING_EVERY_MS > 0 ? `pings ~${PING_EVERY_MS} ms apart` : 'pings back to back';
      const mix = `${ONLY ? `only ${ONLY.join(', ')}` : 'mixed load'}${AS_PINGS ? ', each call a ping' : ''}${NO_CHANGES ? ', no change streams' : ''}`;
      figures.push(
        {
          what: `system.ping p99 under ${CLIENTS}-client ${mix} (${rate} calls/s, ${probe})${suffix}`,
          value: busy.p99,
          unit: 'ms',
          baseline: { what: 'p99 without load', value: base.p99 },
          goal: `p99 ≤ ${GOAL_P99_MS} ms under load`,
          met: busy.p99 <= GOAL_P99_MS,
        },
        {
          what: `system.ping share over ${GOAL_P99_MS} ms under load${suffix}`,
          value: (100 * busy.over) / Math.max(1, busy.count),
          unit: '%',
          baseline: { what: 'without load', value: (100 * base.over) / Math.max(1, base.count) },
        },
        {
          what: `system.ping p50 under load${suffix}`,
          value: busy.p50,
          unit: 'ms',
          baseline: { what: 'p50 without load', value: base.p50 },
        },
        {
          what: `system.ping max under load${suffix}`,
          value: busy.max,
          unit: 'ms',
          baseline: { what: 'max without load', value: base.max },
        },
        ...(d.peakRss > 0 ? [{ what: `daemon RSS peak under load${suffix}`, value: d.peakRss, unit: 'MB' }] : []),
        ...(d.afterRss !== undefined
          ? [{ what: `daemon RSS ${AFTER_LOAD_SECS} s after the load${suffix}`, value: d.afterRss, unit: 'MB' }]
          : []),
      );
    }
    // A partial mix, pings for calls, a reniced load or A run with flags of its own (a profiler) is an experiment, not
    // the benchmark's figure; the paced probe is recorded beside the default one.
    const experiment = ONLY || AS_PINGS || NO_CHANGES || NICE_LOAD !== undefined;
    if (!experiment && !text('a-node-options') && !text('a-node-args'))
      recordFigures(PING_EVERY_MS > 0 ? 'pipe-load-paced' : 'pipe-load', figures);
  } finally {
    pingerGcObserver.disconnect();
    child?.kill();
    for (const d of daemons) {
      d.pinger.close();
      await d.daemon.stop();
      removeDataDir(d.dataDir);
    }
  }
}

if (process.argv.includes('--load-child')) await loadChild();
else await main();
