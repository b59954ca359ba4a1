// What each benchmark hands to `npm run bench` (bench/run-all.ts): its headline figures, each with the baseline
// measured in the same run where it has one, and its goal. Written to bench/results/<bench>.json (not committed);
// run-all.ts renders them into bench/RESULTS.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Figure {
  what: string;
  value: number;
  unit: string;
  /** The same-run baseline this figure is compared with, in the same unit. */
  baseline?: { what: string; value: number };
  /** The goal in words (`≤ 1.6× node -e 0`, `p50 ≤ 20 ms`), and whether this run met it. */
  goal?: string;
  met?: boolean;
}

export const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

export function recordFigures(bench: string, figures: Figure[]): void {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const record = {
    bench,
    measured_at: new Date().toISOString(),
    node: process.version,
    load_average: Number(os.loadavg()[0]?.toFixed(1)),
    cores: os.cpus().length,
    figures,
  };
  fs.writeFileSync(path.join(RESULTS_DIR, `${bench}.json`), `${JSON.stringify(record, null, 2)}\n`);
}
