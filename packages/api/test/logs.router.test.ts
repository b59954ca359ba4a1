// The logs sub-router over real services: lines the daemon's logger hands to the LogFeed are listed with filters
// and followed live, each with its tracked id; bad filters are typed input errors.
import { describe, expect, it } from '@jest/globals';
import { LogFeed } from '@restflow/core';
import { createTestCaller, createTestServices, errorOf, waitUntil } from '@restflow/testkit';

const line = (fields: Record<string, unknown>) =>
  JSON.stringify({ time: 1_000, level: 30, component: 'daemon', msg: 'm', ...fields });

function setup() {
  const logs = new LogFeed();
  return { logs, ...createTestCaller(createTestServices({ logs })) };
}

describe('logs.list', () => {
  it('returns the newest matching lines, oldest first, in the wire shape', async () => {
    const { logs, caller } = setup();
    logs.append(line({ msg: 'ready' }));
    logs.append(line({ level: 40, component: 'scheduler', taskId: 'task-1', runId: 'run-1', msg: 'slow tick' }));
    logs.append(line({ time: 5_000, level: 50, component: 'runs', runId: 'run-2', msg: 'run failed' }));
    const all = await caller.logs.list();
    expect(all.lines.map((l) => l.msg)).toEqual(['ready', 'slow tick', 'run failed']);
    expect(all.lines[1]).toMatchObject({ level: 'warn', component: 'scheduler', task_id: 'task-1', run_id: 'run-1' });
    expect((await caller.logs.list({ level: 'warn' })).lines.map((l) => l.msg)).toEqual(['slow tick', 'run failed']);
    expect((await caller.logs.list({ since: 2_000 })).lines.map((l) => l.msg)).toEqual(['run failed']);
    expect((await caller.logs.list({ component: 'scheduler' })).lines).toHaveLength(1);
    expect((await caller.logs.list({ run_id: 'run-2' })).lines).toHaveLength(1);
    expect((await caller.logs.list({ task_id: 'task-1', limit: 1 })).lines).toHaveLength(1);
  });

  it('refuses unknown levels and fields as bad input', async () => {
    const { caller } = setup();
    expect((await errorOf(caller.logs.list({ level: 'loud' as never }))).code).toBe('BAD_REQUEST');
    expect((await errorOf(caller.logs.list({ limit: 0 }))).code).toBe('BAD_REQUEST');
    expect((await errorOf(caller.logs.list({ runId: 'x' } as never))).code).toBe('BAD_REQUEST');
  });
});

describe('logs.onLine', () => {
  it('yields matching live lines with tracked ids, and resumes after lastEventId', async () => {
    const { logs, caller } = setup();
    const stream = await caller.logs.onLine({ component: 'runs' });
    const seen: { id: string; msg: string }[] = [];
    const reading = (async () => {
      // The caller yields tracked() tuples: [id, line].
      for await (const [id, data] of stream as AsyncIterable<[string, { msg: string }]>) {
        seen.push({ id, msg: data.msg });
        // Leaving the loop ends the subscription (the generator's finally lets go of the follower).
        if (seen.length === 2) break;
      }
    })();
    await waitUntil(() => logs.followers() === 1, 2000, 'the follower listening');
    logs.append(line({ msg: 'not a run line' }));
    logs.append(line({ component: 'runs', msg: 'run started' }));
    logs.append(line({ component: 'runs', msg: 'run completed' }));
    await reading;
    expect(seen.map((s) => s.msg)).toEqual(['run started', 'run completed']);

    const resumed = await caller.logs.onLine({ component: 'runs', lastEventId: seen[0]?.id });
    for await (const [, data] of resumed as AsyncIterable<[string, { msg: string }]>) {
      expect(data.msg).toBe('run completed');
      break;
    }
    expect(logs.followers()).toBe(0);
  });
});
