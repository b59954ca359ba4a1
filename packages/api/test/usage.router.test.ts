// Usage and cost through the router over real in-memory services: provider calls are metered per run, costed
// from the price table, summed by the report, and budgets stop runs before the next provider call.
import { describe, expect, it } from '@jest/globals';
import type { StreamChunk } from '@restflow/core';
import {
  createTestCaller,
  createTestServices,
  errorOf,
  ScriptedLlm,
  scriptedFactory,
  type Turn,
  toolTurn,
} from '@restflow/testkit';

function setup(llm: ScriptedLlm) {
  return createTestCaller(createTestServices({ env: { ANTHROPIC_API_KEY: 'sk-test' }, llm: scriptedFactory(llm) }));
}

const answer = (text: string, usage: Extract<StreamChunk, { type: 'usage' }>['usage']): Turn => ({
  chunks: [
    { type: 'text', text },
    { type: 'usage', usage },
    { type: 'finish', finish_reason: 'stop' },
  ],
});

const skillCall = (id: string) => toolTurn([{ id, name: 'skill', args: { action: 'list' } }]);

type Caller = ReturnType<typeof setup>['caller'];

async function runToEnd(
  caller: Caller,
  services: ReturnType<typeof setup>['services'],
  agentId: string,
  input: string,
) {
  const started = await caller.agents.run({ id: agentId, input });
  await services.runs.wait(started.run_id);
  return caller.runs.get({ id: started.run_id });
}

