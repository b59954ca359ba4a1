import { describe, expect, it } from '@jest/globals';
import { createTestServices, type TestServices } from '@restflow/testkit';
import {
  ALL_TASKS_CHANNEL,
  ConflictError,
  dueTasksQuery,
  InvalidInputError,
  NotFoundError,
  type TaskEvent,
  taskChannel,
} from '../src/index.ts';

const HOUR = 3_600_000;

function setup(ids?: string[]): TestServices & { agentId: string } {
  let n = 0;
  const s = createTestServices(ids ? { ids: { uuid: () => ids[n++] ?? `gen-${n}` } } : {});
  const agentId = s.agents.create('Worker').id;
  return Object.assign(s, { agentId });
}

function issuePath(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as InvalidInputError).issues[0]?.path;
  }
  throw new Error('expected an InvalidInputError');
}

describe('TaskService create/get/list', () => {
  it('fills every task default and logs a `created` event', () => {
    const s = setup();
    const now = s.clock.now();
    const task = s.tasks.create({ name: 'Digest', agent_id: s.agentId });
    expect(task).toEqual({
      id: expect.any(String),
      name: 'Digest',
      agent_id: s.agentId,
      description: null,
      input: null,
      schedule: { type: 'interval', interval_ms: HOUR, start_at: null },
      execution_mode: { type: 'api' },
      notification: {
        telegram_enabled: false,
        telegram_bot_token: null,
        telegram_chat_id: null,
        notify_on_failure_only: false,
        include_output: true,
      },
      memory: { max_messages: 100, enable_file_memory: true, persist_on_complete: true },
      status: 'active',
      created_at: now,
      updated_at: now,
      last_run_at: null,
      next_run_at: now + HOUR,
      success_count: 0,
      failure_count: 0,
      last_error: null,
      webhook: { enabled: false, token: expect.stringMatching(/^[0-9a-f-]{36}$/), rate_limit: 60 },
    });
    expect(s.tasks.get(task.id)).toEqual(task);
    expect(s.tasks.find(task.id)).toEqual(task);
    expect(s.tasks.find(task.id.slice(0, 8))).toBeUndefined();
    const events = s.tasks.listEvents(task.id);
    expect(events).toEqual([
      { id: expect.any(String), task_id: task.id, event_type: 'created', timestamp: now, message: 'Task created' },
    ]);
  });

  it('takes partial notification/memory and a partial cli execution mode', () => {
    const s = setup();
    const task = s.tasks.create({
      name: 'Cli',
      agent_id: s.agentId,
      description: 'd',
      input: 'summarise',
      notification: { telegram_enabled: true, telegram_chat_id: '42' },
      memory: { max_messages: 5 },
      execution_mode: { type: 'cli', args: ['-p'], timeout_secs: 60 },
    });
    expect(task.notification).toMatchObject({ telegram_enabled: true, telegram_chat_id: '42', include_output: true });
    expect(task.memory).toEqual({ max_messages: 5, enable_file_memory: true, persist_on_complete: true });
    expect(task.execution_mode).toEqual({
      type: 'cli',
      binary: 'claude',
      args: ['-p'],
      working_dir: null,
      timeout_secs: 60,
      use_pty: false,
    });
    expect(task.input).toBe('summarise');
  });

  it('rejects a missing agent and a bad schedule, naming the field', () => {
    const s = setup();
    expect(issuePath(() => s.tasks.create({ name: 'x', agent_id: 'nope' }))).toBe('agent_id');
    expect(
      issuePath(() =>
        s.tasks.create({
          name: 'x',
          agent_id: s.agentId,
          schedule: { type: 'cron', expression: '* *', timezone: null },
        }),
      ),
    ).toBe('schedule.expression');
    expect(
      issuePath(() =>
        s.tasks.create({
          name: 'x',
          agent_id: s.agentId,
          schedule: { type: 'cron', expression: '0 0 9 * * *', timezone: 'Nowhere/City' },
        }),
      ),
    ).toBe('schedule.timezone');
    expect(s.tasks.list()).toEqual([]);
  });

  it('resolves unique id prefixes, rejects ambiguous ones, lists newest first and by status', () => {
    const s = setup(['agent-0000', 'abcd1111-a', 'tok-1', 'ev-1', 'abcd2222-b', 'tok-2', 'ev-2', 'ffff0000-c']);
    s.tasks.create({ name: 'a', agent_id: 'agent-0000' });
    s.clock.advance(1);
    s.tasks.create({ name: 'b', agent_id: 'agent-0000' });
    s.clock.advance(1);
    s.tasks.create({ name: 'c', agent_id: 'agent-0000' });
    expect(s.tasks.get('ffff').name).toBe('c');
    expect(s.tasks.get('abcd2').name).toBe('b');
    expect(() => s.tasks.get('abcd')).toThrow(InvalidInputError);
    expect(() => s.tasks.get('zzzz')).toThrow(NotFoundError);
    expect(s.tasks.list().map((t) => t.name)).toEqual(['c', 'b', 'a']);
    s.tasks.pause('abcd1');
    expect(s.tasks.listByStatus('paused').map((t) => t.name)).toEqual(['a']);
    expect(s.tasks.list('active').map((t) => t.name)).toEqual(['c', 'b']);
  });
});

