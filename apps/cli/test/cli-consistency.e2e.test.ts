// One CLI, one set of habits (real daemon, real CLI, the fake provider): names wherever ids, JSON errors in
// --format json, one-shot runs kept out of the chat list, memory naming its agent, tasks that say what they
// will do, provider settings from the CLI, secrets that are only secrets, a REPL with commands.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type FakeProvider, startFakeProvider } from '@restflow/fake-provider';
import { removeDataDir, runCli, runCliJson, stopDaemonFor, tempDataDir } from '@restflow/testkit';

let fake: FakeProvider;
const dataDir = tempDataDir();
let opts: { dataDir: string; env: NodeJS.ProcessEnv };

beforeAll(async () => {
  fake = await startFakeProvider({ fallback: { text: 'Fallback answer.' } });
  opts = {
    dataDir,
    env: {
      OPENAI_BASE_URL: fake.openaiBaseUrl,
      OPENAI_API_KEY: 'sk-consistency',
      ANTHROPIC_API_KEY: '',
      OPENAI_COMPATIBLE_BASE_URL: '',
      HOME: dataDir,
    },
  };
});
afterAll(async () => {
  await stopDaemonFor(dataDir);
  removeDataDir(dataDir);
  await fake.close();
});

interface Named {
  id: string;
  name: string;
}

