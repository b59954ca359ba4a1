// Start-up costs users feel on every command, each next to `node -e 0` measured in the same run, rounds
// alternating: a CLI command with the daemon up (`restflow agent list`), `restflow --version`, and the daemon's
// cold start from spawn to its pipe answering (woken by the socket's creation, as a client that waits on it; the
// wall time, and the CPU time the daemon used until then, all threads and its main thread alone: steadier than
// wall time on a loaded machine), with the bins' code cache warm (any start after the first since a build)
// and without it (the first). Medians over the rounds (a loaded machine has long tails).
// `--daemon-baseline FILE` also cold-starts another daemon entry (an older build's bundle), alternating with the
// current one, for a before/after in the same run. `--cli-node /path/to/node` times the CLI figures (and their
// `node -e 0`) with another Node, e.g. Node 24 (scripts/node24.sh prepare);
// the daemon stays on this one (its SQLite driver is built for it).
// Run: npm run bench:start [-- --rounds N] [--daemon-baseline FILE] [--cli-node PATH]
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pingDaemon } from '@restflow/api/client';
import { resolvePaths } from '@restflow/paths';
import { cliBin, daemonBin, removeDataDir, startTestDaemon, tempDataDir } from '@restflow/testkit';
import { CLI_BUNDLE, DAEMON_BUNDLE, exitUnlessBundled } from './bundles.ts';
import { cpuMsOf, fileAppears, mainThreadCpuMsOf, rssMbOf } from './process-stats.ts';
import { recordFigures } from './record.ts';

exitUnlessBundled(DAEMON_BUNDLE, CLI_BUNDLE);

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const ROUNDS = arg('rounds', 20);
const cliNodeAt = process.argv.indexOf('--cli-node');
const cliNode = cliNodeAt > 0 ? (process.argv[cliNodeAt + 1] as string) : process.execPath;
const baselineAt = process.argv.indexOf('--daemon-baseline');
const daemonBaseline = baselineAt > 0 ? process.argv[baselineAt + 1] : undefined;
// The bins' code cache (scripts/code-cache.cjs) in a dir of this run's own, warmed below as any second start is.
const codeCache = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-bench-code-cache-'));
const env = { ...process.env, NODE_OPTIONS: '', RESTFLOW_CODE_CACHE: codeCache };

const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? 0;

function timed(args: string[], extraEnv: NodeJS.ProcessEnv = {}, node = cliNode): number {
  const t = performance.now();
  execFileSync(node, args, { env: { ...env, ...extraEnv }, stdio: 'ignore' });
  return performance.now() - t;
}

/** Spawn to the first answered ping on the pipe; the daemon is stopped again afterwards. */
async function daemonColdStart(
  entry = daemonBin,
  extraEnv: NodeJS.ProcessEnv = {},
  keepUntil?: () => boolean,
): Promise<{ toSocket: number; cpuMs: number; mainCpuMs: number; rssMb: number }> {
  const dataDir = tempDataDir('rf-bench-boot');
  const { pipe } = resolvePaths(dataDir);
  const t = performance.now();
  const child: ChildProcess = spawn(process.execPath, [entry], {
    env: { ...env, RESTFLOW_DIR: dataDir, RESTFLOW_HTTP_PORT: '0', ...extraEnv },
    stdio: 'ignore',
  });
  // Woken by the socket's creation, then pinged until it answers; no polling loop takes a core from the daemon.
  await fileAppears(pipe, 30_000);
  const deadline = Date.now() + 30_000;
  while (!(await pingDaemon(pipe, 200))) {
    if (Date.now() > deadline) throw new Error('the daemon did not answer within 30 s');
    await new Promise((resolve) => setImmediate(resolve));
  }
  const toSocket = performance.now() - t;
  const cpu = cpuMsOf(child.pid as number);
  const mainCpuMs = mainThreadCpuMsOf(child.pid as number) ?? 0;
  const rssMb = rssMbOf(child.pid as number) ?? 0;
  // The warm-up start stays up until its code cache is written (the bins save it a few seconds after the start).
  const keepDeadline = Date.now() + 20_000;
  while (keepUntil && !keepUntil() && Date.now() < keepDeadline)
    await new Promise((resolve) => setTimeout(resolve, 50));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  removeDataDir(dataDir);
  return { toSocket, cpuMs: cpu, mainCpuMs, rssMb };
}

