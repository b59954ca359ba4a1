// Ping latency while issue 18's abuse probes run against a real daemon (packages/testkit/src/abuse-probes.ts, the
// probes apps/daemon/test/abuse-probes.e2e.test.ts asserts memory bounds with): 20 partial 15 MB frames parked on
// the pipe and on the WebSocket, a bigint of four million digits, `^(a+)+$` regex memory searches. Per probe, a
// fresh daemon; rounds alternate a baseline window (pings with no probe, same daemon, same run) and a probe
// window. Reports max / p99 / p50 ping for both and the daemon's RSS peak; fails (exit 1) when a probe's max ping
// exceeds the baseline's max by more than 100 ms.
// Run: npm run bench:abuse   (RESTFLOW_ABUSE_ROUNDS=N rounds per probe, default 3; build the daemon bundle first:
// npm run build -w @restflow/daemon, or the daemon runs from its sources through tsx)
import fs from 'node:fs';
import os from 'node:os';
import { createRestflowClient, type RestflowClient } from '@restflow/api/client';
import { resolvePaths } from '@restflow/paths';
import {
  type PingFigures,
  parkFrames,
  pingWhile,
  removeDataDir,
  rssOf,
  searchCatastrophicRegex,
  seedHostileChunk,
  sendHugeBigint,
  startTestDaemon,
  type TestDaemon,
  tempDataDir,
} from '@restflow/testkit';
import { DAEMON_BUNDLE, exitUnlessBundled } from './bundles.ts';
import { type Figure, recordFigures } from './record.ts';

exitUnlessBundled(DAEMON_BUNDLE);

const ROUNDS = Number(process.env.RESTFLOW_ABUSE_ROUNDS ?? 3);
const STALL_GOAL_MS = 100;
/** Long enough for a few thousand pings, as long as a parked-frames probe takes on this machine. */
const BASELINE_WINDOW_MS = 3000;
/** Searches per regex window: one RE2 search is over in a few pings. */
const REGEX_SEARCHES = 50;

interface Probe {
  name: string;
  /** Once per daemon, before the rounds: what one probe window runs. */
  setup: (daemon: TestDaemon, client: RestflowClient, dataDir: string) => Promise<() => Promise<void>>;
}

const probes: Probe[] = [
  {
    name: '20 partial 15 MB frames parked on the pipe',
    setup: async (daemon) => async () => {
      const parked = await parkFrames('pipe', daemon.pipe);
      await parked.release();
    },
  },
  {
    name: '20 partial 15 MB WebSocket messages parked',
    setup: async (_daemon, _client, dataDir) => {
      const { port } = JSON.parse(fs.readFileSync(resolvePaths(dataDir).httpInfoFile, 'utf8')) as { port: number };
      return async () => {
        const parked = await parkFrames('ws', String(port));
        await parked.release();
      };
    },
  },
  {
    name: 'a bigint of 4 000 000 digits',
    setup: async (daemon) => async () => {
      const reply = (await sendHugeBigint(daemon.pipe)) as { error?: { json?: { data?: { code?: string } } } };
      if (reply.error?.json?.data?.code !== 'BAD_REQUEST')
        throw new Error(`bigint not refused: ${JSON.stringify(reply)}`);
    },
  },
  {
    name: `${REGEX_SEARCHES} regex memory searches \`^(a+)+$\``,
    setup: async (_daemon, client) => {
      const agentId = await seedHostileChunk(client);
      return async () => {
        for (let i = 0; i < REGEX_SEARCHES; i++) await searchCatastrophicRegex(client, agentId);
      };
    },
  },
];

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const worst = (figures: PingFigures[], key: keyof PingFigures) => Math.max(...figures.map((f) => f[key]));
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');

console.log(`abuse probes: ${ROUNDS} rounds per probe, Node ${process.version}, load average ${load()} (1/5/15 min)`);
const rows: string[] = [];
const figures: Figure[] = [];
let failed = false;
for (const probe of probes) {
  const dataDir = tempDataDir('rf-abuse');
  const daemon = await startTestDaemon(dataDir);
  const client = createRestflowClient({ pipePath: daemon.pipe });
  try {
    const action = await probe.setup(daemon, client, dataDir);
    // Warm the connection and the daemon's code paths before measuring.
    for (let i = 0; i < 200; i++) await client.system.ping.query();
    const idleRss = rssOf(daemon.pid);
    const baseline: PingFigures[] = [];
    const probed: PingFigures[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      baseline.push(
        await pingWhile(client, daemon.pid, () => new Promise((resolve) => setTimeout(resolve, BASELINE_WINDOW_MS))),
      );
      probed.push(await pingWhile(client, daemon.pid, action));
      const b = baseline.at(-1) as PingFigures;
      const p = probed.at(-1) as PingFigures;
      console.log(
        `${probe.name}, round ${round}: baseline max ${ms(b.maxPingMs)} p99 ${ms(b.p99PingMs)} (${b.pings} pings); ` +
          `probe max ${ms(p.maxPingMs)} p99 ${ms(p.p99PingMs)} (${p.pings} pings), RSS peak ${mb(p.maxRss)}`,
      );
    }
    const over = worst(probed, 'maxPingMs') - worst(baseline, 'maxPingMs');
    const pass = over <= STALL_GOAL_MS;
    failed ||= !pass;
    figures.push(
      {
        what: `worst ping during ${probe.name}`,
        value: worst(probed, 'maxPingMs'),
        unit: 'ms',
        baseline: { what: 'no probe', value: worst(baseline, 'maxPingMs') },
        goal: `≤ baseline + ${STALL_GOAL_MS} ms`,
        met: pass,
      },
      {
        what: `RSS peak during ${probe.name}`,
        value: worst(probed, 'maxRss') / 1048576,
        unit: 'MB',
        goal: '< 200 MB',
        met: worst(probed, 'maxRss') < 200 * 1048576,
      },
    );
    rows.push(
      `| ${probe.name} | ${ms(worst(baseline, 'maxPingMs'))} / ${ms(worst(baseline, 'p99PingMs'))} | ` +
        `${ms(worst(probed, 'maxPingMs'))} / ${ms(worst(probed, 'p99PingMs'))} | ${over > 0 ? '+' : ''}${ms(over)}` +
        `${pass ? '' : ' (FAIL)'} | ${mb(idleRss)} / ${mb(worst(probed, 'maxRss'))} |`,
    );
  } finally {
    client.close();
    await daemon.stop();
    removeDataDir(dataDir);
  }
}
console.log(`\nload average at the end ${load()}; worst of ${ROUNDS} rounds each:`);
console.log('| probe | baseline max / p99 | probe max / p99 | probe max − baseline max | RSS idle / peak |');
console.log('| --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);
recordFigures('abuse', figures);
if (failed) {
  console.log(`FAIL: a probe stalled pings more than ${STALL_GOAL_MS} ms beyond the baseline's worst`);
  process.exit(1);
}
