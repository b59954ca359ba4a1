// Keyword memory search at scale: 100k generated chunks in a file database (5 agents), then 200 keyword
// queries through MemoryService.search. Run: `npm run bench:memory` (options: --chunks N, --queries N, --keep to
// leave the database behind, --db FILE to query a kept database again without regenerating it, --direct to
// insert the corpus through packages/db in big transactions instead of the service: `--chunks 1000000
// --direct` builds the 1M corpus in minutes instead of the service's ~25).
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { ImportChunkInput } from '@restflow/core';
import { insertChunksDirectly, openBenchDatabase } from './bench-database.ts';
import { chunkContent, keywordQueries, rand, tagPool } from './memory-corpus.ts';
import { recordFigures } from './record.ts';

const { values: args } = parseArgs({
  options: {
    chunks: { type: 'string', default: '100000' },
    queries: { type: 'string', default: '200' },
    keep: { type: 'boolean', default: false },
    direct: { type: 'boolean', default: false },
    db: { type: 'string' },
  },
});
const CHUNKS = Number(args.chunks);
const QUERIES = Number(args.queries);
const BATCH = 1000;

const { reuse, db, services, sizeMiB, close } = openBenchDatabase(args.db, 'bench.db');
const agentIds = reuse
  ? services.agents.list().map((a) => a.id)
  : ['Researcher', 'Ops', 'Support', 'Writer', 'Planner'].map((n) => services.agents.create(n).id);

// Insert through the service (dedup check, tag rows, FTS triggers), one transaction per import batch.
const start = Date.UTC(2025, 0, 1);
const span = 400 * 24 * 3_600_000;
const insertStarted = performance.now();
for (let done = 0; !reuse && done < CHUNKS; done += BATCH) {
  const chunks: ImportChunkInput[] = [];
  for (let i = 0; i < Math.min(BATCH, CHUNKS - done); i++) {
    chunks.push({
      content: chunkContent(),
      tags: tagPool.filter(() => rand() < 0.12),
      created_at: start + Math.floor(rand() * span),
    });
  }
  const agentId = agentIds[(done / BATCH) % agentIds.length] as string;
  if (args.direct) insertChunksDirectly(db, agentId, chunks, done);
  else services.memory.import(agentId, chunks);
}

const insertMs = performance.now() - insertStarted;
const stored = agentIds.reduce((n, id) => n + services.memory.stats(id).chunk_count, 0);
const fileMiB = sizeMiB();

// Warm the page cache once, as a long-running daemon's would be.
for (const query of keywordQueries) services.memory.search({ agent_id: agentIds[0], query });

const samples: { query: string; ms: number; cpuMs: number; total: number }[] = [];
for (let i = 0; i < QUERIES; i++) {
  const query = keywordQueries[i % keywordQueries.length] as string;
  const agent = agentIds[i % agentIds.length] as string;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const result = services.memory.search({ agent_id: agent, query, search_mode: 'keyword' });
  const cpu = process.cpuUsage(cpu0);
  samples.push({ query, ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, total: result.total_count });
}
const sortedOf = (values: number[]) => [...values].sort((a, b) => a - b);
const times = sortedOf(samples.map((s) => s.ms));
const cpuTimes = sortedOf(samples.map((s) => s.cpuMs));
const at = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
const pct = (p: number) => at(times, p);
const ms = (value: number) => `${value.toFixed(2)} ms`;
const avgMatches = samples.reduce((n, s) => n + s.total, 0) / samples.length;

console.log(`chunks stored     ${stored} in ${agentIds.length} agents (${fileMiB.toFixed(0)} MiB incl. FTS index)`);
if (!reuse) {
  console.log(
    `insert            ${(insertMs / 1000).toFixed(1)} s = ${((insertMs * 1000) / stored).toFixed(0)} µs/chunk`,
  );
}
console.log(`keyword queries   ${QUERIES} (${keywordQueries.length} distinct, avg ${avgMatches.toFixed(0)} matches)`);
console.log(`latency           p50 ${ms(pct(50))}  p95 ${ms(pct(95))}  max ${ms(times.at(-1) as number)}`);
// CPU time of the query (user + system): steadier than wall time when other work shares the cores.
console.log(
  `CPU per query     p50 ${ms(at(cpuTimes, 50))}  p95 ${ms(at(cpuTimes, 95))}  (load ${os.loadavg()[0]?.toFixed(1)})`,
);
console.log('slowest           ');
for (const s of [...samples].sort((a, b) => b.ms - a.ms).slice(0, 5)) {
  console.log(`  ${ms(s.ms).padStart(10)}  "${s.query}" (${s.total} matches)`);
}

// The goals depend on the corpus size: at 100k p50 ≤ 5 ms and p95 ≤ 20 ms, at 1M p50 ≤ 20 ms.
const million = stored >= 1_000_000;
recordFigures(million ? 'memory-1M' : 'memory', [
  {
    what: `keyword search p50 (${stored} chunks)`,
    value: pct(50),
    unit: 'ms',
    goal: million ? 'p50 ≤ 20 ms' : 'p50 ≤ 5 ms',
    met: pct(50) <= (million ? 20 : 5),
  },
  {
    what: `keyword search p95 (${stored} chunks)`,
    value: pct(95),
    unit: 'ms',
    ...(million ? {} : { goal: 'p95 ≤ 20 ms', met: pct(95) <= 20 }),
  },
  { what: 'keyword search CPU time p50 (user + system)', value: at(cpuTimes, 50), unit: 'ms' },
  { what: 'keyword search CPU time p95 (user + system)', value: at(cpuTimes, 95), unit: 'ms' },
]);

close(args.keep);