describe('TaskService update/delete', () => {
  it('updates only the given fields, merges notification/memory/webhook, replaces execution mode', () => {
    const s = setup();
    const other = s.agents.create('Other').id;
    const task = s.tasks.create({ name: 't', agent_id: s.agentId, description: 'keep', input: 'in' });
    s.clock.advance(1000);
    const updated = s.tasks.update(task.id.slice(0, 8), {
      name: 'renamed',
      agent_id: other,
      input: null,
      notification: { notify_on_failure_only: true },
      memory: { enable_file_memory: false },
      execution_mode: { type: 'cli', binary: 'codex' },
      webhook: { enabled: true },
    });
    expect(updated).toMatchObject({
      name: 'renamed',
      agent_id: other,
      description: 'keep',
      input: null,
      updated_at: task.created_at + 1000,
      next_run_at: task.next_run_at,
    });
    expect(updated.notification.notify_on_failure_only).toBe(true);
    expect(updated.notification.include_output).toBe(true);
    expect(updated.memory).toEqual({ max_messages: 100, enable_file_memory: false, persist_on_complete: true });
    expect(updated.execution_mode).toMatchObject({ type: 'cli', binary: 'codex', timeout_secs: 300 });
    expect(updated.webhook).toEqual({ ...task.webhook, enabled: true });
    expect(s.tasks.get(task.id)).toEqual(updated);
    expect(s.tasks.update(task.id, { execution_mode: { type: 'api' } }).execution_mode).toEqual({ type: 'api' });
  });

  it('recomputes next_run_at on a schedule change and re-activates a completed task', () => {
    const s = setup();
    const now = s.clock.now();
    const task = s.tasks.create({ name: 'once', agent_id: s.agentId, schedule: { type: 'once', run_at: now + 10 } });
    expect(task.next_run_at).toBe(now + 10);
    s.clock.advance(10);
    s.tasks.setRunning(task.id, 'run-1');
    expect(s.tasks.completeExecution(task.id, { durationMs: 5 }).status).toBe('completed');
    const rescheduled = s.tasks.update(task.id, {
      schedule: { type: 'cron', expression: '0 0 9 * * *', timezone: 'Asia/Shanghai' },
    });
    expect(rescheduled.status).toBe('active');
    expect(rescheduled.next_run_at).toBe(Date.parse('2026-01-01T01:00:00Z'));
    expect(issuePath(() => s.tasks.update(task.id, { agent_id: 'ghost' }))).toBe('agent_id');
    expect(
      issuePath(() => s.tasks.update(task.id, { schedule: { type: 'interval', interval_ms: 10, start_at: null } })),
    ).toBe('schedule.interval_ms');
  });

  it('deletes a task with its events, and 404s afterwards', () => {
    const s = setup();
    const task = s.tasks.create({ name: 't', agent_id: s.agentId });
    s.tasks.pause(task.id);
    expect(s.tasks.delete(task.id.slice(0, 6))).toEqual({ deleted: true, id: task.id });
    const left = s.db.$client.prepare('SELECT count(*) AS n FROM task_events WHERE task_id = ?').get(task.id) as {
      n: number;
    };
    expect(left.n).toBe(0);
    expect(() => s.tasks.get(task.id)).toThrow(NotFoundError);
    expect(() => s.tasks.delete(task.id)).toThrow(NotFoundError);
    expect(() => s.tasks.update(task.id, { name: 'x' })).toThrow(NotFoundError);
    expect(() => s.tasks.listEvents(task.id)).toThrow(NotFoundError);
  });
});

