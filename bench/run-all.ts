// `npm run bench`: every benchmark, one after the other (they measure time: never two at once), then their
// figures (bench/results/*.json, from record.ts) as the table at the top of bench/RESULTS.md, each next to its
// same-run baseline and goal. The prose below the table, written by hand per benchmark, stays.
// `npm run bench -- --quick` runs each with fewer rounds and a short soak (a check that all of them work);
// `-- --only start,pipe` runs some of them; `-- --render` runs none and only renders the last figures.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD_BUNDLES, CLI_BUNDLE, DAEMON_BUNDLE, staleBundles, WORKER_BUNDLE } from './bundles.ts';
import { type Figure, RESULTS_DIR } from './record.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const quick = process.argv.includes('--quick');
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt > 0 ? (process.argv[onlyAt + 1] ?? '').split(',') : undefined;

/** Each benchmark: its npm script's file, and its arguments for a quick run. */
const BENCHES: { name: string; file: string; quickArgs: string[]; quickEnv?: NodeJS.ProcessEnv }[] = [
  { name: 'start', file: 'start-up.bench.ts', quickArgs: ['--rounds', '5'] },
  { name: 'restart', file: 'daemon-restart.bench.ts', quickArgs: [], quickEnv: { ROUNDS: '2' } },
  { name: 'pipe', file: 'pipe-latency.bench.ts', quickArgs: [] },
  { name: 'pipe-load', file: 'pipe-under-load.bench.ts', quickArgs: ['--secs', '3', '--rounds', '1'] },
  { name: 'pipe-alloc', file: 'pipe-alloc.bench.ts', quickArgs: ['--calls', '500'] },
  { name: 'web-proxy', file: 'web-proxy.bench.ts', quickArgs: ['--calls', '500', '--rounds', '1'] },
  { name: 'fanout', file: 'run-fanout.bench.ts', quickArgs: ['--tokens', '2000', '--subscribers', '4'] },
  { name: 'scheduler', file: 'scheduler.bench.ts', quickArgs: ['10'] },
  { name: 'sandbox', file: 'sandbox-overhead.bench.ts', quickArgs: ['--calls', '50'] },
  { name: 'memory', file: 'memory-search.bench.ts', quickArgs: ['--chunks', '5000', '--queries', '50'] },
  {
    name: 'search-thread',
    file: 'search-thread.bench.ts',
    quickArgs: ['--chunks', '5000', '--secs', '2', '--rounds', '1'],
  },
  {
    name: 'sessions',
    file: 'sessions-scale.bench.ts',
    quickArgs: ['--sessions', '1000', '--messages', '10000', '--rounds', '50'],
  },
  { name: 'run-events', file: 'run-events-scale.bench.ts', quickArgs: ['--events', '100000', '--rounds', '50'] },
  { name: 'growth', file: 'db-growth.bench.ts', quickArgs: ['--days', '60'] },
  { name: 'abuse', file: 'abuse-probes.bench.ts', quickArgs: [] },
  { name: 'workers', file: 'workers-queue.bench.ts', quickArgs: ['--runs', '20', '--workers', '1,2'] },
  { name: 'worker-start', file: 'worker-start.bench.ts', quickArgs: ['--rounds', '3'] },
  { name: 'soak', file: 'soak.bench.ts', quickArgs: [], quickEnv: { RESTFLOW_SOAK_SECS: '40' } },
];

// The benchmarks time the bundles (bench/bundles.ts): build them first when an edit left them behind their sources.
if (!process.argv.includes('--render') && staleBundles([DAEMON_BUNDLE, CLI_BUNDLE, WORKER_BUNDLE]).length > 0) {
  const [command, ...args] = BUILD_BUNDLES;
  execFileSync(command as string, args, { cwd: root, stdio: 'inherit' });
}

const failed: string[] = [];
for (const bench of BENCHES) {
  if (process.argv.includes('--render') || (only && !only.includes(bench.name))) continue;
  if (!fs.existsSync(path.join(root, 'bench', bench.file))) continue;
  console.log(`\n== ${bench.name} (bench/${bench.file})`);
  fs.rmSync(path.join(RESULTS_DIR, `${bench.name}.json`), { force: true });
  try {
    execFileSync(
      process.execPath,
      ['--import', 'tsx', path.join('bench', bench.file), ...(quick ? bench.quickArgs : [])],
      {
        cwd: root,
        stdio: 'inherit',
        env: { ...process.env, ...(quick ? bench.quickEnv : {}) },
      },
    );
  } catch {
    failed.push(bench.name);
  }
}

