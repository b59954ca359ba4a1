import { describe, expect, it, jest } from '@jest/globals';
import { runs } from '@restflow/db';
import { createTestServices, ScriptedLlm, textTurn, toolTurn, waitUntil } from '@restflow/testkit';
import {
  DeltaBatcher,
  INTERRUPTED_ERROR,
  RunManager,
  type RunStreamEvent,
  replayThenTail,
  type SessionPort,
  type StoredEvent,
  ToolRegistry,
} from '../../src/index.ts';
import { engineWith } from './helpers.ts';

function messagesFake() {
  const updates: { id: string; patch: Parameters<SessionPort['updateMessage']>[1] }[] = [];
  return {
    updates,
    updateMessage: (id: string, patch: Parameters<SessionPort['updateMessage']>[1]) => void updates.push({ id, patch }),
  };
}

function setup(llm: ScriptedLlm, batching = { intervalMs: 30, maxChars: 2000 }) {
  const services = createTestServices();
  const engine = engineWith(llm, {
    tools: {},
  });
  const messages = messagesFake();
  const manager = new RunManager(services, engine, messages, batching);
  return { services, engine, manager, messages };
}

const echo = {
  name: 'echo',
  description: 'echo',
  parameters: { type: 'object', properties: {} },
  execute: async () => ({ success: true, output: 'pong' }),
};

async function collect(
  services: ReturnType<typeof createTestServices>,
  runId: string,
  afterSeq = 0,
): Promise<StoredEvent[]> {
  const seen: StoredEvent[] = [];
  for await (const e of replayThenTail(services.events, services.bus, {
    runId,
    afterSeq,
    isTerminal: (ev) => ['completed', 'failed', 'cancelled'].includes(ev.type),
  })) {
    seen.push(e);
  }
  return seen;
}

describe('DeltaBatcher', () => {
  it('coalesces deltas by size and time and never merges different kinds', async () => {
    const writes: [string, string, number][] = [];
    const batcher = new DeltaBatcher<'token' | 'thinking'>((k, t, n) => writes.push([k, t, n]), {
      intervalMs: 20,
      maxChars: 5,
    });
    batcher.push('token', 'ab');
    batcher.push('token', 'cd');
    expect(writes).toEqual([]);
    batcher.push('token', 'ef');
    expect(writes).toEqual([['token', 'abcdef', 3]]);
    batcher.push('token', 'g');
    batcher.push('thinking', 'hm');
    expect(writes.at(-1)).toEqual(['token', 'g', 1]);
    // Nothing else flushes: the pending batch is written by the interval timer.
    await waitUntil(() => writes.length === 3, 2000, 'the timed flush');
    expect(writes.at(-1)).toEqual(['thinking', 'hm', 1]);
    batcher.flush();
    expect(writes).toHaveLength(3);
  });
});

