import { describe, expect, it } from '@jest/globals';
import { createTestServices, waitForListener, waitUntil } from '@restflow/testkit';
import { replayThenTail, type StoredEvent } from '../src/index.ts';

describe('RunEventLog + replayThenTail', () => {
  it('replays stored events after the cursor, then tails live ones, without gaps or repeats', async () => {
    const s = createTestServices();
    for (let i = 1; i <= 5; i++) s.events.append('run-1', 'token', { i });
    const seen: StoredEvent[] = [];
    const stream = replayThenTail(s.events, s.bus, {
      runId: 'run-1',
      afterSeq: 2,
      isTerminal: (e) => e.type === 'completed',
    });
    const consumer = (async () => {
      for await (const event of stream) seen.push(event);
    })();
    await waitForListener(s.bus, 'run:run-1');
    for (let i = 6; i <= 8; i++) s.events.append('run-1', 'token', { i });
    s.events.append('run-1', 'completed', {});
    s.events.append('run-1', 'token', { late: true });
    await consumer;
    expect(seen.map((e) => e.seq)).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(seen.at(-1)?.type).toBe('completed');
  });

  it('stops when the subscriber aborts', async () => {
    const s = createTestServices();
    const controller = new AbortController();
    const seen: number[] = [];
    const consumer = (async () => {
      for await (const e of replayThenTail(s.events, s.bus, { runId: 'r', signal: controller.signal })) {
        seen.push(e.seq);
      }
    })();
    s.events.append('r', 'a', {});
    await waitUntil(() => seen.length === 1, 2000, 'the first event');
    controller.abort();
    await consumer;
    expect(seen).toEqual([1]);
    expect(s.bus.listenerCount('run:r')).toBe(0);
  });

  it('continues sequence numbers from the store after a restart', () => {
    const s = createTestServices();
    s.events.append('run-x', 'a', {});
    s.events.append('run-x', 'b', {});
    s.events.forget('run-x');
    expect(s.events.append('run-x', 'c', {}).seq).toBe(3);
    expect(s.events.listAfterId('run-', 0).map((e) => e.type)).toEqual(['a', 'b', 'c']);
    expect(s.events.last('run-x')?.type).toBe('c');
  });
});
