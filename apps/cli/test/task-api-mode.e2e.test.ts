// API-mode tasks end to end: the daemon's scheduler runs the agent through the engine against the fake provider;
// the answer streams live into `task watch` and `task run`, and lands in `task history`.

import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type FakeProvider, startFakeProvider } from '@restflow/fake-provider';
import {
  cliBin,
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
const dataDir = tempDataDir('rfta');
const opts = { dataDir };

beforeAll(async () => {
  fake = await startFakeProvider();
  daemon = await startTestDaemon(dataDir, { ...fake.env(), ANTHROPIC_API_KEY: 'sk-ant-e2e', OPENAI_API_KEY: '' });
});

afterAll(async () => {
  await daemon?.stop();
  await fake?.close();
  removeDataDir(dataDir);
});

describe('API-mode tasks against the fake provider', () => {
  it('an interval task of 2 s runs at least twice, each answer streamed live into task watch', async () => {
    fake.script({ text: 'First report is ready' }, { text: 'Second report is ready' }, { text: 'Third report' });
    const agent = await runCliJson<{ id: string }>(['agent', 'create', '-n', 'reporter', '-m', 'sonnet'], opts);
    const watch = spawn(process.execPath, [cliBin, 'task', 'watch'], {
      env: { ...process.env, NODE_OPTIONS: '', RESTFLOW_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let watched = '';
    watch.stdout.on('data', (d) => {
      watched += d;
    });
    watch.stderr.on('data', (d) => {
      watched += d;
    });
    const exited = new Promise<number | null>((resolve) => watch.once('exit', resolve));
    await waitUntil(() => watched.includes('Watching all tasks'), 20_000, 'task watch to start');

    const task = await runCliJson<{ id: string }>(
      ['task', 'create', '-a', agent.id, '-n', 'Reporter', '--every', '2s', '-i', 'write the report'],
      opts,
    );
    await waitUntil(() => (watched.match(/Reporter ✓ completed/g) ?? []).length >= 2, 30_000, 'two runs');
    await runCli(['task', 'pause', task.id], opts);
    watch.kill('SIGINT');
    expect(await exited).toBe(0);

    expect(watched).toMatch(/Reporter ▶ started \(api, schedule\)/);
    expect(watched).toContain('Reporter │ First report is ready');
    expect(watched).toContain('Reporter │ Second report is ready');
    const first = fake.requests[0];
    expect(first?.api).toBe('anthropic');
    expect(JSON.stringify(first?.body.messages)).toContain('write the report');

    const history = await runCliJson<{ event_type: string; output?: string }[]>(['task', 'history', task.id], opts);
    const outputs = history.filter((e) => e.event_type === 'completed').map((e) => e.output);
    expect(outputs).toEqual(expect.arrayContaining(['First report is ready', 'Second report is ready']));
  });

  it('task run prints the answer as it streams; a provider auth error fails the run without retries', async () => {
    fake.reset();
    fake.script({ text: 'Answer streamed live', tokens: 3 }, { error: 401, message: 'invalid x-api-key' });
    const agent = await runCliJson<{ id: string }>(['agent', 'create', '-n', 'oneshot', '-m', 'sonnet'], opts);
    const task = await runCliJson<{ id: string }>(['task', 'create', '-a', agent.id, '-n', 'Oneshot'], opts);
    const ok = await runCli(['task', 'run', task.id], opts);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe('Answer streamed live\n');

    const failed = await runCli(['task', 'run', task.id, '--format', 'json'], { ...opts, env: {} });
    expect(failed.code).toBe(1);
    const final = JSON.parse(failed.stdout) as { kind: { type: string; recoverable: boolean; error: string } };
    expect(final.kind).toMatchObject({ type: 'failed', recoverable: false });
    // Auth errors are not retried; with no fallback model configured for OpenAI/DeepSeek keys, failover ends fast.
    expect(fake.requests.filter((r) => r.reply && 'error' in r.reply)).toHaveLength(1);
  });
});
