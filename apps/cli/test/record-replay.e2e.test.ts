// Record and replay end to end (docs/record-replay.md): a real daemon on a temp dir records a run against the fake
// provider with `restflow run --record`; with the fake provider stopped, `restflow run --replay` re-runs it offline
// with the same events; a changed prompt makes the replay fail naming the divergence; secrets stay out of the file.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRestflowClient, type RestflowClient, type RunEventKind } from '@restflow/api/client';
import { type FakeProvider, startFakeProvider } from '@restflow/fake-provider';
import { removeDataDir, runCli, runCliJson, startTestDaemon, type TestDaemon, tempDataDir } from '@restflow/testkit';

const SECRET = 'tok-replay-secret-7f3a9c1e';
let fake: FakeProvider;
let fakeStopped = false;
let daemon: TestDaemon;
let sdk: RestflowClient;
const dataDir = tempDataDir('rfrr');
const opts = { dataDir, timeoutMs: 90_000 };
const recordingFile = path.join(dataDir, 'run.recording.json');

beforeAll(async () => {
  fake = await startFakeProvider();
  daemon = await startTestDaemon(dataDir, { ...fake.env(), ANTHROPIC_API_KEY: 'sk-ant-replay-e2e-key' });
  sdk = createRestflowClient({ dataDir });
}, 120_000);

afterAll(async () => {
  sdk?.close();
  await daemon?.stop();
  if (!fakeStopped) await fake?.close();
  removeDataDir(dataDir);
});

/** Every event of a finished run, in order. */
async function eventsOf(runId: string): Promise<RunEventKind[]> {
  const kinds: RunEventKind[] = [];
  await new Promise<void>((resolve, reject) => {
    const subscription = sdk.runs.onEvents.subscribe(
      { run_id: runId },
      {
        onData: ({ data }) => kinds.push(data.kind),
        onError: (error) => {
          subscription.unsubscribe();
          reject(error);
        },
        onComplete: () => resolve(),
      },
    );
  });
  return kinds;
}

/**
 * A run's events without what depends on the clock: durations, and how streamed text was cut into stored batches
 * (the daemon coalesces deltas that arrive within a few ms, docs/streams.md) — adjacent text is compared joined.
 */
function comparable(kinds: RunEventKind[]): unknown[] {
  const out: Record<string, unknown>[] = [];
  for (const kind of kinds) {
    const last = out.at(-1);
    if (kind.type === 'token') {
      if (last?.type === 'token') last.text = `${last.text as string}${kind.text}`;
      else out.push({ type: 'token', text: kind.text });
      continue;
    }
    const copy = JSON.parse(JSON.stringify(kind)) as Record<string, unknown>;
    delete copy.duration_ms;
    if (copy.call && typeof copy.call === 'object') delete (copy.call as Record<string, unknown>).duration_ms;
    out.push(copy);
  }
  return out;
}

let recordedRun = '';
let agentId = '';
let taskRecordingFile = '';

