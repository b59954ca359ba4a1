// Scheduling decisions on a ManualClock: what is due, how many run at once, in which order, and when.
import { describe, expect, it } from '@jest/globals';
import { waitUntil } from '@restflow/testkit';
import type { TaskAgentRunRequest } from '../../src/index.ts';
import { setupScheduler, stubRunner } from './helpers.ts';

function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

/** A runner whose runs end only when the test opens their gate (in call order). */
function gatedRunner() {
  const gates: ReturnType<typeof gate>[] = [];
  const runner = stubRunner(
    Array.from({ length: 20 }, () => async (_request: TaskAgentRunRequest) => {
      const g = gate();
      gates.push(g);
      await g.opened;
      return 'ok';
    }),
  );
  return { runner, gates };
}

describe('TaskScheduler dispatch', () => {
  it('starts due tasks from the index, never more than worker_count at once, earliest first', async () => {
    const { runner, gates } = gatedRunner();
    const { services, scheduler, createTask, streamOf } = setupScheduler({ agentRunner: runner });
    services.config.setKey('worker_count', 2);
    const created = [1, 2, 3, 4, 5].map((i) =>
      createTask({ name: `T${i}`, schedule: { type: 'interval', interval_ms: 60_000 + i * 1000, start_at: null } }),
    );
    expect(scheduler.tick()).toEqual([]);
    expect(scheduler.nextDueAt()).toBe(created[0]?.next_run_at);

    services.clock.advance(70_000);
    const first = scheduler.tick();
    expect(first.map((r) => r.task.name)).toEqual(['T1', 'T2']);
    expect(scheduler.tick()).toEqual([]);
    expect(services.tasks.list('running')).toHaveLength(2);
    expect(scheduler.pendingCount()).toBe(3);
    expect(scheduler.plannedSleepMs()).toBe(1000);

    const started = streamOf(first[0]?.task.id as string)[0];
    expect(started?.kind).toMatchObject({
      type: 'started',
      task_name: 'T1',
      execution_mode: 'api',
      trigger: 'schedule',
      scheduled_at: created[0]?.next_run_at,
    });

    await waitUntil(() => gates.length === 2, 2000, 'T1 and T2 in the agent runner');
    gates[0]?.open();
    await first[0]?.done;
    const next = scheduler.tick();
    expect(next.map((r) => r.task.name)).toEqual(['T3']);
    await waitUntil(() => gates.length === 3, 2000, 'T3 in the agent runner');
    for (const g of gates) g.open();
    await scheduler.idle();
    expect(scheduler.tick().map((r) => r.task.name)).toEqual(['T4', 'T5']);
    await waitUntil(() => gates.length === 5, 2000, 'T4 and T5 in the agent runner');
    for (const g of gates) g.open();
    await scheduler.idle();
    expect(services.tasks.list().every((t) => t.success_count === 1 && t.status === 'active')).toBe(true);
    expect(runner.calls).toHaveLength(5);
  });

  it('follows worker_count changes live', () => {
    const { runner } = gatedRunner();
    const { services, scheduler, createTask } = setupScheduler({ agentRunner: runner });
    services.config.setKey('worker_count', 1);
    for (let i = 0; i < 3; i++) createTask({ name: `T${i}` });
    services.clock.advance(60_000);
    expect(scheduler.tick()).toHaveLength(1);
    services.config.setKey('worker_count', 3);
    expect(scheduler.freeSlots()).toBe(2);
    expect(scheduler.tick()).toHaveLength(2);
  });

  it('plans its sleep until the earliest next run, bounded by maxSleepMs', () => {
    const { services, scheduler, createTask } = setupScheduler({ maxSleepMs: 5000 });
    expect(scheduler.nextDueAt()).toBeNull();
    expect(scheduler.plannedSleepMs()).toBe(5000);
    createTask({ schedule: { type: 'interval', interval_ms: 2000, start_at: null } });
    expect(scheduler.plannedSleepMs()).toBe(2000);
    services.clock.advance(1500);
    expect(scheduler.plannedSleepMs()).toBe(500);
    services.clock.advance(1000);
    expect(scheduler.plannedSleepMs()).toBe(0);
  });

  it('fires a cron task at the right instants across both DST changes', async () => {
    const runner = stubRunner(Array.from({ length: 10 }, () => () => 'ok'));
    const { services, scheduler, createTask, streamOf } = setupScheduler({ agentRunner: runner });
    const fireTimes = async (timezone: string, from: string, days: number) => {
      services.clock.set(Date.parse(from));
      const task = createTask({ schedule: { type: 'cron', expression: '0 0 9 * * *', timezone } });
      for (let i = 0; i < days; i++) {
        const due = services.tasks.get(task.id).next_run_at as number;
        services.clock.set(due);
        expect(scheduler.tick()).toHaveLength(1);
        await scheduler.idle();
      }
      return streamOf(task.id)
        .filter((e) => e.kind.type === 'started')
        .map((e) => new Date(e.timestamp).toISOString());
    };
    // New York leaves daylight time on 2026-11-01: 09:00 local is 13:00 UTC before and 14:00 UTC after.
    expect(await fireTimes('America/New_York', '2026-10-30T15:00:00Z', 3)).toEqual([
      '2026-10-31T13:00:00.000Z',
      '2026-11-01T14:00:00.000Z',
      '2026-11-02T14:00:00.000Z',
    ]);
    // Berlin enters summer time on 2026-03-29: 09:00 local is 08:00 UTC before and 07:00 UTC after.
    expect(await fireTimes('Europe/Berlin', '2026-03-27T12:00:00Z', 3)).toEqual([
      '2026-03-28T08:00:00.000Z',
      '2026-03-29T07:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
    ]);
  });

  it('does not run a paused, failed or completed task from its schedule', async () => {
    const runner = stubRunner([
      () => {
        throw new Error('no such thing');
      },
      () => 'once done',
    ]);
    const { services, scheduler, createTask } = setupScheduler({ agentRunner: runner });
    const paused = createTask({ name: 'paused' });
    services.tasks.pause(paused.id);
    const failing = createTask({ name: 'failing' });
    const once = createTask({ name: 'once', schedule: { type: 'once', run_at: services.clock.now() + 90_000 } });
    services.clock.advance(100_000);
    expect(
      scheduler
        .tick()
        .map((r) => r.task.name)
        .sort(),
    ).toEqual(['failing', 'once']);
    await scheduler.idle();
    services.clock.advance(120_000);
    expect(scheduler.tick()).toEqual([]);
    expect(services.tasks.get(failing.id)).toMatchObject({ status: 'failed', failure_count: 1 });
    expect(services.tasks.get(once.id)).toMatchObject({ status: 'completed', next_run_at: null });
  });

  it('wakes on a task being created instead of sleeping out its plan', async () => {
    const runner = stubRunner([() => 'ok', () => 'ok']);
    const { services, scheduler, createTask, kinds } = setupScheduler({ agentRunner: runner, maxSleepMs: 60_000 });
    const early = createTask({ name: 'early' });
    let passes = 0;
    const tick = scheduler.tick.bind(scheduler);
    scheduler.tick = () => {
      passes += 1;
      return tick();
    };
    scheduler.start();
    try {
      // Its first pass has looked at the due index and planned a sleep; a clock moving on does not wake it.
      await waitUntil(() => passes > 0, 2000, 'the scheduler’s first pass');
      services.clock.advance(60_000);
      expect(kinds(early.id)).toEqual([]);
      createTask({ name: 'late' });
      await waitUntil(() => kinds(early.id).length > 0, 2000, 'the woken scheduler to start the due task');
      await scheduler.idle();
      expect(kinds(early.id)).toEqual(['started', 'output', 'progress', 'completed']);
    } finally {
      await scheduler.stop();
    }
  });
});
