// The agent engine end to end: a real daemon talking to the fake provider over HTTP (Anthropic SSE), driven by
// the real `restflow` CLI and by a typed SDK script.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRestflowClient, type RestflowClient } from '@restflow/api/client';
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
let sdk: RestflowClient;
const dataDir = tempDataDir();
const opts = { dataDir };

interface StreamEvent {
  run_id: string;
  seq: number;
  session_id: string | null;
  message_id: string | null;
  kind: { type: string; [field: string]: unknown };
}

beforeAll(async () => {
  fake = await startFakeProvider();
  daemon = await startTestDaemon(dataDir, {
    ...fake.env(),
    ANTHROPIC_API_KEY: 'sk-ant-e2e',
    OPENAI_API_KEY: '',
    // The fake provider and our test servers live on loopback.
    RESTFLOW_TOOL_ALLOW_PRIVATE_NETWORK: '1',
  });
  sdk = createRestflowClient({ dataDir });
});

afterAll(async () => {
  sdk?.close();
  await daemon?.stop();
  await fake?.close();
  removeDataDir(dataDir);
});

/** All events of a run via the typed SDK subscription, until it completes. */
function follow(runId: string, lastEventId?: string, stopAfter?: number): Promise<{ id: string; data: StreamEvent }[]> {
  return new Promise((resolve, reject) => {
    const seen: { id: string; data: StreamEvent }[] = [];
    const sub = sdk.runs.onEvents.subscribe(
      { run_id: runId, ...(lastEventId ? { lastEventId } : {}) },
      {
        onData: (e) => {
          seen.push(e as { id: string; data: StreamEvent });
          if (stopAfter !== undefined && seen.length >= stopAfter) {
            sub.unsubscribe();
            resolve(seen);
          }
        },
        onError: reject,
        onComplete: () => resolve(seen),
      },
    );
  });
}

async function createAgent(name: string, extra: string[] = []): Promise<string> {
  const agent = await runCliJson<{ id: string }>(['agent', 'create', '-n', name, '-m', 'sonnet', ...extra], opts);
  return agent.id;
}

