// What one call costs the daemon in garbage and CPU, per kind of call over the pipe: a real daemon (HTTP off)
// with V8's GC trace on (bench/trace-gc-nvp.mjs, `allocated=` bytes per collection, so no profiler is attached),
// a client making N sequential calls of each kind. Allocation per call is what sets how often the young
// generation is collected under load, so how many calls meet a collection's pause (the ping tail of
// bench/pipe-under-load.bench.ts); unlike a latency percentile it hardly depends on what else runs on the machine.
// Run: npm run bench:pipe-alloc [-- --calls 3000 --b-bin <another build's daemon bin or bundle (.cjs)>]
//   --b-bin: the same calls against another build too (its rows follow), for a before/after in one run.
import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createRestflowClient, pingDaemon } from '@restflow/api/client';
import { resolvePaths } from '@restflow/paths';
import { daemonBin, removeDataDir, tempDataDir } from '@restflow/testkit';
import { DAEMON_BUNDLE, exitUnlessBundled } from './bundles.ts';
import { cpuMsOf } from './process-stats.ts';
import { type Figure, recordFigures } from './record.ts';

exitUnlessBundled(DAEMON_BUNDLE);

const text = (name: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const CALLS = Number(text('calls') ?? 3000);
const WARMUP = 500;
const TRACE = fileURLToPath(new URL('./trace-gc-nvp.mjs', import.meta.url));

interface Collection {
  scavenge: boolean;
  pause: number;
  allocated: number;
}

async function measure(name: string, bin: string): Promise<Figure[]> {
  const dataDir = tempDataDir('rf-bench-alloc');
  const child = spawn(process.execPath, [bin], {
    env: { ...process.env, NODE_OPTIONS: `--import ${TRACE}`, RESTFLOW_HTTP: 'off', RESTFLOW_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const collections: Collection[] = [];
  readline.createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    const match = /pause=([\d.]+) .*gc=(\w+) .*allocated=(\d+)/.exec(line);
    if (match) collections.push({ pause: Number(match[1]), scavenge: match[2] === 's', allocated: Number(match[3]) });
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const pipe = resolvePaths(dataDir).pipe;
  const client = createRestflowClient({ pipePath: pipe });
  const figures: Figure[] = [];
  try {
    const deadline = Date.now() + 20_000;
    while (!(await pingDaemon(pipe, 300))) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error('the daemon did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
    for (let i = 0; i < 100; i++) await client.memory.create.mutate({ content: `seed ${i} alpha budget cluster` });
    for (let i = 0; i < 10; i++) {
      const session = await client.sessions.create.mutate({ name: `seed ${i}` });
      await client.sessions.messages.create.mutate({ session_id: session.id, role: 'user', content: 'hi' });
    }
    const calls: [string, () => Promise<unknown>][] = [
      ['system.ping', () => client.system.ping.query()],
      ['agents.list', () => client.agents.list.query()],
      ['config.get', () => client.config.get.query()],
      ['sessions.list (10)', () => client.sessions.list.query()],
      ['memory.search (20 of 100)', () => client.memory.search.query({ query: 'alpha', limit: 20 })],
      [
        'memory.create + delete',
        async () => {
          const chunk = await client.memory.create.mutate({ content: `chunk ${Math.random()}` });
          await client.memory.delete.mutate({ id: chunk.id });
        },
      ],
    ];
    console.log(`\n${name} (${bin})`);
    for (const [what, call] of calls) {
      for (let i = 0; i < WARMUP; i++) await call();
      // The trace line of a collection arrives a moment after it: wait for the warm-up's to be in.
      await new Promise((r) => setTimeout(r, 100));
      const from = collections.length;
      const cpuBefore = cpuMsOf(child.pid as number);
      // Pings are cheap: more of them, so enough collections fall in the window.
      const count = what === 'system.ping' ? CALLS * 4 : CALLS;
      for (let i = 0; i < count; i++) await call();
      await new Promise((r) => setTimeout(r, 100));
      const cpuUs = ((cpuMsOf(child.pid as number) - cpuBefore) * 1000) / count;
      const window = collections.slice(from);
      const kb = window.reduce((sum, c) => sum + c.allocated, 0) / count / 1024;
      const scavenges = window.filter((c) => c.scavenge).length;
      console.log(
        `  ${what.padEnd(26)} ${kb.toFixed(1).padStart(6)} KB allocated per call  ${cpuUs.toFixed(0).padStart(5)} µs daemon CPU per call  ${scavenges} scavenges in ${count} calls`,
      );
      figures.push({ what: `${what}: allocated per call [${name}]`, value: kb, unit: 'KB' });
    }
  } finally {
    client.close();
    child.kill('SIGTERM');
    await exited;
    removeDataDir(dataDir);
  }
  return figures;
}

const figures = await measure('A', daemonBin);
const other = text('b-bin');
if (other) figures.push(...(await measure('B', other)));
recordFigures('pipe-alloc', figures);
