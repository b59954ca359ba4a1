// Daily budgets and the scheduler: a scheduled slot whose task (or agent, or global) budget is spent today is not
// started — recorded on the task's stream and history, notified — and the task runs again the next UTC day.
import { describe, expect, it } from '@jest/globals';
import { waitUntil } from '@restflow/testkit';
import { setupScheduler, stubRunner } from './helpers.ts';

const HOUR = 3_600_000;

describe('TaskScheduler and daily budgets', () => {
  it('skips a scheduled run once the task has spent its daily budget, until the next UTC day', async () => {
    const runner = stubRunner([() => 'next day run']);
    const { services, scheduler, createTask, streamOf, kinds } = setupScheduler({ agentRunner: runner });
    const task = createTask({
      name: 'Hourly digest',
      schedule: { type: 'interval', interval_ms: HOUR, start_at: null },
      notification: { telegram_enabled: true, telegram_chat_id: '42' },
    });
    services.usage.setBudgets({ tasks: { [task.id]: { tokens_per_day: 1000 } } });
    // Spent today by an earlier run of the task.
    services.usage.record(
      {
        runId: 'r-earlier',
        taskId: task.id,
        agentId: task.agent_id,
        model: 'claude-sonnet-5-5',
        provider: 'anthropic',
      },
      { prompt_tokens: 900, completion_tokens: 150, total_tokens: 1050 },
      100,
    );
    services.clock.advance(HOUR);
    expect(scheduler.tick()).toEqual([]);
    expect(runner.calls).toHaveLength(0);

    const skipped = streamOf(task.id).find((e) => e.kind.type === 'skipped');
    const tomorrow = Date.UTC(2026, 0, 2);
    expect(skipped?.kind).toEqual({
      type: 'skipped',
      reason:
        'budget exceeded: the daily tokens budget of task Hourly digest (1000 tokens) is spent: 1050 tokens used today (UTC)',
      error_code: 'budget_exceeded',
      budget: { scope: 'task', id: task.id, period: 'day', metric: 'tokens', limit: 1000, used: 1050 },
      resume_at: tomorrow,
    });
    const stored = services.tasks.get(task.id);
    expect(stored).toMatchObject({ status: 'active', next_run_at: tomorrow });
    expect(services.tasks.listEvents(task.id).map((e) => e.event_type)).toContain('skipped');
    // Notified like a failure (here: no bot token, so the failed notification is what is recorded).
    await waitUntil(() => kinds(task.id).includes('notification_failed'), 5000, 'the skip notification');

    // Later the same day: still nothing due.
    services.clock.advance(5 * HOUR);
    expect(scheduler.tick()).toEqual([]);
    // The next day the budget is fresh and the task runs.
    services.clock.set(tomorrow);
    expect(scheduler.tick()).toHaveLength(1);
    await scheduler.idle();
    expect(runner.calls).toHaveLength(1);
    expect(kinds(task.id)).toContain('completed');
  });

  it('skips on the agent’s or the global daily cap too, but a run asked for by hand still starts', async () => {
    const runner = stubRunner([() => 'manual run']);
    const { services, scheduler, createTask, kinds } = setupScheduler({ agentRunner: runner });
    const task = createTask({ schedule: { type: 'interval', interval_ms: HOUR, start_at: null } });
    services.usage.setBudgets({ global: { cost_per_day_usd: 0.5 } });
    services.usage.record(
      { runId: 'r-other', model: 'claude-sonnet-5-5', provider: 'anthropic' },
      { prompt_tokens: 200_000, completion_tokens: 0, total_tokens: 200_000 },
      100,
    );
    services.clock.advance(HOUR);
    expect(scheduler.tick()).toEqual([]);
    const skipped = scheduler.stream.list(task.id).find((e) => e.kind.type === 'skipped');
    expect(skipped?.kind).toMatchObject({ budget: { scope: 'global', metric: 'cost', limit: 0.5 } });

    // The engine run behind a manual run is what a budget stops; the stub runner here has no budget.
    scheduler.runNow(task.id);
    await scheduler.idle();
    expect(kinds(task.id)).toContain('completed');
  });
});