describe('RunManager', () => {
  it('persists every event before publishing it and batches a long answer into few token events', async () => {
    const pieces = Array.from({ length: 2000 }, (_, i) => `t${i} `);
    const llm = new ScriptedLlm([textTurn(...pieces)]);
    const { services, engine, manager } = setup(llm, { intervalMs: 30, maxChars: 1000 });
    const prepared = await engine.prepare({ id: 'agent-1', node: { model: 'sonnet' } });
    const published: StoredEvent[] = [];
    const stop = services.bus.subscribe('run:*', (e) => {
      const event = e as StoredEvent;
      // Persist-then-publish: whatever is published can already be read back.
      expect(services.events.listAfter(event.runId, event.seq - 1, 1)[0]?.seq).toBe(event.seq);
      published.push(event);
    });
    const handle = manager.start({ kind: 'exec', prepared, history: [], input: 'go' });
    const outcome = await handle.done;
    stop();
    expect(outcome.status).toBe('completed');
    expect(outcome.content).toBe(pieces.join(''));
    const stored = services.events.listAfter(handle.runId);
    expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(published.map((e) => e.seq)).toEqual(stored.map((e) => e.seq));
    const tokens = stored.filter((e) => e.type === 'token');
    expect(tokens.length).toBeLessThan(40);
    expect(tokens.map((e) => e.payload.text).join('')).toBe(outcome.content);
    expect(tokens.at(-1)?.payload.token_count).toBe(2000);
    expect(stored[0]).toMatchObject({ type: 'started', payload: { model: 'claude-sonnet-5-5' } });
    expect(stored.at(-1)).toMatchObject({
      type: 'completed',
      payload: { full_content: outcome.content, total_tokens: 2000 },
    });
    expect(manager.get(handle.runId)).toMatchObject({
      status: 'completed',
      kind: 'exec',
      agent_id: 'agent-1',
      error: null,
    });
    expect(manager.activeCount()).toBe(0);
  });

  it('keeps event order around tool calls (pending text is written before a tool event)', async () => {
    const llm = new ScriptedLlm([toolTurn([{ id: 'c1', name: 'echo', args: {} }], 'Checking'), textTurn('Done')]);
    const { services, engine, manager } = setup(llm, { intervalMs: 10_000, maxChars: 10_000 });
    const prepared = await engine.prepare({ node: { model: 'sonnet' } });
    prepared.tools = new ToolRegistry([echo], { timeoutMs: 1000, maxResultChars: 4000 });
    const handle = manager.start({ kind: 'exec', prepared, history: [], input: 'go' });
    await handle.done;
    const types = services.events.listAfter(handle.runId).map((e) => e.type);
    expect(types).toEqual([
      'started',
      'token',
      'usage',
      'tool_call_start',
      'step',
      'tool_call_end',
      'step',
      'token',
      'completed',
    ]);
  });

  it('cancels within 500 ms, keeping the partial answer, even when the provider ignores the abort', async () => {
    for (const ignoreAbort of [false, true]) {
      const llm = new ScriptedLlm([{ hangAfter: [{ type: 'text', text: 'Once upon a time' }], ignoreAbort }]);
      const { services, engine, manager } = setup(llm, { intervalMs: 5, maxChars: 1000 });
      const prepared = await engine.prepare({ node: { model: 'sonnet' } });
      const handle = manager.start({ kind: 'chat', prepared, history: [], input: 'story' });
      const watcher = collect(services, handle.runId);
      await waitUntil(() => services.events.last(handle.runId)?.type === 'token', 2000, 'the partial answer stored');
      const started = performance.now();
      const info = await manager.cancel(handle.runId.slice(0, 8));
      expect(performance.now() - started).toBeLessThan(500);
      expect(info.status).toBe('cancelled');
      const events = await watcher;
      expect(events.at(-1)).toMatchObject({ type: 'cancelled', payload: { partial_content: 'Once upon a time' } });
      expect((await handle.done).content).toBe('Once upon a time');
      // Settled runs ignore further cancels.
      expect((await manager.cancel(handle.runId)).status).toBe('cancelled');
    }
  });

  it('subscribe: typed events replayed after the cursor, then live, ending after the terminal event', async () => {
    const llm = new ScriptedLlm([{ hangAfter: [{ type: 'text', text: 'Once' }] }]);
    const { services, engine, manager } = setup(llm, { intervalMs: 5, maxChars: 1000 });
    const prepared = await engine.prepare({ node: { model: 'sonnet' } });
    const handle = manager.start({ kind: 'chat', prepared, history: [], input: 'story' });
    const early: RunStreamEvent[] = [];
    const live = (async () => {
      for await (const event of manager.subscribe(handle.runId.slice(0, 8))) early.push(event);
    })();
    // The token is stored: a second subscriber starting after it sees only what follows.
    await waitUntil(() => services.events.last(handle.runId)?.type === 'token');
    const late: RunStreamEvent[] = [];
    const resumed = (async () => {
      for await (const event of manager.subscribe(handle.runId, { afterSeq: 2 })) late.push(event);
    })();
    await manager.cancel(handle.runId);
    await Promise.all([live, resumed]);
    expect(early.map((e) => e.kind.type)).toEqual(['started', 'token', 'cancelled']);
    expect(early.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(early[0]).toMatchObject({ run_id: handle.runId, session_id: null, kind: { model: 'claude-sonnet-5-5' } });
    expect(early[1]?.kind).toEqual({ type: 'token', text: 'Once', token_count: 1 });
    expect(late.map((e) => e.seq)).toEqual([3]);

    // A finished run replays to its end; once fully seen there is nothing more.
    const replay: number[] = [];
    for await (const event of manager.subscribe(handle.runId, { afterSeq: 1 })) replay.push(event.seq);
    expect(replay).toEqual([2, 3]);
    const after: unknown[] = [];
    for await (const event of manager.subscribe(handle.runId, { afterSeq: 3 })) after.push(event);
    expect(after).toEqual([]);
    await expect(manager.subscribe('nope').next()).rejects.toThrow('Run nope not found');
  });

  it('subscribe ends when the signal aborts, with the run still going', async () => {
    const llm = new ScriptedLlm([{ hangAfter: [{ type: 'text', text: 'x' }] }]);
    const { engine, manager } = setup(llm, { intervalMs: 5, maxChars: 1000 });
    const prepared = await engine.prepare({ node: { model: 'sonnet' } });
    const handle = manager.start({ kind: 'chat', prepared, history: [], input: 'x' });
    const controller = new AbortController();
    const seen: string[] = [];
    for await (const event of manager.subscribe(handle.runId, { signal: controller.signal })) {
      seen.push(event.kind.type);
      if (event.kind.type === 'token') controller.abort();
    }
    expect(seen).toEqual(['started', 'token']);
    expect(manager.isActive(handle.runId)).toBe(true);
    await manager.cancel(handle.runId);
  });

  it('records a failed run with the error and reports it through onSettled before the terminal event', async () => {
    const llm = new ScriptedLlm([]);
    const { services, engine, manager } = setup(llm);
    const prepared = await engine.prepare({ node: { model: 'sonnet' } });
    const order: string[] = [];
    const stop = services.bus.subscribe('run:*', (e) => order.push((e as StoredEvent).type));
    const handle = manager.start({
      kind: 'exec',
      prepared,
      history: [],
      input: 'x',
      onSettled: (o) => order.push(`settled:${o.status}`),
    });
    const outcome = await handle.done;
    stop();
    expect(outcome).toMatchObject({ status: 'failed', error: 'no scripted turn left' });
    expect(order).toEqual(['started', 'settled:failed', 'failed']);
    expect(manager.get(handle.runId)).toMatchObject({ status: 'failed', error: 'no scripted turn left', last_seq: 2 });
    expect(() => manager.get('nope')).toThrow('Run nope not found');
  });

  it('stopAll interrupts active runs on daemon stop', async () => {
    const llm = new ScriptedLlm([{ hangAfter: [{ type: 'text', text: 'partial' }] }]);
    const { services, engine, manager } = setup(llm, { intervalMs: 5, maxChars: 1000 });
    const prepared = await engine.prepare({ node: { model: 'sonnet' } });
    const handle = manager.start({ kind: 'chat', prepared, history: [], input: 'x' });
    await waitUntil(() => services.events.last(handle.runId)?.type === 'token', 2000, 'the partial answer stored');
    await manager.stopAll();
    expect(manager.get(handle.runId)).toMatchObject({ status: 'interrupted', error: INTERRUPTED_ERROR });
    expect(services.events.last(handle.runId)).toMatchObject({
      type: 'failed',
      payload: { error: INTERRUPTED_ERROR, partial_content: 'partial' },
    });
  });

  it('recovers runs a crash left running: failed event, interrupted status, partial answer saved', () => {
    const llm = new ScriptedLlm([]);
    const { services, manager, messages } = setup(llm);
    services.db
      .insert(runs)
      .values({
        id: 'run-crashed',
        kind: 'chat',
        status: 'running',
        messageId: 'msg-1',
        startedAt: services.clock.now(),
      })
      .run();
    services.events.append('run-crashed', 'started', { model: 'claude-sonnet-5-5' });
    services.events.append('run-crashed', 'token', { text: 'Half an ', token_count: 2 });
    services.events.append('run-crashed', 'tool_call_start', { tool_id: 't1', tool_name: 'bash', arguments: '{}' });
    services.events.append('run-crashed', 'tool_call_end', { tool_id: 't1', result: 'ok', success: true });
    services.events.append('run-crashed', 'token', { text: 'answer', token_count: 3 });
    services.events.forget('run-crashed');
    services.clock.advance(5000);
    expect(manager.recoverInterrupted()).toBe(1);
    expect(manager.get('run-crashed')).toMatchObject({ status: 'interrupted', error: INTERRUPTED_ERROR, last_seq: 6 });
    expect(services.events.last('run-crashed')).toMatchObject({
      seq: 6,
      type: 'failed',
      payload: { error: INTERRUPTED_ERROR, partial_content: 'Half an answer' },
    });
    expect(messages.updates).toEqual([
      {
        id: 'msg-1',
        patch: {
          content: 'Half an answer',
          execution: {
            steps: [{ step_type: 'tool_call', name: 'bash', status: 'completed' }],
            duration_ms: 5000,
            tokens_used: 3,
            status: 'failed',
            error: INTERRUPTED_ERROR,
          },
        },
      },
    ]);
    expect(manager.recoverInterrupted()).toBe(0);
  });

  it('lists runs newest first, by session', async () => {
    const llm = new ScriptedLlm([textTurn('a'), textTurn('b')]);
    const { engine, manager, services } = setup(llm);
    const prepared = await engine.prepare({ node: { model: 'sonnet' } });
    const first = manager.start({ kind: 'chat', prepared, history: [], input: 'x', sessionId: 's1' });
    await first.done;
    services.clock.advance(10);
    const second = manager.start({ kind: 'chat', prepared, history: [], input: 'y', sessionId: 's2' });
    expect(manager.wait(second.runId)).toBeDefined();
    await second.done;
    expect(manager.list().map((r) => r.id)).toEqual([second.runId, first.runId]);
    expect(manager.list({ sessionId: 's1' }).map((r) => r.id)).toEqual([first.runId]);
    expect(manager.wait(second.runId)).toBeUndefined();
    services.clock.advance(10);
    const task = manager.start({ kind: 'task', prepared, history: [], input: 'z', taskId: 't1' });
    await task.done;
    expect(manager.list({ taskId: 't1' }).map((r) => r.id)).toEqual([task.runId]);
    expect(manager.list({ taskId: 't1', sessionId: 's1' })).toEqual([]);
  });
});

jest.setTimeout(20_000);
