// Round-trip latency of the named-pipe transport: a real daemon process, a typed SDK client, sequential pings.
// Run: npm run bench:pipe [-- --bin <another build's daemon bin or bundle (.cjs)>, measured instead of this one:
// its figures are printed, not recorded as this build's]
import { createRestflowClient } from '@restflow/api/client';
import { removeDataDir, startTestDaemon, tempDataDir } from '@restflow/testkit';
import { DAEMON_BUNDLE, exitUnlessBundled } from './bundles.ts';
import { recordFigures } from './record.ts';

exitUnlessBundled(DAEMON_BUNDLE);

const WARMUP = 500;
const ROUNDS = 3;
const CALLS = 5000;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

const dataDir = tempDataDir('rf-bench');
const binAt = process.argv.indexOf('--bin');
const daemon = await startTestDaemon(
  dataDir,
  { RESTFLOW_HTTP: 'off' },
  { bin: binAt > 0 ? process.argv[binAt + 1] : undefined },
);
const client = createRestflowClient({ dataDir });
try {
  for (let i = 0; i < WARMUP; i++) await client.system.ping.query();
  const all: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const samples: number[] = [];
    for (let i = 0; i < CALLS; i++) {
      const t = performance.now();
      await client.system.ping.query();
      samples.push(performance.now() - t);
    }
    samples.sort((a, b) => a - b);
    all.push(...samples);
    console.log(
      `round ${round}: ${CALLS} pings  p50 ${percentile(samples, 0.5).toFixed(3)} ms  p99 ${percentile(samples, 0.99).toFixed(3)} ms  max ${samples.at(-1)?.toFixed(2)} ms`,
    );
  }
  const t = performance.now();
  await Promise.all(Array.from({ length: 1000 }, () => client.agents.list.query()));
  const concurrentMs = performance.now() - t;
  console.log(`1000 concurrent agents.list: ${concurrentMs.toFixed(1)} ms total`);
  all.sort((a, b) => a - b);
  console.log(`all rounds: p50 ${percentile(all, 0.5).toFixed(3)} ms  p99 ${percentile(all, 0.99).toFixed(3)} ms`);
  if (binAt < 0)
    recordFigures('pipe', [
      {
        what: 'system.ping round trip p50',
        value: percentile(all, 0.5),
        unit: 'ms',
        goal: 'p50 < 1 ms',
        met: percentile(all, 0.5) < 1,
      },
      {
        what: 'system.ping round trip p99',
        value: percentile(all, 0.99),
        unit: 'ms',
        goal: '< 5 ms',
        met: percentile(all, 0.99) < 5,
      },
      { what: '1000 concurrent agents.list', value: concurrentMs, unit: 'ms' },
    ]);
} finally {
  client.close();
  await daemon.stop();
  removeDataDir(dataDir);
}
