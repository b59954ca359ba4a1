import { describe, expect, it } from '@jest/globals';
import { createTestCaller, createTestServices, errorOf } from '@restflow/testkit';

function setup() {
  const services = createTestServices();
  const { caller } = createTestCaller(services);
  const agentId = services.agents.create('Worker').id;
  return { caller, services, agentId };
}

describe('tasks router', () => {
  it('creates with defaults, gets by prefix, lists (with status filter), updates, deletes', async () => {
    const { caller, services, agentId } = setup();
    const now = services.clock.now();
    const task = await caller.tasks.create({ name: ' Digest ', agent_id: agentId, input: 'summarise the news' });
    expect(task).toMatchObject({
      name: 'Digest',
      agent_id: agentId,
      input: 'summarise the news',
      description: null,
      schedule: { type: 'interval', interval_ms: 3_600_000, start_at: null },
      execution_mode: { type: 'api' },
      status: 'active',
      next_run_at: now + 3_600_000,
      success_count: 0,
      failure_count: 0,
      webhook: { enabled: false, rate_limit: 60 },
    });
    expect((await caller.tasks.get({ id: task.id.slice(0, 8) })).id).toBe(task.id);
    expect((await caller.tasks.list()).map((t) => t.id)).toEqual([task.id]);
    expect(await caller.tasks.list({ status: 'paused' })).toEqual([]);

    const updated = await caller.tasks.update({
      id: task.id,
      description: 'morning digest',
      schedule: { type: 'cron', expression: '0 0 9 * * *', timezone: 'Asia/Shanghai' },
      execution_mode: { type: 'cli', binary: 'claude', args: ['-p'] },
      notification: { include_output: false },
      memory: { max_messages: 10 },
      webhook: { enabled: true, rate_limit: 5 },
    });
    expect(updated).toMatchObject({
      description: 'morning digest',
      next_run_at: Date.parse('2026-01-01T01:00:00Z'),
      execution_mode: {
        type: 'cli',
        binary: 'claude',
        args: ['-p'],
        timeout_secs: 300,
        use_pty: false,
        working_dir: null,
      },
      notification: { include_output: false, telegram_enabled: false },
      memory: { max_messages: 10, enable_file_memory: true },
      webhook: { enabled: true, rate_limit: 5 },
    });
    expect(await caller.tasks.delete({ id: task.id })).toEqual({ deleted: true, id: task.id });
    expect(await caller.tasks.list()).toEqual([]);
  });

  it('accepts every schedule type and fills nullable defaults', async () => {
    const { caller, services, agentId } = setup();
    const now = services.clock.now();
    const once = await caller.tasks.create({
      name: 'once',
      agent_id: agentId,
      schedule: { type: 'once', run_at: now + 5000 },
    });
    expect(once.next_run_at).toBe(now + 5000);
    const every = await caller.tasks.create({
      name: 'every',
      agent_id: agentId,
      schedule: { type: 'interval', interval_ms: 30_000 },
    });
    expect(every.schedule).toEqual({ type: 'interval', interval_ms: 30_000, start_at: null });
    const utcCron = await caller.tasks.create({
      name: 'cron',
      agent_id: agentId,
      schedule: { type: 'cron', expression: '0 30 * * * *' },
    });
    expect(utcCron.schedule).toEqual({ type: 'cron', expression: '0 30 * * * *', timezone: null });
    expect(utcCron.next_run_at).toBe(now + 30 * 60_000);
  });

  it('pauses, resumes and lists events newest first with a limit', async () => {
    const { caller, agentId } = setup();
    const task = await caller.tasks.create({ name: 't', agent_id: agentId });
    expect((await caller.tasks.pause({ id: task.id })).status).toBe('paused');
    expect((await caller.tasks.list({ status: 'paused' })).map((t) => t.id)).toEqual([task.id]);
    expect((await caller.tasks.resume({ id: task.id })).status).toBe('active');
    const events = await caller.tasks.events.list({ task_id: task.id });
    expect(events.map((e) => e.event_type)).toEqual(['resumed', 'paused', 'created']);
    expect(events[2]).toMatchObject({ task_id: task.id, message: 'Task created' });
    expect(await caller.tasks.events.list({ task_id: task.id, limit: 1 })).toHaveLength(1);
  });

  it('maps errors: NOT_FOUND for unknown ids, BAD_REQUEST naming the field, CONFLICT on resume while running', async () => {
    const { caller, services, agentId } = setup();
    for (const call of [
      caller.tasks.get({ id: 'nope' }),
      caller.tasks.update({ id: 'nope', name: 'x' }),
      caller.tasks.delete({ id: 'nope' }),
      caller.tasks.pause({ id: 'nope' }),
      caller.tasks.resume({ id: 'nope' }),
      caller.tasks.events.list({ task_id: 'nope' }),
    ]) {
      const error = await errorOf(call);
      expect(error.code).toBe('NOT_FOUND');
      expect(error.message).toBe('Task nope not found');
    }

    const badCron = await errorOf(
      caller.tasks.create({
        name: 'x',
        agent_id: agentId,
        schedule: { type: 'cron', expression: '61 * * * * *', timezone: null },
      }),
    );
    expect(badCron.code).toBe('BAD_REQUEST');
    expect(badCron.message).toMatch(/^schedule\.expression: invalid cron expression "61 \* \* \* \* \*"/);
    const badZone = await errorOf(
      caller.tasks.create({
        name: 'x',
        agent_id: agentId,
        schedule: { type: 'cron', expression: '0 0 9 * * *', timezone: 'Atlantis/Capital' },
      }),
    );
    expect(badZone.message).toMatch(/schedule\.timezone/);
    const noAgent = await errorOf(caller.tasks.create({ name: 'x', agent_id: 'ghost' }));
    expect(noAgent.code).toBe('BAD_REQUEST');
    expect(noAgent.message).toMatch(/^agent_id: Agent ghost not found/);

    const shortInterval = await errorOf(
      caller.tasks.create({
        name: 'x',
        agent_id: agentId,
        schedule: { type: 'interval', interval_ms: 10, start_at: null },
      }),
    );
    expect(shortInterval.code).toBe('BAD_REQUEST');
    expect(shortInterval.message).toMatch(/schedule\.interval_ms/);
    const unknownType = await errorOf(
      caller.tasks.create({ name: 'x', agent_id: agentId, schedule: { type: 'weekly' } as never }),
    );
    expect(unknownType.code).toBe('BAD_REQUEST');
    expect(unknownType.message).toMatch(/schedule\.type/);
    const badMode = await errorOf(
      caller.tasks.create({ name: 'x', agent_id: agentId, execution_mode: { type: 'cli', timeout_secs: -1 } }),
    );
    expect(badMode.message).toMatch(/execution_mode\.timeout_secs/);
    const extra = await errorOf(caller.tasks.create({ name: 'x', agent_id: agentId, colour: 'red' } as never));
    expect(extra.code).toBe('BAD_REQUEST');
    const noName = await errorOf(caller.tasks.create({ name: '  ', agent_id: agentId }));
    expect(noName.message).toMatch(/name/);
    const badStatus = await errorOf(caller.tasks.list({ status: 'sleeping' } as never));
    expect(badStatus.message).toMatch(/status/);
    const badLimit = await errorOf(caller.tasks.events.list({ task_id: 'x', limit: 0 }));
    expect(badLimit.message).toMatch(/limit/);

    const task = await caller.tasks.create({ name: 'run', agent_id: agentId });
    const badUpdate = await errorOf(caller.tasks.update({ id: task.id, agent_id: 'ghost' }));
    expect(badUpdate.message).toMatch(/agent_id/);
    services.tasks.setRunning(task.id, 'run-1');
    const conflict = await errorOf(caller.tasks.resume({ id: task.id }));
    expect(conflict.code).toBe('CONFLICT');
  });
});
