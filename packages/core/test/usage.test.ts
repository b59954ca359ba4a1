// Pricing, budget rules and the usage ledger on an in-memory database.
import { describe, expect, it } from '@jest/globals';
import { createTestServices } from '@restflow/testkit';
import { costOf, defaultPrices, priceOf } from '../src/index.ts';
import { breachOf, describeBreach, utcDayStart, validateBudgets } from '../src/usage/budgets.ts';

describe('pricing', () => {
  it('prices every catalogue model, shares a price between aliases and qualified ids, and knows no local model', () => {
    const defaults = defaultPrices();
    expect(Object.keys(defaults)).toEqual(expect.arrayContaining(['gpt-5.4', 'claude-sonnet-5-5', 'deepseek-chat']));
    // Claude Code's short names are priced as the model they call.
    expect(defaults['claude-code-sonnet']).toEqual(defaults['claude-sonnet-5-5']);
    expect(priceOf('sonnet', {})).toEqual(defaults['claude-sonnet-5-5']);
    expect(priceOf('anthropic:claude-sonnet-5-5', {})).toEqual(defaults['claude-sonnet-5-5']);
    expect(priceOf('openai-compatible:llama3.1:8b', {})).toBeUndefined();
    const configured = { 'claude-sonnet-5-5': { input: 1, cached_input: 0.1, output: 2 } };
    expect(priceOf('sonnet', configured)).toEqual(configured['claude-sonnet-5-5']);
  });

  it('charges cached input at the cached rate and never more cached tokens than input', () => {
    const price = { input: 3, cached_input: 0.3, output: 15 };
    expect(costOf({ input_tokens: 1_000_000, output_tokens: 0, cached_tokens: 0 }, price)).toBe(3);
    expect(costOf({ input_tokens: 1000, output_tokens: 100, cached_tokens: 400 }, price)).toBeCloseTo(
      (600 * 3 + 400 * 0.3 + 100 * 15) / 1e6,
      12,
    );
    expect(costOf({ input_tokens: 10, output_tokens: 0, cached_tokens: 50 }, price)).toBeCloseTo((10 * 0.3) / 1e6, 12);
  });
});

describe('budget rules', () => {
  it('validates limits by name and drops empty entries', () => {
    expect(validateBudgets({ agents: { a: {}, b: { tokens_per_day: 10 } }, tasks: {} })).toEqual({
      global: {},
      agents: { b: { tokens_per_day: 10 } },
      tasks: {},
    });
    expect(() => validateBudgets({ global: { tokens_per_run: 5 } as never })).toThrow(
      'global.tokens_per_run: unknown limit (known: tokens_per_day, cost_per_day_usd)',
    );
    expect(() => validateBudgets({ tasks: { t: { tokens_per_run: 1.5 } } })).toThrow(
      'tasks.t.tokens_per_run: must be a whole number of tokens',
    );
    expect(() => validateBudgets({ agents: { a: { cost_per_day_usd: 0 } } })).toThrow('must be above 0');
  });

  it('finds the first limit reached, tokens before cost, and says which', () => {
    expect(breachOf('agent', 'a1', 'day', { tokens: 100, cost: 1 }, { tokens: 99, cost_usd: 0.5 })).toBeUndefined();
    const cost = breachOf('agent', 'a1', 'day', { tokens: 100, cost: 1 }, { tokens: 10, cost_usd: 1.25 });
    expect(cost).toEqual({ scope: 'agent', id: 'a1', period: 'day', metric: 'cost', limit: 1, used: 1.25 });
    expect(describeBreach(cost!, 'writer')).toBe(
      'budget exceeded: the daily cost budget of agent writer ($1.00) is spent: $1.25 used today (UTC)',
    );
    const global = breachOf('global', undefined, 'day', { tokens: 5 }, { tokens: 7, cost_usd: 0 });
    expect(describeBreach(global!)).toBe(
      'budget exceeded: the global daily tokens budget (5 tokens) is spent: 7 tokens used today (UTC)',
    );
    expect(utcDayStart(Date.UTC(2026, 4, 3, 23, 59))).toBe(Date.UTC(2026, 4, 3));
  });
});

describe('the usage ledger', () => {
  it('records unpriced models at no cost and reports by task with names, calls without a task apart', () => {
    const services = createTestServices();
    const agent = services.agents.create('Ledger', { model: 'sonnet' });
    const task = services.tasks.create({ name: 'Nightly', agent_id: agent.id });
    const local = services.usage.record(
      {
        runId: 'r1',
        agentId: agent.id,
        taskId: task.id,
        model: 'openai-compatible:llama3',
        provider: 'openai_compatible',
      },
      { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 },
      5,
    );
    expect(local).toMatchObject({ cost_usd: 0, priced: false, cached_tokens: 0, reasoning_tokens: 0 });
    services.usage.record(
      { runId: 'r2', agentId: agent.id, model: 'claude-sonnet-5-5', provider: 'anthropic' },
      { prompt_tokens: 1_000_000, completion_tokens: 0, total_tokens: 1_000_000 },
      5,
    );
    const byTask = services.usage.report({ by: 'task' });
    expect(byTask.rows.map((r) => [r.key, r.label, r.total_tokens, r.cost_usd])).toEqual([
      [null, null, 1_000_000, 3],
      [task.id, 'Nightly', 110, 0],
    ]);
    expect(services.usage.ofRun('r1')).toMatchObject({ calls: 1, total_tokens: 110 });
    expect(services.usage.ofRun('nothing')).toMatchObject({ calls: 0, total_tokens: 0, cost_usd: 0 });
    expect(services.usage.spentSince(0, { taskId: task.id })).toEqual({ tokens: 110, cost_usd: 0 });
  });
});
