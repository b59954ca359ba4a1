import { describe, expect, it } from '@jest/globals';
import { ALL_RUNS_CHANNEL, type HeartbeatEvent, type TaskStreamEvent } from '@restflow/core';
import { createTestCaller, createTestServices, errorOf, waitForListener } from '@restflow/testkit';

/** Reads `count` tracked tuples [id, event] from a subscription, then stops it. */
async function take<T>(iterable: AsyncIterable<unknown>, count: number): Promise<{ id: string; event: T }[]> {
  const seen: { id: string; event: T }[] = [];
  if (count === 0) return seen;
  for await (const item of iterable) {
    const [id, event] = item as [string, T];
    seen.push({ id, event });
    if (seen.length >= count) break;
  }
  return seen;
}

const script = (code: string) => ({ type: 'cli' as const, binary: process.execPath, args: ['-e', code] });

function setup() {
  const services = createTestServices();
  const { caller } = createTestCaller(services);
  const agentId = services.agents.create('Worker').id;
  return { caller, services, agentId };
}

describe('tasks router: runs', () => {
  it('run → onEvents from after_seq shows the whole run; active lists it while it runs', async () => {
    const { caller, services, agentId } = setup();
    const task = await caller.tasks.create({
      name: 'Echo',
      agent_id: agentId,
      execution_mode: script('console.log("one"); console.log("two")'),
    });
    const accepted = await caller.tasks.run({ id: task.id.slice(0, 8) });
    expect(accepted).toMatchObject({ accepted: true, task_id: task.id, queued: false, after_seq: 0 });
    expect(await caller.tasks.active()).toMatchObject([
      { task_id: task.id, run_id: accepted.run_id, state: 'running' },
    ]);
    const events = await take<TaskStreamEvent>(
      await caller.tasks.onEvents({ task_id: task.id, lastEventId: String(accepted.after_seq) }),
      5,
    );
    expect(events.map((e) => [e.id, e.event.kind.type])).toEqual([
      ['1', 'started'],
      ['2', 'progress'],
      ['3', 'output'],
      ['4', 'output'],
      ['5', 'completed'],
    ]);
    expect(events.every((e) => e.event.run_id === accepted.run_id)).toBe(true);
    await services.scheduler.idle();
    expect(await caller.tasks.active()).toEqual([]);
    expect((await caller.tasks.events.list({ task_id: task.id })).map((e) => e.event_type).slice(0, 2)).toEqual([
      'completed',
      'started',
    ]);

    const resumed = await take<TaskStreamEvent>(await caller.tasks.onEvents({ task_id: task.id, lastEventId: '3' }), 2);
    expect(resumed.map((e) => e.id)).toEqual(['4', '5']);
  });

  it('onEvents without a task id follows every task by global id', async () => {
    const { caller, services, agentId } = setup();
    const a = await caller.tasks.create({ name: 'A', agent_id: agentId, execution_mode: script('') });
    const b = await caller.tasks.create({ name: 'B', agent_id: agentId, execution_mode: script('') });
    const watching = take<TaskStreamEvent>(await caller.tasks.onEvents(), 6);
    await waitForListener(services.bus, ALL_RUNS_CHANNEL);
    await caller.tasks.run({ id: a.id });
    await caller.tasks.run({ id: b.id });
    const events = await watching;
    await services.scheduler.idle();
    expect(new Set(events.map((e) => e.event.task_id))).toEqual(new Set([a.id, b.id]));
    expect(events.every((e) => Number(e.id) === e.event.id)).toBe(true);
    const all = await take<TaskStreamEvent>(await caller.tasks.onEvents({ lastEventId: '0' }), 6);
    expect(all.map((e) => e.id)).toEqual(events.map((e) => e.id).sort((x, y) => Number(x) - Number(y)));
  });

  it('cancel stops the run and pauses; conflicts and bad input are typed errors', async () => {
    const { caller, agentId } = setup();
    const task = await caller.tasks.create({
      name: 'Sleeper',
      agent_id: agentId,
      execution_mode: script('setTimeout(() => {}, 60000)'),
    });
    await caller.tasks.run({ id: task.id });
    expect((await errorOf(caller.tasks.run({ id: task.id }))).code).toBe('CONFLICT');
    const cancelled = await caller.tasks.cancel({ id: task.id });
    expect(cancelled).toMatchObject({ task_id: task.id, cancelled: true, status: 'paused' });
    expect((await caller.tasks.resume({ id: task.id })).status).toBe('active');
    expect((await caller.tasks.pause({ id: task.id })).status).toBe('paused');

    expect((await errorOf(caller.tasks.run({ id: 'nope' }))).code).toBe('NOT_FOUND');
    expect((await errorOf(caller.tasks.cancel({ id: '' }))).code).toBe('BAD_REQUEST');
    const badCursor = await errorOf(
      caller.tasks.onEvents({ task_id: task.id, lastEventId: 'x' }).then((it) => take(it, 1)),
    );
    expect(badCursor.code).toBe('BAD_REQUEST');
    expect(badCursor.message).toContain('lastEventId');
    const unknown = await errorOf(caller.tasks.onEvents({ task_id: 'nope' }).then((it) => take(it, 1)));
    expect(unknown.code).toBe('NOT_FOUND');
  });

  it('update wakes the scheduler (a running scheduler picks the new schedule up)', async () => {
    const { caller, services, agentId } = setup();
    const task = await caller.tasks.create({ name: 'Later', agent_id: agentId, execution_mode: script('') });
    const updated = await caller.tasks.update({
      id: task.id,
      schedule: { type: 'interval', interval_ms: 1000, start_at: null },
    });
    expect(updated.next_run_at).toBe(task.created_at + 1000);
    expect(services.scheduler.nextDueAt()).toBe(updated.next_run_at);
  });
});

describe('system.onHeartbeat', () => {
  it('starts with the latest event and resumes after lastEventId', async () => {
    const { caller, services } = setup();
    services.scheduler.heartbeat.statusChange('running');
    services.scheduler.heartbeat.pulse();
    const latest = await take<HeartbeatEvent>(await caller.system.onHeartbeat(), 1);
    expect(latest).toMatchObject([{ id: '2', event: { kind: 'pulse', sequence: 1, active_tasks: 0 } }]);
    const all = await take<HeartbeatEvent>(await caller.system.onHeartbeat({ lastEventId: '0' }), 2);
    expect(all.map((e) => e.event.kind)).toEqual(['status_change', 'pulse']);
    const bad = await errorOf(caller.system.onHeartbeat({ lastEventId: '-1' }).then((it) => take(it, 1)));
    expect(bad.code).toBe('BAD_REQUEST');
  });
});
