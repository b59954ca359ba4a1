import { describe, expect, it } from '@jest/globals';
import { NdjsonSplitter } from '../src/ndjson.ts';

const text = (lines: Buffer[]) => lines.map((line) => line.toString('utf8'));

describe('NdjsonSplitter', () => {
  it('returns complete frames, skips blank lines and keeps a partial frame for the next chunk', () => {
    const splitter = new NdjsonSplitter();
    expect(text(splitter.push(Buffer.from('{"a":1}\n\n{"b":')))).toEqual(['{"a":1}']);
    expect(splitter.pending).toBe(5);
    expect(splitter.head(3)).toBe('{"b');
    expect(text(splitter.push(Buffer.from('2}\n{"c":3}\n')))).toEqual(['{"b":2}', '{"c":3}']);
    expect(splitter.pending).toBe(0);
    splitter.push(Buffer.from('partial'));
    splitter.reset();
    expect(text(splitter.push(Buffer.from('{"d":4}\n')))).toEqual(['{"d":4}']);
  });

  it('splits a chunk of many frames in one pass', () => {
    const splitter = new NdjsonSplitter();
    const frames = Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ i, text: 'x\ny' }));
    expect(text(splitter.push(Buffer.from(`${frames.join('\n')}\n`)))).toEqual(frames);
  });

  it('a multi-byte character cut between reads is decoded whole, once its frame is complete', () => {
    const splitter = new NdjsonSplitter();
    const frame = Buffer.from(JSON.stringify({ text: 'héllo — 世界 🙂' }));
    const cut = frame.indexOf(Buffer.from('世')) + 1;
    expect(splitter.push(frame.subarray(0, cut))).toEqual([]);
    expect(splitter.pending).toBe(cut);
    const [line] = splitter.push(Buffer.concat([frame.subarray(cut), Buffer.from('\n')]));
    expect(JSON.parse((line as Buffer).toString('utf8'))).toEqual({ text: 'héllo — 世界 🙂' });
  });

  it('a frame arriving a byte at a time is held in few buffers and joined exactly', () => {
    const splitter = new NdjsonSplitter();
    const frame = Buffer.from(JSON.stringify({ text: 'x'.repeat(200_000) }));
    // Large reads around small ones, as a socket may deliver them.
    let at = 0;
    for (const size of [1, 1, 40_000, 1, 3, 70_000]) {
      expect(splitter.push(frame.subarray(at, at + size))).toEqual([]);
      at += size;
    }
    while (at < frame.length) {
      expect(splitter.push(frame.subarray(at, at + 1))).toEqual([]);
      at += 1;
    }
    expect(splitter.pending).toBe(frame.length);
    // Held in buffers of tens of kilobytes, not one object per byte read.
    expect((splitter as unknown as { parts: Buffer[] }).parts.length).toBeLessThan(10);
    const lines = splitter.push(Buffer.from('\n{"next":1}\n'));
    expect(lines.map((line) => line.equals(frame) || line.toString())).toEqual([true, '{"next":1}']);
  });
});
