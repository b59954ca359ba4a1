// Task streams and heartbeats are resumable: replay after a cursor, then tail, without gaps or repeats.
import { describe, expect, it } from '@jest/globals';
import {
  createTestServices,
  ScriptedLlm,
  scriptedFactory,
  textTurn,
  waitForListener,
  waitUntil,
} from '@restflow/testkit';
import type { EventBus } from '../../src/events/event-bus.ts';
import { ALL_RUNS_CHANNEL, HEARTBEAT_STREAM, runChannel, taskStreamId } from '../../src/index.ts';
import { setupScheduler, stubRunner } from './helpers.ts';

interface Act {
  /** Where the stream listens: `run` starts once it does, so nothing it causes can be missed. */
  bus: EventBus;
  channel: string;
  run: () => void | Promise<void>;
}

async function collect<T>(stream: AsyncGenerator<[number, T]>, count: number, act?: Act): Promise<[number, T][]> {
  const seen: [number, T][] = [];
  const reading = (async () => {
    for await (const item of stream) {
      seen.push(item);
      if (seen.length >= count) break;
    }
  })();
  if (act) {
    await waitForListener(act.bus, act.channel);
    await act.run();
  }
  await reading;
  return seen;
}

describe('task streams', () => {
  it('one task: replays after a seq, then tails; without a cursor only new events', async () => {
    const { services, scheduler, createTask } = setupScheduler({
      agentRunner: stubRunner([() => 'one', () => 'two']),
    });
    const task = createTask({ memory: { persist_on_complete: false } });
    scheduler.runNow(task.id);
    await scheduler.idle();
    expect(scheduler.stream.lastSeq(task.id)).toBe(3);

    const resumed = await collect(scheduler.stream.subscribe({ taskId: task.id, after: 1 }), 2);
    expect(resumed.map(([seq, e]) => [seq, e.kind.type])).toEqual([
      [2, 'output'],
      [3, 'completed'],
    ]);

    const live = await collect(scheduler.stream.subscribe({ taskId: task.id }), 3, {
      bus: services.bus,
      channel: runChannel(taskStreamId(task.id)),
      run: async () => {
        scheduler.runNow(task.id);
        await scheduler.idle();
      },
    });
    expect(live.map(([seq, e]) => [seq, e.kind.type])).toEqual([
      [4, 'started'],
      [5, 'output'],
      [6, 'completed'],
    ]);
    expect(live[1]?.[1].kind).toEqual({
      type: 'output',
      text: 'two',
      is_stderr: false,
      is_complete: false,
    });
  });

  it('all tasks: cursor is the global event id, other streams are skipped', async () => {
    const { services, scheduler, createTask } = setupScheduler({ agentRunner: stubRunner([() => 'a', () => 'b']) });
    const a = createTask({ name: 'a', memory: { persist_on_complete: false } });
    const b = createTask({ name: 'b', memory: { persist_on_complete: false } });
    scheduler.runNow(a.id);
    await scheduler.idle();
    services.events.append('chat-run', 'token', { text: 'not a task' });
    const firstIds = scheduler.stream.list(a.id).map((e) => e.id);

    const all = await collect(scheduler.stream.subscribe({ after: firstIds[0] }), 5, {
      bus: services.bus,
      channel: ALL_RUNS_CHANNEL,
      run: async () => {
        services.events.append('chat-run', 'token', { text: 'still not a task' });
        scheduler.runNow(b.id);
        await scheduler.idle();
      },
    });
    expect(all.map(([, e]) => [e.task_id, e.kind.type])).toEqual([
      [a.id, 'output'],
      [a.id, 'completed'],
      [b.id, 'started'],
      [b.id, 'output'],
      [b.id, 'completed'],
    ]);
    const ids = all.map(([id]) => id);
    expect([...ids].sort((x, y) => x - y)).toEqual(ids);
    expect(all.every(([id, e]) => id === e.id)).toBe(true);

    const fresh = await collect(scheduler.stream.subscribe({}), 1, {
      bus: services.bus,
      channel: ALL_RUNS_CHANNEL,
      run: () => {
        scheduler.stream.append(a.id, 'manual', { type: 'progress', phase: 'note' });
      },
    });
    expect(fresh[0]?.[1].kind).toEqual({ type: 'progress', phase: 'note' });
  });
});

