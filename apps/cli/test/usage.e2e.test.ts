// Usage, cost, budgets and the run inspector end to end: a real daemon on a temp dir runs agents against the fake
// provider (which reports usage in the OpenAI and Anthropic formats); the CLI reads it all back.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type FakeProvider, startFakeProvider } from '@restflow/fake-provider';
import {
  removeDataDir,
  runCli,
  runCliJson,
  startTestDaemon,
  type TestDaemon,
  tempDataDir,
  waitUntil,
} from '@restflow/testkit';

let fake: FakeProvider;
let daemon: TestDaemon;
const dataDir = tempDataDir('rfus');
const opts = { dataDir, timeoutMs: 60_000 };

beforeAll(async () => {
  fake = await startFakeProvider();
  daemon = await startTestDaemon(dataDir, {
    ...fake.env(),
    ANTHROPIC_API_KEY: 'sk-ant-usage-e2e',
    OPENAI_API_KEY: 'sk-openai-usage-e2e',
  });
}, 120_000);

afterAll(async () => {
  await daemon?.stop();
  await fake?.close();
  removeDataDir(dataDir);
});

interface Totals {
  input_tokens: number;
  output_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  total_tokens: number;
  cost_usd: number;
  calls: number;
}
interface RunShow {
  run: { id: string; status: string; agent_id: string; usage: Totals; error_code: string | null };
  timeline: { type: string; summary: string; detail?: Record<string, unknown> }[];
}
interface Report {
  rows: (Totals & { key: string; label: string; runs: number })[];
  total: Totals & { runs: number };
}

/** USD of one call at a price of $/million tokens. */
const cost = (
  input: number,
  cached: number,
  output: number,
  price: { input: number; cached: number; output: number },
) => ((input - cached) * price.input + cached * price.cached + output * price.output) / 1e6;

const sonnetPrice = { input: 2, cached: 0.5, output: 10 };
let researcherRun = '';
let researcherId = '';
let writerId = '';

