// Loaded into a benchmarked daemon with `--import` (bench/pipe-under-load.bench.ts `--gc`): appends one line per
// garbage collection to $RESTFLOW_BENCH_GC_FILE — wall-clock start (ms since the epoch), kind (minor = scavenge,
// major = mark-compact, incremental, weakcb) and pause in ms — so the bench can count the pauses in each window.
import fs from 'node:fs';
import { constants, PerformanceObserver } from 'node:perf_hooks';

const file = process.env.RESTFLOW_BENCH_GC_FILE;
const KINDS = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};
if (file) {
  new PerformanceObserver((list) => {
    let lines = '';
    for (const entry of list.getEntries()) {
      const kind = KINDS[entry.detail?.kind] ?? 'other';
      lines += `${(performance.timeOrigin + entry.startTime).toFixed(1)} ${kind} ${entry.duration.toFixed(3)}\n`;
    }
    fs.appendFileSync(file, lines);
  }).observe({ entryTypes: ['gc'] });
}