describe('heartbeat', () => {
  it('pulses with active and pending counts, keeps only the newest rows, and resumes after a seq', async () => {
    const { services, scheduler, createTask } = setupScheduler({ heartbeat: { retain: 3 } });
    createTask();
    services.clock.advance(60_000);
    const pulse = scheduler.heartbeat.pulse();
    expect(pulse).toMatchObject({ kind: 'pulse', sequence: 1, active_tasks: 0, pending_tasks: 1 });
    for (let i = 0; i < 4; i++) scheduler.heartbeat.pulse();
    scheduler.heartbeat.warning('test', 'a warning');
    const rows = services.events.listAfter(HEARTBEAT_STREAM);
    expect(rows.map((r) => r.seq)).toEqual([4, 5, 6]);

    const resumed = await collect(scheduler.heartbeat.subscribe(4), 3, {
      bus: services.bus,
      channel: runChannel(HEARTBEAT_STREAM),
      run: () => {
        scheduler.heartbeat.statusChange('paused', 'testing');
      },
    });
    expect(resumed.map(([seq, e]) => [seq, e.kind])).toEqual([
      [5, 'pulse'],
      [6, 'warning'],
      [7, 'status_change'],
    ]);
    expect(resumed[2]?.[1]).toMatchObject({ kind: 'status_change', status: 'paused', message: 'testing' });

    // Without a cursor the stream starts with the latest event.
    const latest = await collect(scheduler.heartbeat.subscribe(undefined), 1);
    expect(latest[0]?.[0]).toBe(7);
    expect(latest[0]?.[1].kind).toBe('status_change');
  });

  it('pulses on its own timer once started', async () => {
    const { services, scheduler } = setupScheduler({ heartbeat: { intervalMs: 20 }, maxSleepMs: 60_000 });
    const pulses = () => services.events.listAfter(HEARTBEAT_STREAM).filter((e) => e.type === 'pulse');
    scheduler.start();
    // One pulse at start, then only the timer adds more.
    await waitUntil(() => pulses().length >= 3, 2000, 'three pulses');
    await scheduler.stop();
    expect(pulses().map((p) => p.payload.sequence)).toEqual(pulses().map((_, i) => i + 1));
  });
});

describe('the engine behind API-mode runs', () => {
  it('runs the agent through the one engine, relaying its tokens as task output', async () => {
    const llm = new ScriptedLlm([textTurn('Hello', ' from', ' the engine')]);
    const services = createTestServices({ env: { ANTHROPIC_API_KEY: 'sk-test' }, llm: scriptedFactory(llm) });
    const agent = services.agents.create('Worker', { model: 'sonnet', prompt: 'Be brief.' });
    const task = services.tasks.create({ name: 'Engine job', agent_id: agent.id, input: 'say hello' });
    const { run_id } = services.scheduler.runNow(task.id);
    await services.scheduler.idle();
    const events = services.scheduler.stream.list(task.id);
    const text = events
      .filter((e) => e.kind.type === 'output')
      .map((e) => (e.kind as { text: string }).text)
      .join('');
    expect(text).toBe('Hello from the engine');
    expect(events.at(-1)).toMatchObject({ run_id, kind: { type: 'completed', result: 'Hello from the engine' } });
    expect(llm.requests[0]?.messages.at(-1)).toEqual({ role: 'user', content: 'say hello' });
    const engineRuns = services.runs.list().filter((r) => r.task_id === task.id);
    expect(engineRuns).toMatchObject([{ kind: 'task', status: 'completed', agent_id: agent.id }]);
    expect(services.memory.listByTag(`task:${task.id}`)[0]?.content).toContain('[assistant]: Hello from the engine');
  });

  it('cancelling the task cancels the engine run', async () => {
    const llm = new ScriptedLlm([{ hangAfter: [{ type: 'text', text: 'thinking…' }] }]);
    const services = createTestServices({ env: { ANTHROPIC_API_KEY: 'sk-test' }, llm: scriptedFactory(llm) });
    const agent = services.agents.create('Worker', { model: 'sonnet' });
    const task = services.tasks.create({ name: 'Long job', agent_id: agent.id });
    services.scheduler.runNow(task.id);
    await waitUntil(() => services.runs.activeCount() > 0, 2000, 'the engine run to start');
    const result = await services.scheduler.cancel(task.id);
    expect(result).toMatchObject({ cancelled: true, status: 'paused' });
    expect(services.runs.list().find((r) => r.task_id === task.id)?.status).toBe('cancelled');
    expect(services.scheduler.stream.list(task.id).at(-1)?.kind).toMatchObject({ type: 'cancelled' });
  });
});
