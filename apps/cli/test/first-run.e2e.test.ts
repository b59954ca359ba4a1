// A new user's first minutes, end to end (real daemon, real CLI, the fake provider): the default assistant
// works as soon as a key exists, `restflow models` shows the provider's own list, errors say how to fix them.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { agents, closeDb, createDb, eq } from '@restflow/db';
import { type FakeProvider, startFakeProvider } from '@restflow/fake-provider';
import { resolvePaths } from '@restflow/paths';
import { dataDirPool, runCli, runCliJson, startTestDaemon, stopDaemonFor } from '@restflow/testkit';

let fake: FakeProvider;
const dirs = dataDirPool();
beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(async () => {
  await dirs.cleanup();
  await fake.close();
});

const newDataDir = () => dirs.create();

/** Only OpenAI pointed at the fake; no key anywhere unless a test adds one (the host's keys never leak in). */
const openaiOnly = () => ({
  OPENAI_BASE_URL: fake.openaiBaseUrl,
  OPENAI_API_KEY: '',
  ANTHROPIC_API_KEY: '',
  DEEPSEEK_API_KEY: '',
  OPENAI_COMPATIBLE_BASE_URL: '',
  HOME: newDataDir(), // no Claude Code / Codex credential files to discover
});

interface Agent {
  id: string;
  name: string;
  agent: { model?: string };
}

describe('first run', () => {
  it('with a key at start: the default assistant has a model, chats, and `restflow models` lists the fake’s models', async () => {
    const dataDir = newDataDir();
    const opts = { dataDir, env: { ...openaiOnly(), OPENAI_API_KEY: 'sk-first-run' } };
    const [assistant] = await runCliJson<Agent[]>(['agent', 'list'], opts);
    expect(assistant).toMatchObject({ name: 'Default Assistant', agent: { model: 'gpt-5.4' } });

    fake.script({ text: 'Hello from the fake.' });
    const run = await runCli(['run', 'Default Assistant', '-i', 'hi'], opts);
    expect(run).toMatchObject({ code: 0, stdout: 'Hello from the fake.\n' });

    const models = await runCli(['models', '--provider', 'openai'], opts);
    expect(models.code).toBe(0);
    for (const id of ['gpt-5.4', 'gpt-5-mini', 'openai:fake-local-llm']) expect(models.stdout).toContain(id);
    expect(models.stderr).toContain(`openai: key from`);
    expect(models.stderr).toContain(`live list from ${fake.openaiBaseUrl}`);
    const json = await runCliJson<{ provider: string; configured: boolean; models: { id: string }[] }[]>(
      ['models'],
      opts,
    );
    expect(json.map((l) => [l.provider, l.configured])).toEqual([
      ['openai', true],
      ['anthropic', false],
      ['deepseek', false],
      ['openai_compatible', false],
    ]);
    expect(json[0]?.models.map((m) => m.id)).toEqual(['gpt-5.4', 'gpt-5-mini', 'openai:fake-local-llm']);
    const all = await runCli(['models'], opts);
    expect(all.stderr).toContain('anthropic: not configured — restflow secret set ANTHROPIC_API_KEY');
  });

  it('without a key: the first chat says how to fix it, leaves no empty session, and a key set later gives the assistant a model', async () => {
    const dataDir = newDataDir();
    const opts = { dataDir, env: openaiOnly() };
    const failed = await runCli(['chat', 'Default Assistant'], { ...opts, input: 'hello\n' });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('Error: Agent Default Assistant (');
    expect(failed.stderr).toContain('has no model; choose one for it');
    expect(failed.stderr).toContain('restflow agent update "Default Assistant" -m <model>');
    expect(failed.stderr).toContain('restflow models');
    expect(await runCliJson(['session', 'list'], opts)).toEqual([]);

    const asJson = await runCli(['run', 'Default Assistant', '-i', 'hi', '--format', 'json'], opts);
    expect([asJson.code, asJson.stdout]).toEqual([1, '']);
    const error = JSON.parse(asJson.stderr) as { error: Record<string, unknown> };
    expect(error.error).toMatchObject({ code: 'PRECONDITION_FAILED', reason: 'NO_MODEL' });
    expect(error.error.hint).toContain('restflow agent update');

    // The key arrives through the CLI: the daemon picks it up at once and the assistant gets a model.
    await runCli(['secret', 'set', 'OPENAI_API_KEY', 'sk-later'], opts);
    let model: string | undefined;
    const deadline = Date.now() + 10_000;
    while (!model && Date.now() < deadline) {
      model = (await runCliJson<Agent>(['agent', 'show', 'Default Assistant'], opts)).agent.model;
    }
    expect(model).toBe('gpt-5.4');
    fake.script({ text: 'Now it works.' });
    const chat = await runCli(['chat', 'Default Assistant'], { ...opts, input: 'hello\n' });
    expect(chat).toMatchObject({ code: 0 });
    expect(chat.stdout).toContain('Now it works.');
  });

  it('a key exported after the daemon started: the hint says the daemon reads env at start, and what works now', async () => {
    const dataDir = newDataDir();
    const daemon = await startTestDaemon(dataDir, openaiOnly());
    try {
      await runCli(['agent', 'create', '-n', 'gpt', '-m', 'gpt'], { dataDir });
      const fresh = await runCli(['run', 'gpt', '-i', 'x'], { dataDir, env: { OPENAI_API_KEY: 'sk-in-shell' } });
      expect(fresh.code).toBe(1);
      expect(fresh.stderr).toContain('No API key for openai');
      expect(fresh.stderr).toContain(
        'OPENAI_API_KEY is set in this shell, but the daemon reads its environment only when it starts.',
      );
      expect(fresh.stderr).toContain('restflow secret set OPENAI_API_KEY');
      expect(fresh.stderr).toContain('restflow daemon restart');
      expect(fresh.stderr).not.toContain('sk-in-shell');
    } finally {
      await daemon.stop();
    }
  });

  it('a retired model is refused with its replacement, and an agent stored on one fails naming it', async () => {
    const dataDir = newDataDir();
    const opts = { dataDir, env: { ...openaiOnly(), ANTHROPIC_API_KEY: 'sk-ant-x', ANTHROPIC_BASE_URL: fake.url } };
    const refused = await runCli(['agent', 'create', '-n', 'old', '-m', 'claude-sonnet-4-5'], opts);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'claude-sonnet-4-5 was retired by its provider on 2026-11-30; use claude-sonnet-5-5',
    );
    const sonnet = await runCliJson<Agent>(['agent', 'create', '-n', 'legacy', '-m', 'sonnet'], opts);
    expect(sonnet.agent.model).toBe('claude-sonnet-5-5');

    // An agent saved by an older version, before its model retired.
    await stopDaemonFor(dataDir);
    const db = createDb(resolvePaths(dataDir).database);
    db.update(agents)
      .set({ agent: { model: 'claude-sonnet-4-5' } })
      .where(eq(agents.id, sonnet.id))
      .run();
    closeDb(db);
    const run = await runCli(['run', 'legacy', '-i', 'hi'], opts);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'uses claude-sonnet-4-5, which its provider retired on 2026-11-30; switch it to claude-sonnet-5-5',
    );
    expect(run.stderr).toContain('restflow agent update legacy -m claude-sonnet-5-5');
    expect(fake.requests.filter((r) => r.body.model === 'claude-sonnet-4-5')).toEqual([]);
  });
});
