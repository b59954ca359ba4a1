import { describe, expect, it } from '@jest/globals';
import { waitUntil } from '@restflow/testkit';
import { MAX_FRAME_BYTES } from '../src/ndjson.ts';
import { BufferBudget, MAX_TOTAL_BUFFERED_BYTES } from '../src/server/buffer-budget.ts';

describe('the total of partly received requests', () => {
  it('room for one maximal frame beside ordinary traffic, never two', () => {
    expect(MAX_TOTAL_BUFFERED_BYTES).toBeGreaterThan(MAX_FRAME_BYTES);
    expect(MAX_TOTAL_BUFFERED_BYTES).toBeLessThan(2 * MAX_FRAME_BYTES);
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

  it('what a closed connection held stays counted until collected: a burst of refusals reads nothing more', async () => {
    const budget = new BufferBudget(100);
    const [a, b, c, d] = [{}, {}, {}, {}];
    expect(budget.hold(a, 60)).toBe(true);
    expect(budget.hold(b, 30)).toBe(true);
    // The first refusal is collected at once.
    budget.overflowed(a);
    expect(budget.total).toBe(30);
    expect(budget.hold(c, 60)).toBe(true);
    // The next one, right after, waits for the collection after the burst: its 60 bytes are still memory.
    budget.overflowed(c);
    expect(budget.total).toBe(90);
    expect(budget.hold(d, 20)).toBe(false);
    // A holder closed for the limit and then released (its socket closing) is not subtracted twice.
    budget.release(c);
    expect(budget.total).toBe(90);
    await waitUntil(() => budget.total === 30, 5_000, 'the collection after the burst');
    expect(budget.hold(d, 20)).toBe(true);
    budget.release(b);
    budget.release(d);
    expect(budget.total).toBe(0);
  });
});
