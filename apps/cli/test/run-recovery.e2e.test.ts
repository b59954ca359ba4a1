// A daemon killed mid-run (SIGKILL: no teardown) leaves a run marked running; the next daemon closes it as
// interrupted, keeps the partial answer in the session, and subscribers get a terminal event.
import { afterAll, describe, expect, it } from '@jest/globals';
import { createRestflowClient } from '@restflow/api/client';
import { type FakeProvider, startFakeProvider } from '@restflow/fake-provider';
import { removeDataDir, runCliJson, startTestDaemon, type TestDaemon, tempDataDir } from '@restflow/testkit';

const dataDir = tempDataDir();
let fake: FakeProvider | undefined;
let daemon: TestDaemon | undefined;

afterAll(async () => {
  await daemon?.stop();
  await fake?.close();
  removeDataDir(dataDir);
});

describe('daemon killed mid-run', () => {
  it('after a restart the history is readable and the run is marked interrupted', async () => {
    fake = await startFakeProvider();
    const env = { ...fake.env(), ANTHROPIC_API_KEY: 'sk-ant-e2e' };
    daemon = await startTestDaemon(dataDir, env);
    const agent = await runCliJson<{ id: string }>(['agent', 'create', '-n', 'slow', '-m', 'sonnet'], { dataDir });
    fake.script({ text: 'one two three four five six seven eight nine ten', tokenDelayMs: 200 });
    let sdk = createRestflowClient({ dataDir, reconnectTimeoutMs: 0 });
    const sent = await sdk.chat.send.mutate({ agent_id: agent.id, content: 'count slowly' });
    // Wait until part of the answer is stored.
    const deadline = Date.now() + 10_000;
    while ((await sdk.runs.get.query({ id: sent.run_id })).last_seq < 3) {
      if (Date.now() > deadline) throw new Error('no tokens were stored');
      await new Promise((r) => setTimeout(r, 50));
    }
    sdk.close();
    await daemon.kill();

    daemon = await startTestDaemon(dataDir, env);
    sdk = createRestflowClient({ dataDir });
    try {
      const run = await sdk.runs.get.query({ id: sent.run_id });
      expect(run).toMatchObject({ status: 'interrupted', error: 'interrupted: daemon stopped' });
      const events: { type: string; [k: string]: unknown }[] = [];
      await new Promise<void>((resolve, reject) => {
        sdk.runs.onEvents.subscribe(
          { run_id: sent.run_id },
          { onData: (e) => events.push(e.data.kind), onError: reject, onComplete: resolve },
        );
      });
      const last = events.at(-1)!;
      expect(last).toMatchObject({ type: 'failed', error: 'interrupted: daemon stopped' });
      const partial = String(last.partial_content);
      expect(partial).toMatch(/^one /);
      const session = await sdk.sessions.get.query({ id: sent.session_id });
      expect(session.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
      expect(session.messages[1]).toMatchObject({ content: partial, execution: { status: 'failed' } });
    } finally {
      sdk.close();
    }
  });
});
