import { describe, expect, it } from '@jest/globals';
import { NdjsonSplitter } from '../src/ndjson.ts';

describe('NdjsonSplitter', () => {
  it('returns complete frames, skips blank lines and keeps a partial frame for the next chunk', () => {
    const splitter = new NdjsonSplitter();
    expect(splitter.push('{"a":1}\n\n{"b":')).toEqual(['{"a":1}']);
    expect(splitter.pending).toBe(5);
    expect(splitter.push('2}\n{"c":3}\n')).toEqual(['{"b":2}', '{"c":3}']);
    expect(splitter.pending).toBe(0);
    splitter.push('partial');
    splitter.reset();
    expect(splitter.push('{"d":4}\n')).toEqual(['{"d":4}']);
  });

  it('splits a chunk of many frames in one pass', () => {
    const splitter = new NdjsonSplitter();
    const frames = Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ i, text: 'x\ny' }));
    expect(splitter.push(`${frames.join('\n')}\n`)).toEqual(frames);
  });
});