describe('TaskService lifecycle', () => {
  it('pause / resume: idempotent pause, resume recomputes from now, events logged', () => {
    const s = setup();
    const task = s.tasks.create({
      name: 't',
      agent_id: s.agentId,
      schedule: { type: 'interval', interval_ms: 60_000, start_at: null },
    });
    const paused = s.tasks.pause(task.id);
    expect(paused.status).toBe('paused');
    expect(s.tasks.pause(task.id)).toEqual(paused);
    s.clock.advance(150_000);
    const resumed = s.tasks.resume(task.id);
    expect(resumed.status).toBe('active');
    expect(resumed.next_run_at).toBe(task.created_at + 180_000);
    expect(s.tasks.listEvents(task.id).map((e) => e.event_type)).toEqual(['resumed', 'paused', 'created']);
  });

  it('interval run: due → running → completed with counters, events and the next slot', () => {
    const s = setup();
    const t0 = s.clock.now();
    const task = s.tasks.create({
      name: 't',
      agent_id: s.agentId,
      schedule: { type: 'interval', interval_ms: 60_000, start_at: null },
    });
    expect(s.tasks.listDue(t0 + 59_999, 10)).toEqual([]);
    s.clock.advance(60_000);
    expect(s.tasks.listDue(s.clock.now(), 10).map((t) => t.id)).toEqual([task.id]);
    const running = s.tasks.setRunning(task.id, 'run-1');
    expect(running).toMatchObject({ status: 'running', last_run_at: t0 + 60_000 });
    expect(s.tasks.listDue(s.clock.now(), 10)).toEqual([]);
    expect(() => s.tasks.setRunning(task.id, 'run-2')).toThrow(ConflictError);
    expect(() => s.tasks.resume(task.id)).toThrow(ConflictError);
    s.clock.advance(2500);
    const done = s.tasks.completeExecution(task.id, { output: 'ok!', durationMs: 2500, runId: 'run-1' });
    expect(done).toMatchObject({ status: 'active', success_count: 1, failure_count: 0, last_error: null });
    expect(done.next_run_at).toBe(t0 + 120_000);
    const [completed, started] = s.tasks.listEvents(task.id, 2);
    expect(completed).toMatchObject({ event_type: 'completed', output: 'ok!', duration_ms: 2500, run_id: 'run-1' });
    expect(started).toMatchObject({ event_type: 'started', run_id: 'run-1', timestamp: t0 + 60_000 });
  });

  it('once run completes into `completed` with no next run', () => {
    const s = setup();
    const runAt = s.clock.now() + 1000;
    const task = s.tasks.create({ name: 'o', agent_id: s.agentId, schedule: { type: 'once', run_at: runAt } });
    s.clock.set(runAt);
    expect(s.tasks.listDue(runAt, 5).map((t) => t.id)).toEqual([task.id]);
    s.tasks.setRunning(task.id, 'r');
    const done = s.tasks.completeExecution(task.id, { durationMs: 1, runId: 'r' });
    expect(done).toMatchObject({ status: 'completed', next_run_at: null, success_count: 1 });
    expect(s.tasks.listEvents(task.id, 1)[0]).not.toHaveProperty('output');
  });

  it('failure: failure_count++, status failed, last_error set, next run still computed; success clears the error', () => {
    const s = setup();
    const task = s.tasks.create({ name: 'f', agent_id: s.agentId });
    s.clock.advance(HOUR);
    s.tasks.setRunning(task.id, 'r1');
    const failed = s.tasks.failExecution(task.id, { error: 'provider down', durationMs: 40, runId: 'r1' });
    expect(failed).toMatchObject({ status: 'failed', failure_count: 1, last_error: 'provider down' });
    expect(failed.next_run_at).toBe(task.created_at + 2 * HOUR);
    expect(s.tasks.listEvents(task.id, 1)[0]).toMatchObject({
      event_type: 'failed',
      message: 'provider down',
      duration_ms: 40,
    });
    // a failed task is not due until resumed
    expect(s.tasks.listDue(s.clock.now() + 10 * HOUR, 5)).toEqual([]);
    s.tasks.setRunning(task.id, 'r2');
    const ok = s.tasks.completeExecution(task.id, { durationMs: 1 });
    expect(ok).toMatchObject({ status: 'active', last_error: null, success_count: 1, failure_count: 1 });
  });

  it('a pause during a run survives its completion or failure', () => {
    const s = setup();
    const task = s.tasks.create({ name: 'p', agent_id: s.agentId });
    s.tasks.setRunning(task.id, 'r1');
    s.tasks.pause(task.id);
    expect(s.tasks.completeExecution(task.id, { durationMs: 1 }).status).toBe('paused');
    s.tasks.setRunning(task.id, 'r2');
    s.tasks.pause(task.id);
    expect(s.tasks.failExecution(task.id, { error: 'x', durationMs: 1 })).toMatchObject({
      status: 'paused',
      failure_count: 1,
    });
  });

  it('recoverInterrupted: recurring → active with the crashed slot skipped, once → failed', () => {
    const s = setup();
    const t0 = s.clock.now();
    const recurring = s.tasks.create({
      name: 'r',
      agent_id: s.agentId,
      schedule: { type: 'interval', interval_ms: 60_000, start_at: null },
    });
    const once = s.tasks.create({ name: 'o', agent_id: s.agentId, schedule: { type: 'once', run_at: t0 + 60_000 } });
    const idle = s.tasks.create({ name: 'i', agent_id: s.agentId });
    s.clock.set(t0 + 60_000);
    s.tasks.setRunning(recurring.id, 'run-r');
    s.tasks.setRunning(once.id, 'run-o');
    // the daemon dies mid-run and comes back 10 s later, still inside the crashed slot's minute
    s.clock.set(t0 + 70_000);
    const recovered = s.tasks.recoverInterrupted(s.clock.now());
    expect(recovered.map((t) => t.name).sort()).toEqual(['o', 'r']);
    const r = s.tasks.get(recurring.id);
    expect(r).toMatchObject({ status: 'active', failure_count: 1, next_run_at: t0 + 120_000 });
    expect(r.last_error).toMatch(/interrupted/);
    expect(s.tasks.get(once.id)).toMatchObject({ status: 'failed', next_run_at: null, failure_count: 1 });
    expect(s.tasks.get(idle.id).status).toBe('active');
    expect(s.tasks.listEvents(recurring.id, 1)[0]).toMatchObject({ event_type: 'interrupted', run_id: 'run-r' });
    expect(s.tasks.listDue(s.clock.now(), 10)).toEqual([]);
    expect(s.tasks.recoverInterrupted()).toEqual([]);
  });

  it('records notifications and custom events, publishing every event on the bus after it is stored', () => {
    const s = setup();
    const seen: TaskEvent[] = [];
    const all: TaskEvent[] = [];
    const task = s.tasks.create({ name: 'n', agent_id: s.agentId });
    const off1 = s.bus.subscribe(taskChannel(task.id), (e) => seen.push(e as TaskEvent));
    const off2 = s.bus.subscribe(ALL_TASKS_CHANNEL, (e) => all.push(e as TaskEvent));
    s.tasks.recordNotification(task.id, 'sent', 'telegram ok');
    s.tasks.recordNotification(task.id, 'failed', 'telegram 401');
    s.tasks.addEvent(task.id, { event_type: 'cancelled', message: 'cancelled by user', run_id: 'r9' });
    off1();
    off2();
    expect(seen.map((e) => e.event_type)).toEqual(['notification_sent', 'notification_failed', 'cancelled']);
    expect(all).toEqual(seen);
    expect(s.tasks.listEvents(task.id).slice(0, 3)).toEqual([...seen].reverse());
    expect(s.tasks.listEvents(task.id, 2)).toHaveLength(2);
  });
});

