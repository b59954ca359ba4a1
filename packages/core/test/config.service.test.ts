import { describe, expect, it } from '@jest/globals';
import { createTestServices } from '@restflow/testkit';
import { DEFAULT_SYSTEM_CONFIG, InvalidInputError } from '../src/index.ts';

describe('ConfigService', () => {
  it('returns defaults, validates, persists and notifies listeners', () => {
    const s = createTestServices();
    expect(s.config.get()).toEqual(DEFAULT_SYSTEM_CONFIG);
    const seen: number[] = [];
    const off = s.config.onChange((c) => seen.push(c.worker_count));
    expect(s.config.setKey('worker_count', 2).worker_count).toBe(2);
    expect(s.config.get().worker_count).toBe(2);
    expect(() => s.config.setKey('worker_count', 0)).toThrow(/at least 1/);
    expect(() => s.config.setKey('task_timeout_seconds', 5)).toThrow(/at least 10/);
    expect(() => s.config.setKey('nope', 5)).toThrow(InvalidInputError);
    off();
    expect(s.config.reset()).toEqual(DEFAULT_SYSTEM_CONFIG);
    expect(seen).toEqual([2]);
  });
});
