import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { LogFeed } from '../src/index.ts';
import { linesFromEnd, TAIL_BLOCK_BYTES } from '../src/logs/tail-lines.ts';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-tail-'));
});
afterEach(() => {
  jest.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('linesFromEnd', () => {
  it('gives every non-empty line newest first, whole across blocks, multi-byte characters intact', () => {
    const file = path.join(dir, 'mixed.log');
    const lines = Array.from({ length: 300 }, (_, i) =>
      i % 7 === 0 ? `${i} ${'é世🙂'.repeat(i % 40)}` : `${i} ${'x'.repeat((i * 37) % 250)}`,
    );
    fs.writeFileSync(file, `${lines.slice(0, 150).join('\n')}\n\n${lines.slice(150).join('\n')}`);
    // Blocks smaller than many lines, and of a size that cuts characters in two.
    for (const block of [5, 64, 1000, TAIL_BLOCK_BYTES])
      expect([...linesFromEnd(file, block)]).toEqual([...lines].reverse());
  });

  it('an empty file or one without a newline', () => {
    fs.writeFileSync(path.join(dir, 'empty.log'), '');
    fs.writeFileSync(path.join(dir, 'one.log'), 'only line');
    expect([...linesFromEnd(path.join(dir, 'empty.log'))]).toEqual([]);
    expect([...linesFromEnd(path.join(dir, 'one.log'), 3)]).toEqual(['only line']);
  });
});

describe('logs.list over a large log file', () => {
  it('reads the last lines from a few blocks at its end, not the whole file', () => {
    const file = path.join(dir, 'daemon.log');
    const line = (i: number) => JSON.stringify({ time: 1000 + i, level: 30, msg: `line ${i} ${'p'.repeat(200)}` });
    const count = 40_000;
    fs.writeFileSync(file, `${Array.from({ length: count }, (_, i) => line(i)).join('\n')}\n`);
    const size = fs.statSync(file).size;
    expect(size).toBeGreaterThan(8 * 1024 * 1024);
    let bytesRead = 0;
    const readSync = fs.readSync;
    jest.spyOn(fs, 'readSync').mockImplementation(((...args: Parameters<typeof fs.readSync>) => {
      const n = (readSync as (...a: Parameters<typeof fs.readSync>) => number)(...args);
      bytesRead += n;
      return n;
    }) as typeof fs.readSync);
    const feed = new LogFeed(() => [file]);
    const last = feed.list({}, 50);
    expect(last.map((l) => JSON.parse(l.raw).msg.split(' ')[1])).toEqual(
      Array.from({ length: 50 }, (_, i) => String(count - 50 + i)),
    );
    expect(bytesRead).toBeGreaterThan(0);
    expect(bytesRead).toBeLessThanOrEqual(TAIL_BLOCK_BYTES);
    // A filter nothing matches walks the whole file, still a block at a time.
    bytesRead = 0;
    expect(feed.list({ component: 'nobody' }, 50)).toEqual([]);
    expect(bytesRead).toBe(size);
  });
});
