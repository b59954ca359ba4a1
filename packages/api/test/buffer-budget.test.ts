import { describe, expect, it } from '@jest/globals';
import { MAX_FRAME_CHARS } from '../src/ndjson.ts';
import { BufferBudget, MAX_TOTAL_BUFFERED_BYTES } from '../src/server/buffer-budget.ts';

describe('the total of partly received requests', () => {
  it('room for one maximal frame beside ordinary traffic, never two', () => {
    expect(MAX_TOTAL_BUFFERED_BYTES).toBeGreaterThan(MAX_FRAME_CHARS);
    expect(MAX_TOTAL_BUFFERED_BYTES).toBeLessThan(2 * MAX_FRAME_CHARS);
  });

  it('holds per holder, refuses growth past the limit, and frees on release', () => {
    const budget = new BufferBudget(100);
    const a = {};
    const b = {};
    expect(budget.hold(a, 60)).toBe(true);
    expect(budget.hold(b, 30)).toBe(true);
    expect(budget.total).toBe(90);
    // b may not grow past the limit; what it held stays counted.
    expect(budget.hold(b, 50)).toBe(false);
    expect(budget.total).toBe(90);
    // Shrinking is always allowed, even when full.
    expect(budget.hold(a, 10)).toBe(true);
    expect(budget.hold(b, 50)).toBe(true);
    expect(budget.total).toBe(60);
    budget.release(a);
    budget.release(b);
    budget.release(b);
    expect(budget.total).toBe(0);
    expect(budget.hold(a, 100)).toBe(true);
    expect(budget.hold(b, 1)).toBe(false);
  });

  it('a burst of refusals is collected without throwing, at once and once more after', () => {
    const budget = new BufferBudget(1);
    for (let i = 0; i < 5; i++) budget.overflowed();
    expect(budget.total).toBe(0);
  });
});