describe('listDue query plan', () => {
  it('is served by tasks_due_idx (no table scan, no temp sort)', () => {
    const s = setup();
    const { sql, params } = dueTasksQuery(s.db, 123, 50).toSQL();
    const plan = s.db.$client.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(params as unknown[])) as {
      detail: string;
    }[];
    const details = plan.map((p) => p.detail).join('\n');
    expect(details).toMatch(/USING INDEX tasks_due_idx/);
    expect(details).not.toMatch(/SCAN tasks\b(?! USING)/);
    expect(details).not.toMatch(/TEMP B-TREE/);
  });

  it('orders due tasks by next_run_at and honours the limit', () => {
    const s = setup();
    const t0 = s.clock.now();
    const late = s.tasks.create({ name: 'late', agent_id: s.agentId, schedule: { type: 'once', run_at: t0 + 300 } });
    const early = s.tasks.create({ name: 'early', agent_id: s.agentId, schedule: { type: 'once', run_at: t0 + 100 } });
    s.tasks.create({ name: 'mid', agent_id: s.agentId, schedule: { type: 'once', run_at: t0 + 200 } });
    expect(s.tasks.listDue(t0 + 1000, 2).map((t) => t.name)).toEqual(['early', 'mid']);
    expect(s.tasks.listDue(t0 + 1000).map((t) => t.id)).toEqual([early.id, expect.any(String), late.id]);
  });
});

