// Run now / cancel / pause / stop, and what a restart does with runs a crash cut off.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { isProcessAlive, waitUntil } from '@restflow/testkit';
import { ConflictError, HEARTBEAT_STREAM, TaskScheduler, UnavailableError } from '../../src/index.ts';
import { nodeScript, setupScheduler, stubRunner } from './helpers.ts';

/** A run that lasts until its signal aborts. */
const untilAborted = () =>
  stubRunner(
    Array.from(
      { length: 10 },
      () => (request: { signal: AbortSignal }) =>
        new Promise<string>((_, reject) => {
          request.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
        }),
    ),
  );

describe('TaskScheduler commands', () => {
  it('runNow starts at once, refuses a second run, queues when workers are busy, and serves the queue first', async () => {
    const runner = untilAborted();
    const { services, scheduler, createTask, kinds, streamOf } = setupScheduler({ agentRunner: runner });
    services.config.setKey('worker_count', 1);
    const a = createTask({ name: 'A' });
    const b = createTask({ name: 'B' });
    const c = createTask({ name: 'C', schedule: { type: 'interval', interval_ms: 1000, start_at: null } });

    const accepted = scheduler.runNow(a.id.slice(0, 8));
    expect(accepted).toMatchObject({ accepted: true, task_id: a.id, queued: false, after_seq: 0 });
    expect(streamOf(a.id)[0]?.kind).toMatchObject({ type: 'started', trigger: 'manual', scheduled_at: null });
    expect(streamOf(a.id)[0]?.run_id).toBe(accepted.run_id);
    expect(() => scheduler.runNow(a.id)).toThrow(ConflictError);

    const queued = scheduler.runNow(b.id);
    expect(queued).toMatchObject({ queued: true, task_id: b.id });
    expect(kinds(b.id)).toEqual(['progress']);
    expect(() => scheduler.runNow(b.id)).toThrow(/already has a run waiting/);
    expect(scheduler.active().map((r) => [r.task_id, r.state, r.trigger])).toEqual([
      [a.id, 'running', 'manual'],
      [b.id, 'queued', 'manual'],
    ]);

    services.clock.advance(5000);
    expect(scheduler.tick()).toEqual([]);
    await scheduler.cancel(a.id);
    // The queued manual run goes before the due scheduled task C.
    const started = scheduler.tick();
    expect(started.map((r) => [r.task.name, r.runId])).toEqual([['B', queued.run_id]]);
    expect(services.tasks.get(c.id).status).toBe('active');

    // A paused task runs once by hand and stays paused, without a stale next run.
    services.tasks.pause(c.id);
    expect(services.tasks.get(c.id)).toMatchObject({ status: 'paused', next_run_at: null });
    await scheduler.cancel(b.id);
    const once = scheduler.runNow(c.id);
    expect(once).toMatchObject({ queued: false, task_id: c.id });
    expect(() => scheduler.runNow(c.id)).toThrow(/already running/);
    expect(services.tasks.get(c.id)).toMatchObject({ status: 'paused', next_run_at: null });
  });

  it('cancel stops a running run for real, pauses the task and records it; an idle task is only paused', async () => {
    const runner = untilAborted();
    const { services, scheduler, createTask, kinds, streamOf } = setupScheduler({ agentRunner: runner });
    const task = createTask();
    const { run_id } = scheduler.runNow(task.id);
    const result = await scheduler.cancel(task.id);
    expect(result).toEqual({ task_id: task.id, run_id, cancelled: true, status: 'paused' });
    expect(kinds(task.id)).toEqual(['started', 'cancelled']);
    expect(streamOf(task.id)[1]?.kind).toMatchObject({ type: 'cancelled', reason: 'Cancelled by user' });
    expect(services.tasks.listEvents(task.id).map((e) => e.event_type)).toEqual([
      'paused',
      'cancelled',
      'started',
      'created',
    ]);
    expect(scheduler.active()).toEqual([]);

    const idle = createTask({ name: 'idle' });
    expect(await scheduler.cancel(idle.id)).toEqual({
      task_id: idle.id,
      run_id: null,
      cancelled: false,
      status: 'paused',
    });
  });

  it('pause drops a queued run; resume makes the task schedulable again', async () => {
    const runner = untilAborted();
    const { services, scheduler, createTask, streamOf } = setupScheduler({ agentRunner: runner });
    services.config.setKey('worker_count', 1);
    const busy = createTask({ name: 'busy' });
    const waiting = createTask({ name: 'waiting' });
    scheduler.runNow(busy.id);
    const queued = scheduler.runNow(waiting.id);
    expect(scheduler.pause(waiting.id).status).toBe('paused');
    expect(streamOf(waiting.id).at(-1)).toMatchObject({
      run_id: queued.run_id,
      kind: { type: 'cancelled', reason: 'the task was paused' },
    });
    expect(scheduler.active()).toHaveLength(1);
    expect(scheduler.resume(waiting.id).status).toBe('active');
    await scheduler.cancel(busy.id);
  });

  it('delete stops a running run first and drops a queued one', async () => {
    const pidFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rf-del-')), 'pids.json');
    const { services, scheduler, createTask } = setupScheduler({ agentRunner: untilAborted() });
    services.config.setKey('worker_count', 1);
    const running = createTask({ execution_mode: nodeScript('tree', pidFile) });
    const queued = createTask({ name: 'queued' });
    scheduler.runNow(running.id);
    scheduler.runNow(queued.id);
    await waitUntil(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').length > 0);
    const pids = JSON.parse(fs.readFileSync(pidFile, 'utf8')) as { parent: number; child: number };
    expect(await scheduler.delete(queued.id)).toEqual({ deleted: true, id: queued.id });
    expect(scheduler.active().map((r) => r.task_id)).toEqual([running.id]);
    expect(await scheduler.delete(running.id.slice(0, 8))).toEqual({ deleted: true, id: running.id });
    await waitUntil(() => !isProcessAlive(pids.parent) && !isProcessAlive(pids.child));
    expect(scheduler.active()).toEqual([]);
    expect(services.tasks.find(running.id)).toBeUndefined();
  });

  it('stop interrupts running runs, closes their tasks as interrupted and refuses new runs', async () => {
    const runner = untilAborted();
    const { services, scheduler, createTask, streamOf } = setupScheduler({ agentRunner: runner, maxSleepMs: 60_000 });
    const task = createTask();
    scheduler.start();
    scheduler.runNow(task.id);
    await scheduler.stop();
    expect(streamOf(task.id).at(-1)?.kind).toMatchObject({
      type: 'failed',
      error_code: 'interrupted',
      recoverable: true,
    });
    expect(services.tasks.get(task.id)).toMatchObject({ status: 'active', failure_count: 1 });
    expect(services.tasks.listEvents(task.id)[0]?.event_type).toBe('interrupted');
    const statuses = services.events
      .listAfter(HEARTBEAT_STREAM)
      .filter((e) => e.type === 'status_change')
      .map((e) => e.payload.status);
    expect(statuses).toEqual(['starting', 'running', 'stopping', 'stopped']);
    expect(() => scheduler.runNow(task.id)).toThrow(UnavailableError);
    expect(scheduler.tick()).toEqual([]);
  });
});

describe('TaskScheduler crash recovery', () => {
  it('closes a run a crash left open without running its slot again', async () => {
    const {
      services,
      scheduler: crashed,
      createTask,
      streamOf,
      kinds,
    } = setupScheduler({ agentRunner: untilAborted() });
    const task = createTask();
    services.clock.advance(60_000);
    const [run] = crashed.tick();
    const slot = services.tasks.get(task.id).next_run_at as number;
    expect(services.tasks.get(task.id).status).toBe('running');

    // A new daemon on the same database; the old one is gone without a word.
    services.clock.advance(2000);
    const restarted = new TaskScheduler(
      services,
      {
        tasks: services.tasks,
        config: services.config,
        agents: services.agents,
        memory: services.memory,
        secrets: services.secrets,
      },
      { agentRunner: stubRunner([() => 'ok']), maxSleepMs: 60_000, sleep: async () => {} },
    );
    restarted.start();
    try {
      const recovered = services.tasks.get(task.id);
      expect(recovered).toMatchObject({ status: 'active', failure_count: 1 });
      expect(recovered.next_run_at).toBeGreaterThan(services.clock.now());
      expect(streamOf(task.id).at(-1)).toMatchObject({
        run_id: run?.runId,
        kind: { type: 'failed', error_code: 'interrupted', recoverable: true },
      });
      expect(restarted.tick()).toEqual([]);

      services.clock.set(recovered.next_run_at as number);
      expect(restarted.tick()).toHaveLength(1);
      await restarted.idle();
      const slots = streamOf(task.id)
        .filter((e) => e.kind.type === 'started')
        .map((e) => (e.kind as { scheduled_at: number }).scheduled_at);
      expect(slots).toEqual([slot, recovered.next_run_at]);
      expect(kinds(task.id).filter((k) => k === 'completed')).toHaveLength(1);
      const warnings = services.events.listAfter(HEARTBEAT_STREAM).filter((e) => e.type === 'warning');
      expect(warnings.map((w) => w.payload.code)).toContain('recovered_interrupted');
    } finally {
      await restarted.stop();
    }
  });

  // Orphans are recognised by the run id in /proc/<pid>/environ, which only Linux offers.
  const onLinux = process.platform === 'linux' ? it : it.skip;
  onLinux('kills the process tree of a CLI run the crashed daemon left behind (Linux only: /proc)', async () => {
    const pidFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rf-orphan-')), 'pids.json');
    const { services, scheduler: crashed, createTask, kinds } = setupScheduler();
    const task = createTask({ execution_mode: nodeScript('tree', pidFile) });
    crashed.runNow(task.id);
    await waitUntil(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').length > 0);
    const pids = JSON.parse(fs.readFileSync(pidFile, 'utf8')) as { parent: number; child: number };
    expect(isProcessAlive(pids.parent) && isProcessAlive(pids.child)).toBe(true);
    expect(kinds(task.id)).toContain('progress');

    const restarted = new TaskScheduler(
      services,
      {
        tasks: services.tasks,
        config: services.config,
        agents: services.agents,
        memory: services.memory,
        secrets: services.secrets,
      },
      { maxSleepMs: 60_000 },
    );
    restarted.start();
    try {
      expect(services.tasks.get(task.id).status).toBe('active');
      await waitUntil(() => !isProcessAlive(pids.parent) && !isProcessAlive(pids.child));
    } finally {
      await restarted.stop();
    }
  });
});
