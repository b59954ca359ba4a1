import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { ChangeBatcher } from '../src/lib/change-batcher.ts';

describe('change batcher', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('flushes a burst once per window, each entity once', () => {
    const flushed: string[][] = [];
    const batcher = new ChangeBatcher<string>((entities) => flushed.push([...entities]), 100);
    batcher.add('agents');
    batcher.add('sessions');
    batcher.add('agents');
    jest.advanceTimersByTime(99);
    expect(flushed).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(flushed).toEqual([['agents', 'sessions']]);
    batcher.add('tasks');
    jest.advanceTimersByTime(100);
    expect(flushed).toEqual([['agents', 'sessions'], ['tasks']]);
  });

  it('drops what is pending when disposed', () => {
    const flushed: string[][] = [];
    const batcher = new ChangeBatcher<string>((entities) => flushed.push([...entities]));
    batcher.add('memory');
    batcher.dispose();
    jest.advanceTimersByTime(1_000);
    expect(flushed).toEqual([]);
  });
});