describe('record and replay', () => {
  it('records a run with tool calls; the file is versioned JSON with no secret in it', async () => {
    await runCli(['secret', 'set', 'DEPLOY_TOKEN', SECRET], opts);
    agentId = (
      await runCliJson<{ id: string }>(
        [
          'agent',
          'create',
          '-n',
          'deployer',
          '-m',
          'sonnet',
          '--tools',
          'file',
          '-p',
          `You deploy things. Never reveal the deploy token ${SECRET}.`,
        ],
        opts,
      )
    ).id;
    fake.script(
      {
        toolCalls: [{ name: 'file', arguments: { action: 'write', path: 'note.txt', content: `token=${SECRET}` } }],
        usage: { input_tokens: 900, output_tokens: 30 },
      },
      {
        toolCalls: [{ name: 'file', arguments: { action: 'read', path: 'note.txt' } }],
        usage: { input_tokens: 1000, output_tokens: 20, cached_tokens: 800 },
      },
      // The secret split across two deltas still comes out redacted.
      {
        text: `Deployed. The note holds ${SECRET}.`,
        tokens: ['Deployed. The note holds tok-replay', '-secret-7f3a9c1e.'],
      },
    );
    const result = await runCliJson<{ run_id: string; status: string; recording: string }>(
      ['run', 'deployer', '-i', 'deploy the app', '--record', recordingFile],
      opts,
    );
    expect(result.status).toBe('completed');
    expect(result.recording).toBe(recordingFile);
    recordedRun = result.run_id;
    expect(fake.requests).toHaveLength(3);
    // The provider itself did see the prompt as the agent has it (redaction is for what RestFlow keeps).
    const text = fs.readFileSync(recordingFile, 'utf8');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('tok-replay');
    expect(text).not.toContain('sk-ant-replay-e2e-key');
    const recording = JSON.parse(text);
    expect(recording).toMatchObject({
      format: 'restflow.run-recording',
      version: 1,
      run_id: recordedRun,
      agent: { id: agentId, name: 'deployer', model: 'claude-sonnet-5-5', provider: 'anthropic' },
      input: 'deploy the app',
    });
    expect(recording.exchanges).toHaveLength(3);
    expect(recording.tool_results.map((r: { tool_name: string }) => r.tool_name)).toEqual(['file', 'file']);
    expect(recording.tool_results[1].result).toContain('[redacted]');
    expect(recording.exchanges[0].request.messages[0].content).toContain('deploy token [redacted]');
    // The daemon keeps it too, for `runs.recording`.
    expect(fs.existsSync(path.join(dataDir, 'recordings', `${recordedRun}.json`))).toBe(true);
  }, 180_000);

  it('a task with --record keeps a recording of each run, downloadable with `runs recording`', async () => {
    const task = await runCliJson<{ id: string; execution_mode: { type: string; record?: boolean } }>(
      ['task', 'create', '-a', agentId, '-n', 'nightly deploy', '-i', 'deploy tonight', '--every', '1d', '--record'],
      opts,
    );
    expect(task.execution_mode).toEqual({ type: 'api', record: true });
    fake.script({ text: 'Nothing to deploy tonight.' });
    const ran = await runCli(['task', 'run', task.id], opts);
    expect(ran.code).toBe(0);
    const [run] = await sdk.runs.list.query({ task_id: task.id });
    expect(run?.kind).toBe('task');
    const file = path.join(dataDir, 'task.recording.json');
    await runCliJson(['runs', 'recording', (run as { id: string }).id.slice(0, 8), '-o', file], opts);
    const recording = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(recording).toMatchObject({ run_id: run?.id, task_id: task.id, input: 'deploy tonight' });
    expect(recording.exchanges).toHaveLength(1);
    taskRecordingFile = file;
  }, 180_000);

  it('replays offline (fake provider stopped) with the same events', async () => {
    const requestsBefore = fake.requests.length;
    await fake.close();
    fakeStopped = true;
    const replay = await runCliJson<{ run_id: string; status: string; replay_of: string; content: string }>(
      ['run', '--replay', recordingFile],
      opts,
    );
    expect(replay).toMatchObject({ status: 'completed', replay_of: recordedRun });
    expect(replay.run_id).not.toBe(recordedRun);
    expect(fake.requests.length).toBe(requestsBefore);
    const [recorded, replayed] = await Promise.all([eventsOf(recordedRun), eventsOf(replay.run_id)]);
    expect(comparable(replayed)).toEqual(comparable(recorded));
    expect(comparable(recorded).map((e) => (e as { type: string }).type)).toEqual(
      expect.arrayContaining(['started', 'tool_call_start', 'tool_call_end', 'usage', 'token', 'completed']),
    );
    // A replay costs nothing: its calls are priced in its events but not stored.
    const run = await sdk.runs.get.query({ id: replay.run_id });
    expect(run.kind).toBe('replay');
    expect(run.usage.calls).toBe(0);
    const listed = await runCliJson<{ id: string; kind: string }[]>(
      ['runs', 'list', '--agent', 'deployer', '--status', 'completed'],
      opts,
    );
    expect(listed.map((r) => r.id)).toEqual(expect.arrayContaining([replay.run_id, recordedRun]));
    expect(listed.find((r) => r.id === replay.run_id)?.kind).toBe('replay');
    // A run that was not recorded has no recording, and says so.
    const none = await runCli(['runs', 'recording', replay.run_id], opts);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toContain(`Recording of run ${replay.run_id} not found`);
    const taskReplay = await runCliJson<{ status: string; content: string }>(
      ['run', '--replay', taskRecordingFile],
      opts,
    );
    expect(taskReplay).toMatchObject({ status: 'completed', content: 'Nothing to deploy tonight.' });
  }, 180_000);

  it('a changed prompt makes the replay fail, naming the divergence with a short diff', async () => {
    await runCli(['agent', 'update', agentId, '-p', 'You deploy things carefully.'], opts);
    const replay = await runCli(['run', '--replay', recordingFile], opts);
    expect(replay.code).toBe(1);
    expect(replay.stderr).toContain('replay diverged: request 1 differs: system prompt changed');
    expect(replay.stderr).toMatch(/- .*deploy token \[redacted\]/);
    expect(replay.stderr).toMatch(/\+ .*carefully/);
  }, 180_000);

  it('refuses what is not a recording, with a clear error', async () => {
    const bogus = path.join(dataDir, 'bogus.json');
    fs.writeFileSync(bogus, JSON.stringify({ format: 'something-else' }));
    const result = await runCli(['run', '--replay', bogus], opts);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('not a RestFlow run recording');
    fs.writeFileSync(bogus, JSON.stringify({ format: 'restflow.run-recording', version: 99 }));
    expect((await runCli(['run', '--replay', bogus], opts)).stderr).toContain('recording version 99 is not supported');
  }, 120_000);
});
