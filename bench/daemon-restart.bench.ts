// Restart gap after a crash: a supervised daemon (as the CLI starts it) is SIGKILLed and timed until a new daemon
// answers `system.status` on the pipe; the baseline, measured in the same run, alternating, is a cold start of a
// daemon on another data dir (spawn to the first answer on its pipe). The gap is the supervisor's backoff (100 ms)
// plus a cold start: what the supervisor itself adds is the difference.
// Run: npm run bench:restart   (ROUNDS=n to change the number of rounds, default 5)

import os from 'node:os';
import { createRestflowClient } from '@restflow/api/client';
import { readPidFile, startDaemonInBackground, stopDaemon } from '@restflow/launcher';
import { resolvePaths } from '@restflow/paths';
import { removeDataDir, startTestDaemon, tempDataDir } from '@restflow/testkit';
import { DAEMON_BUNDLE, exitUnlessBundled } from './bundles.ts';
import { recordFigures } from './record.ts';

exitUnlessBundled(DAEMON_BUNDLE);

// biome-ignore lint/suspicious/noUndeclaredEnvVars: a bench knob, not a build input
const ROUNDS = Number(process.env.ROUNDS ?? 5);

async function servingPid(pipe: string): Promise<number | undefined> {
  const client = createRestflowClient({ pipePath: pipe, reconnectTimeoutMs: 0 });
  try {
    return (await client.system.status.query(undefined, { signal: AbortSignal.timeout(300) })).pid;
  } catch {
    return undefined;
  } finally {
    client.close();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const dataDir = tempDataDir('rf-bench-restart');
const paths = resolvePaths(dataDir);
const env = { RESTFLOW_HTTP_PORT: '0', NODE_OPTIONS: '' };
await startDaemonInBackground(paths, { env });
const gaps: number[] = [];
const colds: number[] = [];
try {
  for (let round = 1; round <= ROUNDS; round++) {
    const coldDir = tempDataDir('rf-bench-cold');
    const coldAt = performance.now();
    const cold = await startTestDaemon(coldDir, env);
    colds.push(performance.now() - coldAt);
    await cold.stop();
    removeDataDir(coldDir);

    const state = readPidFile(paths.pidFile);
    if (state.kind !== 'alive') throw new Error(`no live daemon: ${state.kind}`);
    const killedAt = performance.now();
    process.kill(state.record.pid, 'SIGKILL');
    for (;;) {
      const pid = await servingPid(paths.pipe);
      if (pid !== undefined && pid !== state.record.pid) break;
      if (performance.now() - killedAt > 60_000) throw new Error('no restart within 60 s');
      await new Promise((r) => setTimeout(r, 10));
    }
    gaps.push(performance.now() - killedAt);
    console.log(
      `round ${round}: restart gap ${gaps.at(-1)?.toFixed(0)} ms, cold start ${colds.at(-1)?.toFixed(0)} ms (load ${os.loadavg()[0]?.toFixed(1)})`,
    );
    // The supervisor counts crashes within a minute and gives up at the 6th: a fresh supervisor per 5 rounds.
    if (round % 5 === 0 && round < ROUNDS) {
      await stopDaemon(paths);
      await startDaemonInBackground(paths, { env });
    }
  }
  recordFigures('restart', [
    {
      what: 'restart gap after kill -9 (supervised)',
      value: median(gaps),
      unit: 'ms',
      baseline: { what: 'daemon cold start', value: median(colds) },
      goal: '< 2000 ms',
      met: median(gaps) < 2000,
    },
  ]);
  console.log(
    `median over ${ROUNDS} rounds: restart gap ${median(gaps).toFixed(0)} ms, cold start ${median(colds).toFixed(0)} ms, ` +
      `added by supervision ${(median(gaps) - median(colds)).toFixed(0)} ms (goal: gap < 2000 ms)`,
  );
} finally {
  await stopDaemon(paths);
  removeDataDir(dataDir);
}