describe('usage and cost against the fake provider', () => {
  it('records every provider call of a run: tokens and cost match what the provider reported', async () => {
    const priced = await runCliJson<{ model: string }>(
      ['usage', 'prices', 'sonnet', '--input', '2', '--cached-input', '0.5', '--output', '10'],
      opts,
    );
    expect(priced).toMatchObject({ model: 'claude-sonnet-5-5', input: 2, cached_input: 0.5, output: 10 });
    researcherId = (
      await runCliJson<{ id: string }>(
        ['agent', 'create', '-n', 'researcher', '-m', 'sonnet', '--tools', 'skill'],
        opts,
      )
    ).id;
    fake.script(
      {
        toolCalls: [{ name: 'skill', arguments: { action: 'list' } }],
        usage: { input_tokens: 1200, output_tokens: 40, cached_tokens: 1000 },
      },
      { text: 'Nothing installed yet.', usage: { input_tokens: 1500, output_tokens: 200, cached_tokens: 1100 } },
    );
    const result = await runCliJson<{ run_id: string; status: string }>(
      ['run', 'researcher', '-i', 'which skills are there?'],
      opts,
    );
    expect(result.status).toBe('completed');
    researcherRun = result.run_id;

    const shown = await runCliJson<RunShow>(['run', 'show', researcherRun.slice(0, 8)], opts);
    expect(shown.run.usage).toEqual({
      input_tokens: 2700,
      output_tokens: 240,
      cached_tokens: 2100,
      reasoning_tokens: 0,
      total_tokens: 2940,
      cost_usd: expect.closeTo(cost(1200, 1000, 40, sonnetPrice) + cost(1500, 1100, 200, sonnetPrice), 10),
      calls: 2,
    });
    const calls = shown.timeline.filter((e) => e.type === 'llm_call').map((e) => e.detail);
    expect(calls).toEqual([
      expect.objectContaining({
        model: 'claude-sonnet-5-5',
        input_tokens: 1200,
        cached_tokens: 1000,
        output_tokens: 40,
      }),
      expect.objectContaining({ input_tokens: 1500, cached_tokens: 1100, output_tokens: 200 }),
    ]);
  });

  it('OpenAI reasoning tokens are recorded too; `usage --by agent` sums each agent’s runs', async () => {
    writerId = (await runCliJson<{ id: string }>(['agent', 'create', '-n', 'writer', '-m', 'gpt-5-mini'], opts)).id;
    fake.script(
      { text: 'Draft one.', usage: { input_tokens: 300, output_tokens: 500, reasoning_tokens: 350 } },
      {
        text: 'Draft two.',
        usage: { input_tokens: 320, output_tokens: 100, cached_tokens: 256, reasoning_tokens: 20 },
      },
    );
    for (const input of ['first draft', 'second draft']) {
      expect((await runCliJson<{ status: string }>(['run', 'writer', '-i', input], opts)).status).toBe('completed');
    }
    expect(fake.requests.at(-1)?.body.stream_options).toEqual({ include_usage: true });
    const prices = await runCliJson<{ model: string; input: number; cached_input: number; output: number }[]>(
      ['usage', 'prices', 'gpt-5-mini'],
      opts,
    );
    const mini = { input: prices[0]!.input, cached: prices[0]!.cached_input, output: prices[0]!.output };

    const report = await runCliJson<Report>(['usage', '--by', 'agent', '--since', '1h'], opts);
    const writer = report.rows.find((r) => r.key === writerId);
    expect(writer).toMatchObject({
      label: 'writer',
      runs: 2,
      calls: 2,
      input_tokens: 620,
      output_tokens: 600,
      cached_tokens: 256,
      reasoning_tokens: 370,
      total_tokens: 1220,
    });
    expect(writer?.cost_usd).toBeCloseTo(cost(300, 0, 500, mini) + cost(320, 256, 100, mini), 10);
    const researcher = report.rows.find((r) => r.key === researcherId);
    expect(researcher).toMatchObject({ label: 'researcher', runs: 1, calls: 2, total_tokens: 2940 });
    expect(report.total.total_tokens).toBe(2940 + 1220);
    expect(report.total.cost_usd).toBeCloseTo((writer?.cost_usd ?? 0) + (researcher?.cost_usd ?? 0), 8);

    const text = await runCli(['usage', '--by', 'model'], opts);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/claude-sonnet-5-5.*2940/);
    expect(text.stdout).toMatch(/gpt-5-mini.*1220/);
    expect(text.stdout).toMatch(/Total.*4160/);
    const future = await runCliJson<Report>(['usage', '--since', '2999-01-01'], opts);
    expect(future.total.calls).toBe(0);
    const bad = await runCli(['usage', '--since', 'yesterdayish'], opts);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--since: "yesterdayish" is not a duration');
  });

  it('run show prints the timeline of a finished run: input, calls, tool call with arguments and result, cost', async () => {
    const shown = await runCli(['run', 'show', researcherRun], opts);
    expect(shown.code).toBe(0);
    const out = shown.stdout;
    expect(out).toContain(`Run ${researcherRun} · exec · completed`);
    expect(out).toMatch(
      /tokens: in 2700 \(cached 2100\) · out 240 \(reasoning 0\) · total 2940 · cost \$0\.\d{4} · 2 provider calls/,
    );
    expect(out).toMatch(/▶ started\s+model claude-sonnet-5-5 · input "which skills are there\?"/);
    expect(out).toMatch(/◆ llm_call\s+claude-sonnet-5-5 · in 1200 \(cached 1000\) · out 40/);
    expect(out).toMatch(/⚙ tool_call\s+skill \{"action":"list"\}/);
    expect(out).toMatch(/↳ tool_result\s+✓ skill → .+\(\d+\.\d\ds\)/);
    expect(out).toMatch(/… text\s+"Nothing installed yet\."/);
    expect(out).toMatch(/✓ completed/);
    const lines = out.split('\n');
    const order = ['▶ started', '⚙ tool_call', '↳ tool_result', '… text', '✓ completed'].map((mark) =>
      lines.findIndex((l) => l.includes(mark)),
    );
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('run diff names what differs between two runs of one agent', async () => {
    fake.script({ text: 'Draft three.', usage: { input_tokens: 300, output_tokens: 12 } });
    const third = await runCliJson<{ run_id: string }>(['run', 'writer', '-i', 'third draft'], opts);
    fake.script({ text: 'Draft three.', usage: { input_tokens: 300, output_tokens: 12 } });
    const fourth = await runCliJson<{ run_id: string }>(['run', 'writer', '-i', 'another draft'], opts);
    const diff = await runCliJson<{ differences: { field: string; a: unknown; b: unknown }[] }>(
      ['run', 'diff', third.run_id, fourth.run_id],
      opts,
    );
    expect(diff.differences).toEqual([{ field: 'input', a: 'third draft', b: 'another draft', same: false }]);
    const text = await runCli(['run', 'diff', third.run_id, researcherRun], opts);
    expect(text.stdout).toContain('~ model:');
    expect(text.stdout).toContain('    a: gpt-5-mini');
    expect(text.stdout).toContain('    b: claude-sonnet-5-5');
    expect(text.stderr).toContain('the runs are of different agents');
  });
});

describe('run show --follow', () => {
  it('prints a running run’s timeline live until it ends', async () => {
    fake.script({
      text: 'A slow and careful answer',
      tokens: 5,
      tokenDelayMs: 400,
      usage: { input_tokens: 50, output_tokens: 5 },
    });
    const started = await runCliJson<{ run_id: string }>(
      ['run', 'writer', '-i', 'take your time', '--background'],
      opts,
    );
    const followed = await runCli(['run', 'show', started.run_id, '--follow'], opts);
    expect(followed.code).toBe(0);
    expect(followed.stdout).toMatch(/▶ started\s+model gpt-5-mini · input "take your time"/);
    expect(followed.stdout).toMatch(/… text\s+"A slow and careful answer"/);
    expect(followed.stdout).toMatch(/◆ llm_call\s+gpt-5-mini · in 50 \(cached 0\) · out 5/);
    expect(followed.stdout).toMatch(/✓ completed/);
    expect(followed.stdout.trimEnd().split('\n').at(-1)).toMatch(
      /^tokens: in 50 \(cached 0\) · out 5 .* 1 provider call$/,
    );
  });
});

describe('budgets against the fake provider', () => {
  it('a per-run token budget stops the run before its next provider call, with the budget named', async () => {
    await runCliJson(['agent', 'create', '-n', 'frugal', '-m', 'sonnet', '--tools', 'skill'], opts);
    const set = await runCli(['usage', 'budget', '--agent', 'frugal', '--tokens-per-run', '100'], opts);
    expect(set.code).toBe(0);
    expect(set.stdout).toMatch(/agent \w{8}.*100/);
    fake.reset();
    fake.script(
      {
        toolCalls: [{ name: 'skill', arguments: { action: 'list' } }],
        usage: { input_tokens: 120, output_tokens: 30 },
      },
      { text: 'never asked for', usage: { input_tokens: 1, output_tokens: 1 } },
    );
    const run = await runCli(['run', 'frugal', '-i', 'spend it'], opts);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'Error: budget exceeded: the per-run tokens budget of agent frugal (100 tokens) is spent: 150 tokens used by this run',
    );
    expect(fake.requests).toHaveLength(1);
    expect(fake.pending()).toBe(1);
    fake.reset();
  });

  it('a task whose daily budget is spent is skipped (recorded, no provider call) until the next day', async () => {
    const agent = await runCliJson<{ id: string }>(['agent', 'create', '-n', 'digester', '-m', 'sonnet'], opts);
    const task = await runCliJson<{ id: string }>(
      ['task', 'create', '-a', agent.id, '-n', 'Digest', '--every', '1h', '-i', 'summarize'],
      opts,
    );
    await runCliJson(['usage', 'budget', '--task', task.id, '--tokens-per-day', '500'], opts);
    fake.script({ text: 'Digest done.', usage: { input_tokens: 450, output_tokens: 100 } });
    const manual = await runCli(['task', 'run', task.id], opts);
    expect(manual.code).toBe(0);
    expect(fake.requests).toHaveLength(1);

    // Due every 2 s from now on: the next scheduled slot finds the day's budget spent.
    await runCliJson(['task', 'update', task.id, '--every', '2s'], opts);
    let history: { event_type: string; message?: string }[] = [];
    await waitUntil(
      async () => {
        history = await runCliJson(['task', 'history', task.id], opts);
        return history.some((e) => e.event_type === 'skipped');
      },
      30_000,
      'the scheduled run to be skipped',
      500,
    );
    expect(history.find((e) => e.event_type === 'skipped')?.message).toBe(
      'budget exceeded: the daily tokens budget of task Digest (500 tokens) is spent: 550 tokens used today (UTC)',
    );
    // The task's engine run, found by `run list --task`, carries the tokens that spent the budget.
    const runs = await runCliJson<{ id: string; kind: string; usage: Totals }[]>(
      ['run', 'list', '--task', task.id.slice(0, 8)],
      opts,
    );
    expect(runs).toEqual([
      expect.objectContaining({ kind: 'task', usage: expect.objectContaining({ total_tokens: 550 }) }),
    ]);
    const listed = await runCli(['run', 'list', '--task', task.id], opts);
    expect(listed.stdout).toContain(runs[0]!.id.slice(0, 8));
    expect(listed.stdout).toMatch(/task\s*│\s*completed.*550/);
    const shown = await runCliJson<{ next_run_at: number }>(['task', 'show', task.id], opts);
    const tomorrow = Math.floor(Date.now() / 86_400_000 + 1) * 86_400_000;
    expect(shown.next_run_at).toBeGreaterThanOrEqual(tomorrow);
    expect(fake.requests).toHaveLength(1);
  });
});
