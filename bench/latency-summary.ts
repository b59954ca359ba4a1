// Latency samples summed up the same way by the benchmarks that time pings under load.

export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  /** How many samples took over `overMs`. */
  over: number;
  overMs: number;
}

export function summary(samples: number[], overMs = 1): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    p999: percentile(sorted, 0.999),
    max: sorted.at(-1) ?? 0,
    over: sorted.length - sorted.findLastIndex((v) => v <= overMs) - 1,
    overMs,
  };
}

export const shareOver = (s: LatencySummary) => (100 * s.over) / Math.max(1, s.count);

export const showSummary = (s: LatencySummary, unit = 'pings') =>
  `${String(s.count).padStart(6)} ${unit}  p50 ${s.p50.toFixed(3)}  p99 ${s.p99.toFixed(3)}  p99.9 ${s.p999.toFixed(2)}  max ${s.max.toFixed(2)} ms  ${shareOver(s).toFixed(2)} % over ${s.overMs} ms`;