describe('CLI consistency', () => {
  it('names work wherever ids do; duplicate names are a CONFLICT; --format json errors are JSON on stderr', async () => {
    await runCliJson(['agent', 'create', '-n', 'writer', '-m', 'gpt'], opts);
    const dup = await runCli(['agent', 'create', '-n', 'Writer', '-m', 'gpt'], opts);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/^Error: an agent named "Writer" already exists \([0-9a-f]{8}\); choose another name/);
    const dupJson = await runCli(['agent', 'create', '-n', 'writer', '--format', 'json'], opts);
    expect([dupJson.code, dupJson.stdout]).toEqual([1, '']);
    expect(JSON.parse(dupJson.stderr)).toMatchObject({ error: { code: 'CONFLICT', reason: 'DUPLICATE_NAME' } });
    const missing = await runCli(['agent', 'show', 'nobody', '--format', 'json'], opts);
    expect([missing.code, missing.stdout]).toEqual([1, '']);
    expect(JSON.parse(missing.stderr)).toEqual({ error: { code: 'NOT_FOUND', message: 'Agent nobody not found' } });
    const badInput = await runCli(
      ['task', 'create', '--agent', 'writer', '--name', 'x', '--every', '1ms', '--format', 'json'],
      opts,
    );
    expect(badInput.code).not.toBe(0);
    expect(() => JSON.parse(badInput.stderr)).not.toThrow();

    const ticker = await runCliJson<Named>(
      ['task', 'create', '--agent', 'writer', '--name', 'ticker', '-i', 'tick'],
      opts,
    );
    const paused = await runCliJson<{ id: string; status: string; next_run_at: number | null }>(
      ['task', 'pause', 'ticker'],
      opts,
    );
    expect(paused).toMatchObject({ id: ticker.id, status: 'paused', next_run_at: null });
    const shown = await runCli(['task', 'show', 'ticker'], opts);
    expect(shown.stdout).toMatch(/Next Run:\s+-/);
    const dupTask = await runCli(['task', 'create', '--agent', 'writer', '--name', 'TICKER'], opts);
    expect(dupTask.stderr).toContain('a task named "TICKER" already exists');
    await runCliJson(['skill', 'create', '--name', 'Tone of voice', '--content', '# Tone'], opts).catch(
      () => undefined,
    );
  }, 240_000);

  it('a paused task runs once by hand and stays paused; a one-off time in the past is refused', async () => {
    const ran = await runCli(['task', 'run', 'ticker'], opts);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain('Fallback answer.');
    const after = await runCliJson<{ status: string; next_run_at: number | null; success_count: number }>(
      ['task', 'show', 'ticker'],
      opts,
    );
    expect(after).toMatchObject({ status: 'paused', next_run_at: null, success_count: 1 });
    const past = await runCli(
      ['task', 'create', '--agent', 'writer', '--name', 'late', '--at', '2020-01-01T00:00:00Z'],
      opts,
    );
    expect(past.code).toBe(1);
    expect(past.stderr).toContain('2020-01-01T00:00:00.000Z is in the past; a one-off run needs a future time');
  }, 240_000);

  it('run is one-shot: no chat session unless --save; sessions resolve by name', async () => {
    const before = await runCliJson<Named[]>(['session', 'list'], opts);
    const oneShot = await runCli(['run', 'writer', '-i', 'hi'], opts);
    expect(oneShot).toMatchObject({ code: 0, stdout: 'Fallback answer.\n' });
    expect(await runCliJson<Named[]>(['session', 'list'], opts)).toHaveLength(before.length);
    const saved = await runCli(['run', 'writer', '-i', 'keep this', '--save'], opts);
    expect(saved.code).toBe(0);
    expect(saved.stderr).toMatch(/Saved in session \S+: restflow chat --session \S+/);
    const sessions = await runCliJson<Named[]>(['session', 'list'], opts);
    expect(sessions).toHaveLength(before.length + 1);
    const named = sessions[0] as Named;
    expect((await runCliJson<Named>(['session', 'show', named.name], opts)).id).toBe(named.id);
    const help = await runCli(['run', '--help'], opts);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('Not kept as a chat session unless --save');
    const execHelp = await runCli(['agent', 'exec', '--help'], opts);
    expect(execHelp.stdout.replace(/\s+/g, ' ')).toContain('for scripts');
  }, 240_000);

  it('the REPL takes /help, /session, /new and /exit as commands and says how to resume', async () => {
    const requests = fake.requests.length;
    const repl = await runCli(['chat', 'writer'], {
      ...opts,
      input: '/help\n/session\nhello\n/session\n/new\n/bogus\n/exit\nnever sent\n',
    });
    expect(repl.code).toBe(0);
    expect(fake.requests.length).toBe(requests + 1);
    expect(repl.stdout).toBe('Fallback answer.\n');
    expect(repl.stderr).toContain('/new       start a new chat session');
    expect(repl.stderr).toContain('No session yet: your next message starts one.');
    expect(repl.stderr).toMatch(/Session \S+ ".+" \(2 messages\)/);
    expect(repl.stderr).toContain('New session: your next message starts it.');
    expect(repl.stderr).toContain('Unknown command /bogus; /help lists the commands.');
    expect(repl.stderr).toMatch(/Resume it with: restflow chat --session [0-9a-f-]+/);
  }, 240_000);

  it('memory commands name their agent; memory list without --agent lists every agent', async () => {
    await runCliJson(['agent', 'create', '-n', 'second', '-m', 'gpt'], opts);
    const added = await runCli(['memory', 'add', 'the sky is blue'], opts);
    expect(added.code).toBe(0);
    expect(added.stderr).toMatch(/Agent: Default Assistant \([0-9a-f]{8}\), the default; --agent NAME picks another/);
    await runCli(['memory', 'add', 'grass is green', '--agent', 'second'], opts);
    const all = await runCli(['memory', 'list'], opts);
    expect(all.stderr).toContain("Every agent's memory");
    expect(all.stdout).toContain('Default Assistant');
    expect(all.stdout).toContain('second');
    const one = await runCliJson<{ content: string }[]>(['memory', 'list', '--agent', 'second'], opts);
    expect(one.map((c) => c.content)).toEqual(['grass is green']);
  }, 240_000);

  it('config get/set providers.*, and secret get reads stored secrets only', async () => {
    const set = await runCli(
      ['config', 'set', 'providers.openai_compatible.base_url', 'http://localhost:1234/v1'],
      opts,
    );
    expect(set).toMatchObject({ code: 0, stdout: 'providers.openai_compatible.base_url = http://localhost:1234/v1\n' });
    expect((await runCli(['config', 'get', 'providers.openai_compatible.base_url'], opts)).stdout).toBe(
      'http://localhost:1234/v1\n',
    );
    await runCli(['config', 'set', 'providers.openai_compatible.models', 'llama3.1:8b,qwen3'], opts);
    expect(await runCliJson(['config', 'get', 'providers'], opts)).toEqual({
      key: 'providers',
      value: { openai_compatible: { base_url: 'http://localhost:1234/v1', models: ['llama3.1:8b', 'qwen3'] } },
    });
    const unset = await runCli(['config', 'set', 'providers.openai_compatible.base_url', ''], opts);
    expect(unset.stdout).toBe('providers.openai_compatible.base_url unset\n');
    const bad = await runCli(['config', 'get', 'providers.mistral.base_url'], opts);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown provider "mistral"');

    const path = await runCli(['secret', 'get', 'PATH'], opts);
    expect(path.code).toBe(1);
    expect(path.stderr).toContain('Secret PATH not found');
    expect(path.stdout).toBe('');
  }, 240_000);

  it('completions print the script for the shell asked for, and an install hint that names it', async () => {
    const zsh = await runCli(['completions', 'zsh'], opts);
    expect(zsh.code).toBe(0);
    expect(zsh.stdout).toMatch(/^#compdef restflow/);
    expect(zsh.stdout).toContain('restflow completions zsh >> ~/.zshrc');
    expect(zsh.stderr).toContain('# Install: restflow completions zsh >> ~/.zshrc && source ~/.zshrc');
    const bash = await runCli(['completions', 'bash'], opts);
    expect(bash.stdout).toContain('restflow --get-yargs-completions');
    expect(bash.stderr).toContain('restflow completions bash >> ~/.bashrc');
  }, 120_000);
});