describe('agent runs through the CLI', () => {
  it('makes a tool call, feeds the result back and streams the final answer; history shows both messages and the steps', async () => {
    const agentId = await createAgent('filer', ['--tools', 'file']);
    fake.script(
      {
        text: 'Saving it.',
        toolCalls: [{ name: 'file', arguments: { action: 'write', path: 'notes.txt', content: 'buy milk' } }],
      },
      { text: 'The note is saved in notes.txt.', tokenDelayMs: 5 },
    );
    const run = await runCli(['run', agentId.slice(0, 8), '-i', 'remember: buy milk', '--save'], opts);
    expect(run.stderr).toMatch(/⚙ file \{"action":"write","path":"notes.txt","content":"buy milk"\}/);
    expect(run.stderr).toMatch(/✓ file: \{/);
    expect(run.stdout).toBe('Saving it.\n\nThe note is saved in notes.txt.\n');
    expect(run.code).toBe(0);

    const second = fake.requests[1]?.body as { messages: { role: string; content: unknown }[] };
    expect(JSON.stringify(second.messages)).toMatch(/tool_result/);
    expect(JSON.stringify(second.messages)).toMatch(/notes\.txt/);

    fake.script({ text: 'Done again.' });
    const json = await runCliJson<{
      run_id: string;
      session_id: string;
      status: string;
      content: string;
      total_tokens: number;
    }>(['run', agentId, '-i', 'again', '--save'], opts);
    expect(json).toMatchObject({ status: 'completed', content: 'Done again.' });
    const session = await runCliJson<{
      messages: { role: string; content: string; execution?: { status: string; steps: unknown[] } }[];
    }>(['session', 'show', json.session_id], opts);
    expect(session.messages.map((m) => [m.role, m.content])).toEqual([
      ['user', 'again'],
      ['assistant', 'Done again.'],
    ]);
    expect(session.messages[1]?.execution?.status).toBe('completed');

    const sessions = await runCliJson<{ id: string; message_count: number }[]>(['session', 'list'], opts);
    const first = sessions.find((s) => s.id !== json.session_id && s.message_count === 2);
    const firstSession = await runCliJson<{ messages: { role: string; execution?: { steps: unknown[] } }[] }>(
      ['session', 'show', first?.id ?? 'missing'],
      opts,
    );
    expect(firstSession.messages[1]?.execution?.steps).toEqual([
      expect.objectContaining({ step_type: 'tool_call', name: 'file', status: 'completed' }),
    ]);
  });

  it('chat keeps one session across turns; run --background returns the run id and watch follows it', async () => {
    const agentId = await createAgent('talker');
    fake.reset();
    fake.script({ text: 'Hi, Ada.' }, { text: 'You are Ada.' });
    const chat = await runCli(['chat', agentId, '--format', 'json'], {
      ...opts,
      input: 'I am Ada\nwho am I?\n/exit\n',
    });
    expect(chat.code).toBe(0);
    const transcript = JSON.parse(chat.stdout) as { session_id: string; turns: { status: string; content: string }[] };
    expect(transcript.turns.map((t) => [t.status, t.content])).toEqual([
      ['completed', 'Hi, Ada.'],
      ['completed', 'You are Ada.'],
    ]);
    // The second turn was sent with the first as history.
    expect(JSON.stringify(fake.requests[1]?.body)).toMatch(/I am Ada.*Hi, Ada\..*who am I\?/);
    const session = await sdk.sessions.get.query({ id: transcript.session_id });
    expect(session.messages).toHaveLength(4);

    fake.script({ text: 'In the background.', tokenDelayMs: 20 });
    const started = await runCliJson<{ run_id: string; session_id: string }>(
      ['run', agentId, '-i', 'work quietly', '--background'],
      opts,
    );
    const watched = await runCli(['watch', started.run_id.slice(0, 8)], opts);
    expect(watched).toMatchObject({ code: 0, stdout: 'In the background.\n' });
    const missing = await runCli(['watch', 'nope'], opts);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('Error: Run nope not found\n');
  });

  it('agent exec prints the answer; a 401 is an immediate clear error; 429 and 5xx are retried; a missing key is named', async () => {
    const agentId = await createAgent('plain', ['--tools', 'file']);
    fake.script(
      { toolCalls: [{ name: 'file', arguments: { action: 'exists', path: 'x.txt' } }] },
      { text: 'Forty-two.' },
    );
    const exec = await runCli(['agent', 'exec', agentId, '-i', 'answer?'], opts);
    expect(exec).toMatchObject({ code: 0, stdout: 'Forty-two.\n' });
    // The run streamed: the tool call was shown as it happened.
    expect(exec.stderr).toMatch(/⚙ file \{"action":"exists","path":"x.txt"\}\n✓ file: /);
    expect(exec.stderr).toMatch(/Duration: \d+ ms/);

    fake.script({ text: 'From stdin.' });
    const piped = await runCli(['agent', 'exec', agentId, '--format', 'json'], { ...opts, input: 'piped question\n' });
    expect(JSON.parse(piped.stdout)).toMatchObject({
      response: 'From stdin.',
      execution_details: { status: 'completed' },
    });
    expect(JSON.stringify(fake.requests.at(-1)?.body)).toMatch(/piped question/);

    fake.reset();
    fake.script({ error: 401, message: 'invalid x-api-key' });
    const unauthorized = await runCli(['agent', 'exec', agentId, '-i', 'x'], opts);
    expect(unauthorized.code).toBe(1);
    expect(unauthorized.stderr).toMatch(/^Error: .*(401|API key)/);
    expect(fake.requests).toHaveLength(1);

    fake.reset();
    fake.script({ error: 429, retryAfter: 0 }, { error: 503, retryAfter: 0 }, { text: 'Third time lucky.' });
    const retried = await runCli(['run', agentId, '-i', 'x'], opts);
    expect(retried).toMatchObject({ code: 0, stdout: 'Third time lucky.\n' });
    expect(fake.requests).toHaveLength(3);

    const gpt = await runCliJson<{ id: string }>(['agent', 'create', '-n', 'gpt', '-m', 'gpt-5'], opts);
    const noKey = await runCli(['run', gpt.id, '-i', 'x'], opts);
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toMatch(/Error: No API key for openai: set the secret OPENAI_API_KEY/);
    expect(noKey.stderr).toContain('restflow secret set OPENAI_API_KEY');
  });

  it.each([
    ['run', (agentId: string) => ['run', agentId, '-i', 'tell me a story']],
    ['agent exec', (agentId: string) => ['agent', 'exec', agentId, '-i', 'tell me a story']],
  ])(
    '%s: Ctrl-C cancels the run (not the daemon) within 500 ms and records cancelled with the partial answer',
    async (command, argv) => {
      const agentId = await createAgent(`storyteller-${command.replace(' ', '-')}`);
      fake.reset();
      fake.script({ text: 'Once upon a time there was a very long story that never ends', tokenDelayMs: 150 });
      // stdout and stderr into one file, in the order they were written: nothing may follow "Cancelling…" but
      // the cancellation notice (tokens still in flight are recorded, not printed).
      const transcript = path.join(dataDir, `transcript-${command.replace(' ', '-')}.txt`);
      const fd = fs.openSync(transcript, 'w');
      const child = spawn(process.execPath, [cliBin, ...argv(agentId)], {
        env: { ...process.env, NODE_OPTIONS: '', RESTFLOW_DIR: dataDir },
        stdio: ['ignore', fd, fd],
      });
      fs.closeSync(fd);
      const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      await waitUntil(() => /Once/.test(fs.readFileSync(transcript, 'utf8')), 30_000, 'the first token');
      const interruptedAt = performance.now();
      child.kill('SIGINT');
      const code = await exited;
      expect(performance.now() - interruptedAt).toBeLessThan(1500);
      expect(code).toBe(130);
      const output = fs.readFileSync(transcript, 'utf8');
      const [answer = '', afterCancelling] = output.split('Cancelling… (Ctrl-C again to quit)\n');
      expect(afterCancelling).toMatch(/^\(cancelled\)\n(Duration: \d+ ms\n)?$/);
      const stdout = answer.replace(/^Starting the RestFlow daemon…\n/, '');
      const runs = await sdk.runs.list.query({ limit: 1 });
      const run = runs[0]!;
      expect(run.status).toBe('cancelled');
      expect(run.finished_at! - run.started_at).toBeGreaterThan(0);
      const events = await follow(run.id);
      const last = events.at(-1)!.data.kind;
      expect(last.type).toBe('cancelled');
      expect(String(last.partial_content)).toMatch(/^Once/);
      // What was shown is the start of what was recorded.
      expect(String(last.partial_content).startsWith(stdout.trim())).toBe(true);
      expect(stdout.trim()).toMatch(/^Once/);
      expect((await fake.ended(fake.requests.length - 1)).aborted).toBe(true);
      // The daemon is still there.
      expect(await sdk.system.ping.query()).toBe('pong');
    },
  );
});

describe('agent runs through a typed SDK script', () => {
  it('streams tool calls and the answer token by token, and the session history shows the turn', async () => {
    const { id: agentId } = await sdk.agents.create.mutate({
      name: 'sdk-agent',
      agent: { model: 'sonnet', tools: ['http'] },
    });
    const echo = `${fake.url}/not-a-provider-route`;
    fake.reset();
    fake.script(
      { toolCalls: [{ name: 'http_request', arguments: { method: 'GET', url: echo } }] },
      { text: 'The server said no route.', tokens: ['The', ' server', ' said', ' no', ' route.'], tokenDelayMs: 60 },
    );
    const sent = await sdk.chat.send.mutate({ agent_id: agentId, content: 'probe the server' });
    const events = await follow(sent.run_id);
    const types = events.map((e) => e.data.kind.type);
    expect(types[0]).toBe('started');
    expect(types.at(-1)).toBe('completed');
    expect(events.map((e) => e.data.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.map((e) => e.id)).toEqual(events.map((e) => String(e.data.seq)));
    const start = events.find((e) => e.data.kind.type === 'tool_call_start')!.data.kind;
    expect(start).toMatchObject({ tool_name: 'http_request' });
    const end = events.find((e) => e.data.kind.type === 'tool_call_end')!.data.kind;
    expect(end).toMatchObject({ success: false });
    expect(String(end.result)).toMatch(/"status": 404/);
    const tokens = events.filter((e) => e.data.kind.type === 'token').map((e) => String(e.data.kind.text));
    // Deltas 60 ms apart outlast the 30 ms batching window: each arrives as its own event.
    expect(tokens.length).toBeGreaterThanOrEqual(4);
    expect(tokens.join('')).toBe('The server said no route.');
    expect(events.at(-1)!.data.kind).toMatchObject({ type: 'completed', full_content: 'The server said no route.' });

    const session = await sdk.sessions.get.query({ id: sent.session_id });
    expect(session.messages.map((m) => [m.role, m.content])).toEqual([
      ['user', 'probe the server'],
      ['assistant', 'The server said no route.'],
    ]);
    expect(session.messages[1]?.execution).toMatchObject({
      status: 'completed',
      steps: [{ step_type: 'tool_call', name: 'http_request', status: 'failed' }],
    });
  });

  it('a subscriber that disconnects mid-run and resumes from its last event id gets every remaining event exactly once', async () => {
    const { id: agentId } = await sdk.agents.create.mutate({ name: 'resumer', agent: { model: 'sonnet' } });
    fake.reset();
    const words = Array.from({ length: 12 }, (_, i) => `w${i} `);
    fake.script({ text: words.join(''), tokens: words, tokenDelayMs: 60 });
    const sent = await sdk.chat.send.mutate({ agent_id: agentId, content: 'count' });
    const before = await follow(sent.run_id, undefined, 4);
    const lastId = before.at(-1)!.id;
    // Away for a while: events keep being produced and stored meanwhile.
    const storedSince = async () => (await sdk.runs.get.query({ id: sent.run_id })).last_seq - Number(lastId);
    await waitUntil(async () => (await storedSince()) >= 3, 10_000, 'three events stored while disconnected');
    const after = await follow(sent.run_id, lastId);
    const all = [...before, ...after].map((e) => e.data.seq);
    const full = (await follow(sent.run_id)).map((e) => e.data.seq);
    expect(all).toEqual(full);
    expect(new Set(all).size).toBe(all.length);
    expect(after[0]!.data.seq).toBe(Number(lastId) + 1);
    expect(after.at(-1)!.data.kind).toMatchObject({ type: 'completed', full_content: words.join('') });
  });

  it('cancel via the SDK stops a streaming run within 500 ms', async () => {
    const { id: agentId } = await sdk.agents.create.mutate({ name: 'cancel-me', agent: { model: 'sonnet' } });
    fake.reset();
    fake.script({ text: 'a b c d e f g h i j k l m n o p', tokenDelayMs: 100 });
    const sent = await sdk.chat.send.mutate({ agent_id: agentId, content: 'go' });
    const watching = follow(sent.run_id);
    await waitUntil(() => fake.requests.length === 1, 5000, 'request received');
    // `started`, then "a " and "b " (one token event each at this pace): a partial answer exists.
    const streamed = async () => (await sdk.runs.get.query({ id: sent.run_id })).last_seq >= 3;
    await waitUntil(streamed, 10_000, 'two streamed tokens');
    const started = performance.now();
    const info = await sdk.runs.cancel.mutate({ id: sent.run_id });
    expect(performance.now() - started).toBeLessThan(500);
    expect(info.status).toBe('cancelled');
    const events = await watching;
    const last = events.at(-1)!.data.kind;
    expect(last.type).toBe('cancelled');
    expect(String(last.partial_content)).toMatch(/^a b/);
    const message = (await sdk.sessions.get.query({ id: sent.session_id })).messages[1];
    expect(message).toMatchObject({ content: last.partial_content, execution: { status: 'cancelled' } });
  });
});
