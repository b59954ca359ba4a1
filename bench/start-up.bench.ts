// Start-up costs users feel on every command, each next to `node -e 0` measured in the same run, rounds
// alternating: a CLI command with the daemon up (`restflow agent list`), `restflow --version`, and the daemon's
// cold start from spawn to its pipe answering. Medians over the rounds (a loaded machine has long tails).
// Run: npm run bench:start [-- --rounds N] [--cli-node /path/to/node]: the CLI figures (and their `node -e 0`)
// with another Node, e.g. Node 24 (scripts/node24.sh prepare) whose compile cache the bins turn on; the daemon
// stays on this one (its SQLite driver is built for it).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { pingDaemon } from '@restflow/api/client';
import { resolvePaths } from '@restflow/paths';
import { cliBin, daemonBin, removeDataDir, startTestDaemon, tempDataDir } from '@restflow/testkit';
import { recordFigures } from './record.ts';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const ROUNDS = arg('rounds', 20);
const cliNodeAt = process.argv.indexOf('--cli-node');
const cliNode = cliNodeAt > 0 ? (process.argv[cliNodeAt + 1] as string) : process.execPath;
const env = { ...process.env, NODE_OPTIONS: '' };

const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? 0;

function timed(args: string[], extraEnv: NodeJS.ProcessEnv = {}): number {
  const t = performance.now();
  execFileSync(cliNode, args, { env: { ...env, ...extraEnv }, stdio: 'ignore' });
  return performance.now() - t;
}

/** Spawn to the first answered ping on the pipe; the daemon is stopped again afterwards. */
async function daemonColdStart(): Promise<{ toSocket: number; rssMb: number }> {
  const dataDir = tempDataDir('rf-bench-boot');
  const { pipe } = resolvePaths(dataDir);
  const t = performance.now();
  const child: ChildProcess = spawn(process.execPath, [daemonBin], {
    env: { ...env, RESTFLOW_DIR: dataDir, RESTFLOW_HTTP_PORT: '0' },
    stdio: 'ignore',
  });
  const deadline = Date.now() + 30_000;
  while (!(fs.existsSync(pipe) && (await pingDaemon(pipe, 200)))) {
    if (Date.now() > deadline) throw new Error('the daemon did not answer within 30 s');
    await new Promise((resolve) => setImmediate(resolve));
  }
  const toSocket = performance.now() - t;
  const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const rssMb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  removeDataDir(dataDir);
  return { toSocket, rssMb };
}

const dataDir = tempDataDir('rf-bench-start');
const daemon = await startTestDaemon(dataDir, { RESTFLOW_HTTP: 'off' });
const samples = { node: [] as number[], version: [] as number[], agentList: [] as number[] };
const boots: number[] = [];
const bootRss: number[] = [];
try {
  // Warm-up: the file cache and (Node ≥ 22) the compile cache, as for anyone running the CLI twice.
  timed([cliBin, 'agent', 'list'], { RESTFLOW_DIR: dataDir });
  for (let round = 0; round < ROUNDS; round++) {
    samples.node.push(timed(['-e', '0']));
    samples.version.push(timed([cliBin, '--version']));
    samples.agentList.push(timed([cliBin, 'agent', 'list'], { RESTFLOW_DIR: dataDir }));
  }
  for (let round = 0; round < Math.min(ROUNDS, 8); round++) {
    const boot = await daemonColdStart();
    boots.push(boot.toSocket);
    bootRss.push(boot.rssMb);
  }
} finally {
  await daemon.stop();
  removeDataDir(dataDir);
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
row('daemon cold start to pipe', median(boots), '≤ 300 ms');
recordFigures('start', [
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
  { what: 'daemon cold start to pipe', value: median(boots), unit: 'ms', goal: '≤ 300 ms', met: median(boots) <= 300 },
  {
    what: 'daemon RSS at its first answer',
    value: median(bootRss),
    unit: 'MB',
    goal: '≤ 120 MB',
    met: median(bootRss) <= 120,
  },
]);
console.log(`daemon RSS at first answer: ${median(bootRss).toFixed(0)} MB (goal idle ≤ 120 MB)`);
