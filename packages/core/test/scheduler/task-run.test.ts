// One run in each mode: streamed output, exit codes, timeouts and cancels that take the whole process tree down,
// retries of transient errors only, and model failover.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { isProcessAlive, waitUntil } from '@restflow/testkit';
import { LlmError, UnavailableError } from '../../src/index.ts';
import { unavailableAgentRunner } from '../../src/scheduler/agent-runner.ts';
import { nodeScript, setupScheduler, stubRunner, swappableRunner } from './helpers.ts';

describe('CLI-mode runs', () => {
  it('streams every stdout and stderr line, passes the input last, and completes with the output', async () => {
    const { services, scheduler, createTask, streamOf } = setupScheduler();
    const task = createTask({ input: 'hello there', execution_mode: nodeScript('lines', '3') });
    const { run_id } = scheduler.runNow(task.id);
    await scheduler.idle();
    const events = streamOf(task.id);
    expect(events.every((e) => e.run_id === run_id && e.task_id === task.id)).toBe(true);
    expect(events[0]?.kind).toMatchObject({ type: 'started', execution_mode: `cli:${process.execPath}` });
    const output = events.filter((e) => e.kind.type === 'output').map((e) => e.kind);
    expect(output).toEqual(
      expect.arrayContaining([
        { type: 'output', text: 'line 1', is_stderr: false, is_complete: true },
        { type: 'output', text: 'a warning', is_stderr: true, is_complete: true },
        { type: 'output', text: 'input: hello there', is_stderr: false, is_complete: true },
      ]),
    );
    expect(output).toHaveLength(5);
    const completed = events.at(-1)?.kind;
    expect(completed).toMatchObject({
      type: 'completed',
      result: 'line 1\nline 2\nline 3\ninput: hello there',
      stats: { output_lines: 5 },
    });
    expect(services.tasks.get(task.id)).toMatchObject({ status: 'active', success_count: 1, last_error: null });
    expect(services.tasks.listEvents(task.id)[0]).toMatchObject({
      event_type: 'completed',
      run_id,
      output: 'line 1\nline 2\nline 3\ninput: hello there',
    });
    // The transcript went to memory, in the task's session, tagged with task and agent.
    const chunks = services.memory.listByTag(`task:${task.id}`);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toMatchObject({
      source: { type: 'task_execution', task_id: task.id },
      tags: expect.arrayContaining([`task:${task.id}`, `agent:${task.agent_id}`]),
    });
    expect(chunks[0]?.content).toContain('[user]: hello there');
    expect(services.memory.listSessions(task.agent_id).map((s) => s.name)).toEqual(['Task: Job 1']);
  });

  it('fails with the exit code and the last stderr line; a missing binary fails cleanly', async () => {
    const { services, scheduler, createTask, streamOf } = setupScheduler();
    const failing = createTask({ execution_mode: nodeScript('fail', '3'), memory: { persist_on_complete: false } });
    scheduler.runNow(failing.id);
    await scheduler.idle();
    expect(streamOf(failing.id).at(-1)?.kind).toMatchObject({
      type: 'failed',
      error: `${process.execPath} exited with code 3: boom`,
      error_code: 'exit_status',
      recoverable: false,
    });
    expect(services.tasks.get(failing.id)).toMatchObject({ status: 'failed', failure_count: 1 });

    const missing = createTask({ execution_mode: { type: 'cli', binary: 'restflow-no-such-binary', args: [] } });
    scheduler.runNow(missing.id);
    await scheduler.idle();
    expect(streamOf(missing.id).at(-1)?.kind).toMatchObject({
      type: 'failed',
      error_code: 'spawn',
      error: expect.stringContaining('command not found: restflow-no-such-binary'),
    });
  });

  it('an input or argument with a NUL character (which no program can be given) fails the run as a spawn error', async () => {
    const { scheduler, createTask, streamOf } = setupScheduler();
    const cases = [
      createTask({ input: 'hello\u0000there', execution_mode: nodeScript('lines', '1') }),
      createTask({ execution_mode: { ...nodeScript('lines', '1'), args: ['a\u0000b'] } }),
    ];
    for (const task of cases) {
      scheduler.runNow(task.id);
      await scheduler.idle();
      expect(streamOf(task.id).at(-1)?.kind).toMatchObject({
        type: 'failed',
        error_code: 'spawn',
        recoverable: false,
        error: 'cannot start the program: a NUL character in its arguments',
      });
    }
  });

  it('cancel kills the whole process tree, even a child that would outlive its parent', async () => {
    const pidFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rf-tree-')), 'pids.json');
    const { services, scheduler, createTask, streamOf } = setupScheduler();
    const task = createTask({ execution_mode: nodeScript('tree', pidFile) });
    scheduler.runNow(task.id);
    await waitUntil(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').length > 0);
    const pids = JSON.parse(fs.readFileSync(pidFile, 'utf8')) as { parent: number; child: number };
    expect(isProcessAlive(pids.child)).toBe(true);
    const started = Date.now();
    expect((await scheduler.cancel(task.id)).cancelled).toBe(true);
    expect(Date.now() - started).toBeLessThan(3000);
    await waitUntil(() => !isProcessAlive(pids.parent) && !isProcessAlive(pids.child));
    expect(streamOf(task.id).at(-1)?.kind).toMatchObject({ type: 'cancelled', reason: 'Cancelled by user' });
    expect(services.tasks.get(task.id).status).toBe('paused');
  });

  it('times out: SIGTERM, then SIGKILL for a process that ignores it; the task fails, the stream says why', async () => {
    const { services, scheduler, createTask, streamOf } = setupScheduler({ killGraceMs: 200 });
    const task = createTask({ execution_mode: { ...nodeScript('ignore-term'), timeout_secs: 1 } });
    scheduler.runNow(task.id);
    await scheduler.idle();
    const events = streamOf(task.id);
    expect(events.at(-1)?.kind).toMatchObject({ type: 'cancelled', reason: 'Task timed out after 1 seconds' });
    expect(events.some((e) => e.kind.type === 'output' && e.kind.text === 'ignoring SIGTERM')).toBe(true);
    expect(services.tasks.get(task.id)).toMatchObject({
      status: 'failed',
      last_error: 'Task timed out after 1 seconds',
    });
  });
});

describe('API-mode runs', () => {
  it('streams the agent text as output and completes with its stats', async () => {
    const runner = stubRunner([() => 'the answer']);
    const { services, scheduler, createTask, streamOf } = setupScheduler({ agentRunner: runner });
    const task = createTask({ input: 'question' });
    scheduler.runNow(task.id);
    await scheduler.idle();
    expect(runner.calls).toEqual([
      { agentId: task.agent_id, model: 'claude-sonnet-5-5', input: 'question', taskId: task.id },
    ]);
    expect(streamOf(task.id).map((e) => e.kind)).toEqual([
      expect.objectContaining({ type: 'started', execution_mode: 'api' }),
      { type: 'output', text: 'the answer', is_stderr: false, is_complete: false },
      { type: 'progress', phase: 'memory_persisted', details: { chunks: 1 } },
      expect.objectContaining({
        type: 'completed',
        result: 'the answer',
        stats: expect.objectContaining({ tokens_used: 7, api_calls: 1 }),
      }),
    ]);
    expect(services.tasks.get(task.id).success_count).toBe(1);
  });

  it('a run that throws (a fault of the daemon) still ends as failed, and the task can run again', async () => {
    const { services, scheduler, createTask, streamOf } = setupScheduler({
      agentRunner: swappableRunner(stubRunner([() => 'second run'])),
    });
    const task = createTask({ memory: { persist_on_complete: false } });
    // The agent lookup the run makes first fails once, as a broken store would: nothing in the run catches that.
    const find = services.agents.find.bind(services.agents);
    let broken = true;
    services.agents.find = (id) => {
      if (!broken) return find(id);
      broken = false;
      throw new Error('store went away: a detail for the log');
    };
    scheduler.runNow(task.id);
    await scheduler.idle();
    expect(streamOf(task.id).at(-1)?.kind).toMatchObject({
      type: 'failed',
      error_code: 'internal',
      recoverable: false,
      error: 'the run failed unexpectedly (the daemon log has the details)',
    });
    expect(services.tasks.get(task.id).status).not.toBe('running');
    scheduler.runNow(task.id);
    await scheduler.idle();
    expect(streamOf(task.id).at(-1)?.kind).toMatchObject({ type: 'completed', result: 'second run' });
  });

  it('retries transient errors with exponential backoff, up to max_retries, then fails as recoverable', async () => {
    const transient = () => {
      throw new LlmError('overloaded', 'server', 529);
    };
    const runner = swappableRunner(stubRunner([transient, transient, () => 'finally']));
    const { services, scheduler, createTask, streamOf, sleeps } = setupScheduler({
      agentRunner: runner,
      retryPolicy: { initialDelayMs: 100, maxDelayMs: 1000, multiplier: 2, jitter: 0.25 },
    });
    const task = createTask({ memory: { persist_on_complete: false } });
    scheduler.runNow(task.id);
    await scheduler.idle();
    expect(sleeps).toEqual([100, 200]);
    expect(
      streamOf(task.id)
        .filter((e) => e.kind.type === 'progress')
        .map((e) => e.kind),
    ).toEqual([
      {
        type: 'progress',
        phase: 'retrying',
        details: { attempt: 2, max_attempts: 4, delay_ms: 100, error: 'overloaded' },
      },
      {
        type: 'progress',
        phase: 'retrying',
        details: { attempt: 3, max_attempts: 4, delay_ms: 200, error: 'overloaded' },
      },
    ]);
    expect(streamOf(task.id).at(-1)?.kind).toMatchObject({ type: 'completed', result: 'finally' });

    services.config.setKey('max_retries', 1);
    const gaveUp = stubRunner([transient, transient]);
    runner.use(gaveUp);
    const other = createTask({ name: 'other' });
    scheduler.runNow(other.id);
    await scheduler.idle();
    expect(gaveUp.calls).toHaveLength(2);
    expect(streamOf(other.id).at(-1)?.kind).toMatchObject({
      type: 'failed',
      error: 'Execution error: overloaded (gave up after 2 attempts)',
      recoverable: true,
    });
  });

  it('never retries auth errors or bad requests', async () => {
    const runner = stubRunner([
      () => {
        throw new LlmError('invalid x-api-key', 'auth', 401);
      },
    ]);
    const { scheduler, createTask, streamOf, sleeps } = setupScheduler({ agentRunner: runner });
    const task = createTask();
    scheduler.runNow(task.id);
    await scheduler.idle();
    expect(runner.calls).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(streamOf(task.id).at(-1)?.kind).toMatchObject({
      type: 'failed',
      error: 'Execution error: invalid x-api-key',
      recoverable: false,
    });
  });

  it('fails over to the fallback models in order, skipping those in cooldown', async () => {
    const down = () => {
      throw new LlmError('503 service unavailable', 'server', 503);
    };
    const first = stubRunner([down, () => 'from the fallback']);
    const runner = swappableRunner(first);
    const { scheduler, createTask, streamOf } = setupScheduler({
      agentRunner: runner,
      fallbackModels: ['gpt-5', 'deepseek-chat'],
    });
    const task = createTask({ memory: { persist_on_complete: false } });
    scheduler.runNow(task.id);
    await scheduler.idle();
    expect(first.calls.map((c) => c.model)).toEqual(['claude-sonnet-5-5', 'gpt-5']);
    expect(streamOf(task.id).find((e) => e.kind.type === 'progress')?.kind).toEqual({
      type: 'progress',
      phase: 'failover',
      details: { from: 'claude-sonnet-5-5', to: 'gpt-5', error: '503 service unavailable' },
    });
    expect(streamOf(task.id).at(-1)?.kind).toMatchObject({ type: 'completed', result: 'from the fallback' });

    // Three failures in a row put the primary in cooldown: later runs start with the fallback.
    scheduler.failover.recordFailure('claude-sonnet-5-5');
    scheduler.failover.recordFailure('claude-sonnet-5-5');
    scheduler.failover.recordFailure('claude-sonnet-5-5');
    const later = stubRunner([() => 'ok']);
    runner.use(later);
    scheduler.runNow(task.id);
    await scheduler.idle();
    expect(later.calls.map((c) => c.model)).toEqual(['gpt-5']);
  });

  it('times out under task_timeout_seconds and fails cleanly when the engine is not available', async () => {
    const runner = swappableRunner(unavailableAgentRunner);
    const { scheduler, createTask, streamOf, services } = setupScheduler({ agentRunner: runner });
    const task = createTask();
    scheduler.runNow(task.id);
    await scheduler.idle();
    expect(streamOf(task.id).at(-1)?.kind).toMatchObject({
      type: 'failed',
      error: expect.stringContaining('the agent engine is not available'),
      recoverable: false,
    });
    expect(services.tasks.get(task.id).last_error).toContain('not available');

    const hang = stubRunner([
      (request) =>
        new Promise((_, reject) =>
          request.signal.addEventListener('abort', () => reject(new UnavailableError('stopped'))),
        ),
    ]);
    runner.use(hang);
    services.config.setKey('task_timeout_seconds', 10);
    const slow = createTask({ name: 'slow' });
    const realSetTimeout = globalThis.setTimeout;
    // Make the 10 s timeout elapse in a moment: only the run's own timer is shortened.
    globalThis.setTimeout = ((fn: () => void, ms?: number) =>
      realSetTimeout(fn, ms === 10_000 ? 30 : ms)) as typeof setTimeout;
    try {
      scheduler.runNow(slow.id);
    } finally {
      globalThis.setTimeout = realSetTimeout;
    }
    await scheduler.idle();
    expect(streamOf(slow.id).at(-1)?.kind).toMatchObject({
      type: 'cancelled',
      reason: 'Task timed out after 10 seconds',
    });
    expect(services.tasks.get(slow.id).status).toBe('failed');
  });
});