const dataDir = tempDataDir('rf-bench-start');
const daemon = await startTestDaemon(dataDir, { RESTFLOW_HTTP: 'off' });
const samples = { node: [] as number[], version: [] as number[], agentList: [] as number[] };
const boots = {
  wall: [] as number[],
  cpu: [] as number[],
  main: [] as number[],
  rss: [] as number[],
  node: [] as number[],
};
const baseline = { wall: [] as number[], cpu: [] as number[], main: [] as number[], rss: [] as number[] };
const uncached = { wall: [] as number[], cpu: [] as number[] };
/** Whether the daemon bundle's code cache is written (scripts/code-cache.cjs: a dir per build under the bundle's name). */
const daemonCacheWritten = () => {
  const builds = path.join(codeCache, 'restflow-daemon');
  return (
    fs.existsSync(builds) && fs.readdirSync(builds).some((build) => fs.readdirSync(path.join(builds, build)).length > 0)
  );
};
try {
  // Warm-up: the file cache and the bins' code cache, as for anyone running a command or the daemon twice.
  timed([cliBin, 'agent', 'list'], { RESTFLOW_DIR: dataDir });
  await daemonColdStart(daemonBin, {}, daemonCacheWritten);
  if (daemonBaseline) await daemonColdStart(daemonBaseline, {}, () => true);
  for (let round = 0; round < ROUNDS; round++) {
    samples.node.push(timed(['-e', '0']));
    samples.version.push(timed([cliBin, '--version']));
    samples.agentList.push(timed([cliBin, 'agent', 'list'], { RESTFLOW_DIR: dataDir }));
  }
  for (let round = 0; round < Math.min(ROUNDS, 8); round++) {
    boots.node.push(timed(['-e', '0'], {}, process.execPath));
    const boot = await daemonColdStart();
    boots.wall.push(boot.toSocket);
    boots.cpu.push(boot.cpuMs);
    boots.main.push(boot.mainCpuMs);
    boots.rss.push(boot.rssMb);
    // The first start after a build (or with the cache off): V8 compiles everything it runs.
    const first = await daemonColdStart(daemonBin, { RESTFLOW_CODE_CACHE: 'off' });
    uncached.wall.push(first.toSocket);
    uncached.cpu.push(first.cpuMs);
    if (daemonBaseline) {
      const before = await daemonColdStart(daemonBaseline);
      baseline.wall.push(before.toSocket);
      baseline.cpu.push(before.cpuMs);
      baseline.main.push(before.mainCpuMs);
      baseline.rss.push(before.rssMb);
    }
  }
} finally {
  await daemon.stop();
  removeDataDir(dataDir);
  fs.rmSync(codeCache, { recursive: true, force: true });
}
const node = median(samples.node);
const row = (label: string, value: number, goal: string) =>
  console.log(
    `${label.padEnd(34)} ${value.toFixed(1).padStart(7)} ms   ${(value / node).toFixed(2)}× node -e 0   goal ${goal}`,
  );
const cliVersion = execFileSync(cliNode, ['--version']).toString().trim();
console.log(`CLI on Node ${cliVersion}, daemon on Node ${process.version}, ${ROUNDS} rounds, medians`);
console.log(`${'node -e 0 (baseline)'.padEnd(34)} ${node.toFixed(1).padStart(7)} ms`);
row('restflow --version', median(samples.version), '≤ 1.6×');
row('restflow agent list (daemon up)', median(samples.agentList), '≤ 1.6×');
console.log(`${'node -e 0 (between cold starts)'.padEnd(34)} ${median(boots.node).toFixed(1).padStart(7)} ms`);
row('daemon cold start to pipe', median(boots.wall), '≤ 300 ms');
console.log(
  `daemon CPU until its first answer: ${median(boots.cpu).toFixed(0)} ms, main thread ${median(boots.main).toFixed(1)} ms`,
);
console.log(
  `without the code cache (first start after a build): ${median(uncached.wall).toFixed(1)} ms, CPU ${median(uncached.cpu).toFixed(0)} ms`,
);
console.log(`daemon RSS at first answer: ${median(boots.rss).toFixed(0)} MB (goal idle ≤ 120 MB)`);
if (daemonBaseline) {
  console.log(`baseline daemon (${daemonBaseline}), alternating with the current one:`);
  console.log(
    `  cold start to pipe ${median(baseline.wall).toFixed(1)} ms, CPU ${median(baseline.cpu).toFixed(0)} ms (main thread ${median(baseline.main).toFixed(1)} ms), RSS ${median(baseline.rss).toFixed(0)} MB`,
  );
}
console.log(`load average: ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
// A run with --cli-node keeps its own record, beside this Node's.
recordFigures(cliNode === process.execPath ? 'start' : `start-cli-node-${cliVersion.replace(/^v/, '')}`, [
  ...(
    [
      ['restflow --version', median(samples.version)],
      ['restflow agent list (daemon up)', median(samples.agentList)],
    ] as const
  ).map(([what, value]) => ({
    what: `${what}, Node ${cliVersion}`,
    value,
    unit: 'ms',
    baseline: { what: 'node -e 0', value: node },
    goal: '≤ 1.6× node -e 0',
    met: value <= 1.6 * node,
  })),
  {
    what: 'daemon cold start to pipe',
    value: median(boots.wall),
    unit: 'ms',
    baseline: { what: 'node -e 0', value: median(boots.node) },
    goal: '≤ 300 ms',
    met: median(boots.wall) <= 300,
  },
  { what: 'daemon CPU until its first answer', value: median(boots.cpu), unit: 'ms' },
  { what: 'daemon main-thread CPU until its first answer', value: median(boots.main), unit: 'ms' },
  {
    what: 'daemon cold start to pipe, first start after a build (no code cache)',
    value: median(uncached.wall),
    unit: 'ms',
    baseline: { what: 'with the code cache', value: median(boots.wall) },
  },
  {
    what: 'daemon RSS at its first answer',
    value: median(boots.rss),
    unit: 'MB',
    goal: '≤ 120 MB',
    met: median(boots.rss) <= 120,
  },
]);
