import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { LogFeed, matchesLogFilter, parseLogLine } from '../src/index.ts';

const line = (fields: Record<string, unknown>) => JSON.stringify({ time: 1000, level: 30, msg: 'm', ...fields });

describe('log lines', () => {
  it('parse into the API shape: level names, component (default daemon), ids under snake_case names', () => {
    const parsed = parseLogLine(line({ level: 40, component: 'scheduler', taskId: 't1', runId: 'r1' }), 7);
    expect(parsed).toMatchObject({ seq: 7, level: 'warn', component: 'scheduler', task_id: 't1', run_id: 'r1' });
    expect(parseLogLine(line({ level: 35 }), 1)?.level).toBe('info');
    expect(parseLogLine(line({}), 1)).toMatchObject({ component: 'daemon', session_id: null });
    expect(parseLogLine('not json', 1)).toBeUndefined();
    expect(parseLogLine('[1,2]', 1)).toBeUndefined();
  });

  it('filter by time, least level, component and ids', () => {
    const parsed = parseLogLine(line({ time: 5000, level: 40, component: 'runs', runId: 'r1' }), 1);
    if (!parsed) throw new Error('unparsed');
    expect(matchesLogFilter(parsed, { since: 5000, level: 'warn', component: 'runs', run_id: 'r1' })).toBe(true);
    expect(matchesLogFilter(parsed, { since: 5001 })).toBe(false);
    expect(matchesLogFilter(parsed, { level: 'error' })).toBe(false);
    expect(matchesLogFilter(parsed, { component: 'daemon' })).toBe(false);
    expect(matchesLogFilter(parsed, { task_id: 't1' })).toBe(false);
    expect(matchesLogFilter(parsed, { session_id: 's1' })).toBe(false);
  });
});

describe('LogFeed', () => {
  it('lists the newest matching lines from the ring when it has no files', () => {
    const feed = new LogFeed();
    for (let i = 0; i < 10; i++) feed.append(`${line({ i, level: i % 2 ? 40 : 30 })}\n`);
    feed.append('garbage\n');
    const warns = feed.list({ level: 'warn' }, 3);
    expect(warns.map((l) => JSON.parse(l.raw).i)).toEqual([5, 7, 9]);
  });

  it('lists from the files, oldest first across rotated ones', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-feed-'));
    try {
      const file = path.join(dir, 'daemon.log');
      fs.writeFileSync(`${file}.1`, `${line({ i: 1 })}\n${line({ i: 2, component: 'mcp' })}\n`);
      fs.writeFileSync(file, `${line({ i: 3 })}\nnot json\n${line({ i: 4, component: 'mcp' })}\n`);
      const feed = new LogFeed(() => [`${file}.2`, `${file}.1`, file]);
      expect(feed.list({}, 10).map((l) => JSON.parse(l.raw).i)).toEqual([1, 2, 3, 4]);
      expect(feed.list({ component: 'mcp' }, 1).map((l) => JSON.parse(l.raw).i)).toEqual([4]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('follows live lines, replays after lastEventId, and lets go of a follower that stops', async () => {
    const feed = new LogFeed();
    feed.append(line({ i: 1 }));
    feed.append(line({ i: 2, component: 'runs' }));
    const stop = new AbortController();
    const seen: number[] = [];
    const following = (async () => {
      for await (const l of feed.follow({ component: 'runs' }, '1', stop.signal)) {
        seen.push(JSON.parse(l.raw).i);
        if (seen.length === 2) stop.abort();
      }
    })();
    expect(feed.followers()).toBe(1);
    feed.append(line({ i: 3 }));
    feed.append(line({ i: 4, component: 'runs' }));
    await following;
    expect(seen).toEqual([2, 4]);
    expect(feed.followers()).toBe(0);

    // Many followers that come and go leave nothing behind.
    for (let n = 0; n < 100; n++) {
      const abort = new AbortController();
      const iterator = feed.follow({}, undefined, abort.signal);
      const next = iterator.next();
      abort.abort();
      await next;
    }
    expect(feed.followers()).toBe(0);
  });
});
