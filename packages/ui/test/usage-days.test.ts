// The Usage view's day axis: one bar per UTC day of the period, days without calls at 0.
import { describe, expect, it } from '@jest/globals';
import { dayBars, periodStart } from '../src/components/usage/usage-view';

const row = (key: string, cost: number, tokens = 0) => ({
  key,
  label: null,
  runs: 1,
  calls: 1,
  input_tokens: tokens,
  output_tokens: 0,
  cached_tokens: 0,
  reasoning_tokens: 0,
  total_tokens: tokens,
  cost_usd: cost,
});

const NOW = Date.parse('2026-12-04T15:30:00Z');

describe('usage days', () => {
  it('a 7-day period starts at midnight UTC six days before today', () => {
    expect(new Date(periodStart(7, NOW) as number).toISOString()).toBe('2026-11-28T00:00:00.000Z');
    expect(periodStart(null, NOW)).toBeUndefined();
  });

  it('fills the days without calls', () => {
    const bars = dayBars([row('2026-12-04', 0.5), row('2026-12-01', 0.25)], 'cost', periodStart(7, NOW), NOW);
    expect(bars.map((b) => [b.key, b.value])).toEqual([
      ['2026-11-28', 0],
      ['2026-11-29', 0],
      ['2026-11-30', 0],
      ['2026-12-01', 0.25],
      ['2026-12-02', 0],
      ['2026-12-03', 0],
      ['2026-12-04', 0.5],
    ]);
    expect(bars[6]).toMatchObject({ label: '12-04', title: '2026-12-04' });
  });

  it('all time starts at the first day with calls; tokens are input + output', () => {
    const bars = dayBars([row('2026-12-03', 0, 100)], 'tokens', undefined, NOW);
    expect(bars.map((b) => [b.key, b.value])).toEqual([
      ['2026-12-03', 100],
      ['2026-12-04', 0],
    ]);
    expect(dayBars([], 'cost', undefined, NOW)).toEqual([]);
  });
});