interface Recorded {
  bench: string;
  measured_at: string;
  node: string;
  load_average: number;
  cores: number;
  figures: Figure[];
}

const recorded: Recorded[] = fs.existsSync(RESULTS_DIR)
  ? fs
      .readdirSync(RESULTS_DIR)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(fs.readFileSync(path.join(RESULTS_DIR, f), 'utf8')) as Recorded)
  : [];
const order = (name: string) => BENCHES.findIndex((b) => name === b.name || name.startsWith(`${b.name}-`));
recorded.sort((a, b) => order(a.bench) - order(b.bench));

const num = (value: number) =>
  Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(Math.abs(value) >= 10 ? 1 : 2);
const rows = recorded.flatMap((r) =>
  r.figures.map((f) => {
    const baseline = f.baseline ? `${num(f.baseline.value)} ${f.unit} (${f.baseline.what})` : '';
    const ratio = f.baseline && f.baseline.value > 0 ? `${(f.value / f.baseline.value).toFixed(2)}×` : '';
    const goal = f.goal ? `${f.goal}${f.met === undefined ? '' : f.met ? ' — met' : ' — **not met**'}` : '';
    return `| ${r.bench} | ${f.what} | ${num(f.value)} ${f.unit} | ${baseline} | ${ratio} | ${goal} |`;
  }),
);
const measuredHere = recorded.map(
  (r) => [r.bench, `${r.bench} ${r.measured_at.slice(0, 16).replace('T', ' ')} (load ${r.load_average})`] as const,
);
const resultsFile = path.join(root, 'bench/RESULTS.md');
const current = fs.readFileSync(resultsFile, 'utf8');
const generated = /<!-- generated by `npm run bench`[\s\S]*?<!-- end of generated table -->/;
// The figures of benchmarks not measured on this machine (bench/results/ is not committed) stay as the table has
// them: a run of some benchmarks, or a re-render, updates only those.
const previous = generated.exec(current)?.[0] ?? '';
const here = new Set(recorded.map((r) => r.bench));
const keptRows = previous
  .split('\n')
  .filter(
    (line) =>
      /^\| [\w.-]+ \| /.test(line) &&
      !/^\| (bench|---) \|/.test(line) &&
      !here.has(line.split(' | ')[0]?.slice(2) ?? ''),
  );
const keptWhen = (/measured: (.*)\.$/m.exec(previous)?.[1] ?? '')
  .split(/, (?=[\w.-]+ \d{4}-)/)
  .filter((entry) => entry && !here.has(entry.split(' ')[0] ?? ''));
const allRows = [...rows, ...keptRows].sort(
  (a, b) => order(a.split(' | ')[0]?.slice(2) ?? '') - order(b.split(' | ')[0]?.slice(2) ?? ''),
);
const when = [...measuredHere.map(([, text]) => text), ...keptWhen].sort(
  (a, b) => order(a.split(' ')[0] ?? '') - order(b.split(' ')[0] ?? ''),
);
const table = [
  '<!-- generated by `npm run bench` (bench/run-all.ts): edit the benchmarks, not this table -->',
  `Last figures${quick ? ' (**quick** run: fewer rounds, short soak)' : ''} on ${os.cpus().length} cores, Node ${process.version}; ` +
    `measured: ${when.join(', ')}.`,
  '',
  '| bench | figure | value | baseline (same run) | ratio | goal |',
  '| --- | --- | --- | --- | --- | --- |',
  ...allRows,
  '<!-- end of generated table -->',
].join('\n');

// Replacer functions: a figure's text (a regex such as `^(a+)+$`) must not be read as a `$` pattern.
const next = generated.test(current)
  ? current.replace(generated, () => table)
  : current.replace(/\n\n/, () => `\n\n${table}\n\n`);
fs.writeFileSync(resultsFile, next);
console.log(
  `\nbench/RESULTS.md: ${rows.length} figures from ${recorded.length} benchmarks measured here, ${keptRows.length} kept from the table`,
);
if (failed.length > 0) {
  console.log(`failed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