describe('names work wherever ids do', () => {
  it('tasks, skills and chat sessions resolve by name (case-insensitive); task names are unique', () => {
    const s = setup();
    const ticker = s.tasks.create({ name: 'ticker', agent_id: s.agentId });
    expect(s.tasks.get('Ticker').id).toBe(ticker.id);
    expect(s.tasks.pause('ticker')).toMatchObject({ id: ticker.id, status: 'paused', next_run_at: null });
    expect(() => s.tasks.create({ name: 'TICKER', agent_id: s.agentId })).toThrow(
      expect.objectContaining({ name: 'ConflictError', reason: 'DUPLICATE_NAME' }),
    );
    const other = s.tasks.create({ name: 'other', agent_id: s.agentId });
    expect(() => s.tasks.update(other.id, { name: 'ticker' })).toThrow(ConflictError);

    const skill = s.skills.create({ id: 'tone-of-voice', name: 'Tone', content: '# Tone' });
    expect(s.skills.get('tone').id).toBe(skill.id);
    const session = s.sessions.create({ agent_id: s.agentId, name: 'Release plan' });
    expect(s.sessions.get('release plan').id).toBe(session.id);
    s.sessions.create({ agent_id: s.agentId });
    s.sessions.create({ agent_id: s.agentId });
    // Session names repeat ("New Chat"): a shared name is ambiguous and lists the ids.
    expect(() => s.sessions.get('New Chat')).toThrow(/2 chat sessions are named "New Chat"/);
  });

  it('a one-off time in the past is refused (a minute of grace for "now")', () => {
    const s = setup();
    const now = s.clock.now();
    let refused: unknown;
    try {
      s.tasks.create({ name: 'late', agent_id: s.agentId, schedule: { type: 'once', run_at: now - 2 * HOUR } });
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(InvalidInputError);
    expect(refused).toMatchObject({
      reason: 'PAST_SCHEDULE',
      issues: [{ path: 'schedule.run_at', message: 'is in the past' }],
    });
    expect((refused as Error).message).toMatch(/is in the past; a one-off run needs a future time$/);
    const soon = s.tasks.create({ name: 'now', agent_id: s.agentId, schedule: { type: 'once', run_at: now - 1000 } });
    expect(soon.next_run_at).toBe(now);
  });
});