describe('usage router', () => {
  it('meters each provider call of a run, costs it from the price table and reports it by agent, model and day', async () => {
    const llm = new ScriptedLlm([
      skillCall('c1'), // 10 in / 5 out
      answer('Done.', {
        prompt_tokens: 2000,
        completion_tokens: 300,
        total_tokens: 2300,
        cached_tokens: 1500,
        reasoning_tokens: 40,
      }),
    ]);
    const { caller, services } = setup(llm);
    const price = await caller.usage.prices.set({ model: 'sonnet', input: 2, cached_input: 0.5, output: 10 });
    expect(price).toEqual({ model: 'claude-sonnet-5-5', input: 2, cached_input: 0.5, output: 10, source: 'config' });
    const agent = await caller.agents.create({ name: 'metered', agent: { model: 'sonnet', tools: ['skill'] } });
    const run = await runToEnd(caller, services, agent.id, 'go');

    expect(run.status).toBe('completed');
    // (10*2 + 5*10) + (500*2 + 1500*0.5 + 300*10) per million
    const cost = (10 * 2 + 5 * 10 + 500 * 2 + 1500 * 0.5 + 300 * 10) / 1e6;
    expect(run.usage).toEqual({
      input_tokens: 2010,
      output_tokens: 305,
      cached_tokens: 1500,
      reasoning_tokens: 40,
      total_tokens: 2315,
      cost_usd: expect.closeTo(cost, 10),
      calls: 2,
    });

    const events = services.events.listAfter(run.id);
    const usage = events.filter((e) => e.type === 'usage').map((e) => e.payload);
    expect(usage.at(-1)).toMatchObject({
      input_tokens: 2010,
      output_tokens: 305,
      total_tokens: 2315,
      cached_tokens: 1500,
      reasoning_tokens: 40,
      call: { model: 'claude-sonnet-5-5', input_tokens: 2000, cached_tokens: 1500, reasoning_tokens: 40 },
    });
    expect(events[0]?.payload).toMatchObject({ model: 'claude-sonnet-5-5', input: 'go' });

    const byAgent = await caller.usage.report({ by: 'agent' });
    expect(byAgent.rows).toEqual([
      expect.objectContaining({ key: agent.id, label: 'metered', runs: 1, calls: 2, total_tokens: 2315 }),
    ]);
    expect(byAgent.total.cost_usd).toBeCloseTo(cost, 10);
    const byModel = await caller.usage.report({ by: 'model' });
    expect(byModel.rows.map((r) => r.key)).toEqual(['claude-sonnet-5-5']);
    const byDay = await caller.usage.report({ by: 'day' });
    expect(byDay.rows.map((r) => r.key)).toEqual(['2026-01-01']);
    // Nothing since after the run.
    const later = await caller.usage.report({ since: services.clock.now() + 1 });
    expect(later.rows).toEqual([]);
    expect(later.total.calls).toBe(0);
  });

  it('lists default prices for the catalogue and rejects prices of unknown models', async () => {
    const { caller } = setup(new ScriptedLlm([]));
    const prices = await caller.usage.prices.list();
    expect(prices.find((p) => p.model === 'claude-sonnet-5-5')).toEqual({
      model: 'claude-sonnet-5-5',
      input: 3,
      cached_input: 0.3,
      output: 15,
      source: 'default',
    });
    expect(
      (await errorOf(caller.usage.prices.set({ model: 'gpt-99', input: 1, cached_input: 1, output: 1 }))).code,
    ).toBe('BAD_REQUEST');
    expect(
      (await errorOf(caller.usage.prices.set({ model: 'sonnet', input: -1, cached_input: 1, output: 1 }))).code,
    ).toBe('BAD_REQUEST');
  });

  it('a per-run token budget stops the run before its next provider call, naming the budget', async () => {
    const llm = new ScriptedLlm([
      skillCall('c1'),
      skillCall('c2'),
      answer('never', { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 }),
    ]);
    const { caller, services } = setup(llm);
    const agent = await caller.agents.create({ name: 'frugal', agent: { model: 'sonnet', tools: ['skill'] } });
    const budgets = await caller.usage.budgets.set({
      budgets: { agents: { [agent.id.slice(0, 8)]: { tokens_per_run: 20 } } },
    });
    expect(budgets.agents).toEqual({ [agent.id]: { tokens_per_run: 20 } });

    const run = await runToEnd(caller, services, agent.id, 'spend');
    expect(run.status).toBe('failed');
    expect(run.error_code).toBe('budget_exceeded');
    expect(run.error).toBe(
      'budget exceeded: the per-run tokens budget of agent frugal (20 tokens) is spent: 30 tokens used by this run',
    );
    // Two calls of 15 tokens: the third was never made.
    expect(llm.requests).toHaveLength(2);
    expect(run.usage.calls).toBe(2);
    const failed = services.events.last(run.id);
    expect(failed).toMatchObject({
      type: 'failed',
      payload: {
        error_code: 'budget_exceeded',
        budget: { scope: 'agent', id: agent.id, period: 'run', metric: 'tokens', limit: 20, used: 30 },
      },
    });
  });

  it('a global daily cost cap stops every run until the next UTC day', async () => {
    const llm = new ScriptedLlm([
      answer('first', { prompt_tokens: 1_000_000, completion_tokens: 0, total_tokens: 1_000_000 }),
      answer('next day', { prompt_tokens: 10, completion_tokens: 1, total_tokens: 11 }),
    ]);
    const { caller, services } = setup(llm);
    const agent = await caller.agents.create({ name: 'daily', agent: { model: 'sonnet' } });
    await caller.usage.budgets.set({ budgets: { global: { cost_per_day_usd: 2 } } });
    expect((await runToEnd(caller, services, agent.id, 'one')).status).toBe('completed'); // $3 spent

    const blocked = await runToEnd(caller, services, agent.id, 'two');
    expect(blocked).toMatchObject({ status: 'failed', error_code: 'budget_exceeded' });
    expect(blocked.error).toContain('the global daily cost budget ($2.00) is spent: $3.00 used today (UTC)');
    expect(llm.requests).toHaveLength(1);

    services.clock.advance(86_400_000);
    expect((await runToEnd(caller, services, agent.id, 'three')).status).toBe('completed');
  });

  it('rejects budgets for unknown agents and nonsense limits', async () => {
    const { caller } = setup(new ScriptedLlm([]));
    expect(
      (await errorOf(caller.usage.budgets.set({ budgets: { agents: { nobody: { tokens_per_day: 5 } } } }))).code,
    ).toBe('NOT_FOUND');
    expect((await errorOf(caller.usage.budgets.set({ budgets: { global: { tokens_per_day: -5 } } }))).code).toBe(
      'BAD_REQUEST',
    );
    expect(await caller.usage.budgets.get()).toEqual({ global: {}, agents: {}, tasks: {} });
  });
});
