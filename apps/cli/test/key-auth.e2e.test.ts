// `restflow key …` and `restflow auth …` against a real auto-started daemon whose HOME is a temp dir.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { resolvePaths } from '@restflow/paths';
import { removeDataDir, runCli, runCliJson, stopDaemonFor, tempDataDir } from '@restflow/testkit';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) {
    await stopDaemonFor(dir);
    removeDataDir(dir);
  }
});

const ANTHROPIC_KEY = 'sk-ant-api03-e2e-anthropic-key-0001a1';
const OPENAI_KEY = 'sk-proj-e2e-openai-piped-key-0002b2';
const OAUTH_KEY = 'sk-ant-oat01-e2e-claude-oauth-0003c3';
const CODEX_KEY = 'sk-e2e-codex-key-0004d4';
const ENV_KEY = 'sk-ant-api03-e2e-from-daemon-env-0005e5';
const CLAUDE_FILE_TOKEN = 'sk-ant-oat01-e2e-from-credentials-file-0006f6';
const ALL_VALUES = [ANTHROPIC_KEY, OPENAI_KEY, OAUTH_KEY, CODEX_KEY, ENV_KEY, CLAUDE_FILE_TOKEN];

interface Profile {
  id: string;
  name: string;
  provider: string;
  source: string;
  priority: number;
  available: boolean;
  credential: { type: string; hint: string | null };
}

interface Discovery {
  total: number;
  added: number;
  updated: number;
  by_source: Record<string, number>;
}

function expectNoValues(text: string | Buffer): void {
  for (const value of ALL_VALUES) expect(Buffer.from(text).includes(value)).toBe(false);
}

describe('restflow key / auth', () => {
  it('adds, lists, shows, prefers, tests, discovers and removes credentials without printing or storing them', async () => {
    const dataDir = tempDataDir();
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-home-'));
    dirs.push(dataDir, home);
    fs.mkdirSync(path.join(home, '.claude'));
    fs.writeFileSync(
      path.join(home, '.claude', '.credentials.json'),
      JSON.stringify({ claudeAiOauth: { accessToken: CLAUDE_FILE_TOKEN, refreshToken: 'sk-ant-ort01-e2e-refresh' } }),
    );
    // The daemon inherits this env when the first command starts it: discovery reads HOME and the key vars from it.
    const env = { HOME: home, ANTHROPIC_API_KEY: ENV_KEY, OPENAI_API_KEY: '', GOOGLE_API_KEY: '', GEMINI_API_KEY: '' };
    const opts = { dataDir, env: { ...env, RESTFLOW_MASTER_KEY: '' } };
    const outputs: string[] = [];
    const run = async (args: string[], input?: string) => {
      const result = await runCli(args, { ...opts, input });
      outputs.push(result.stdout, result.stderr);
      return result;
    };

    const added = await run(['key', 'add', 'claude', ANTHROPIC_KEY, '-n', 'work']);
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^Key added: work \([0-9a-f-]{36}\) for anthropic\n$/);
    // The key from stdin, provider alias `gpt`.
    expect((await run(['key', 'add', 'gpt'], `${OPENAI_KEY}\n`)).stdout).toMatch(/^Key added: gpt key .* for openai/);
    const badProvider = await run(['key', 'add', 'acme', 'k']);
    expect(badProvider.code).toBe(2);
    expect(badProvider.stderr).toContain('unknown provider "acme"');
    const dup = await run(['key', 'add', 'anthropic', ANTHROPIC_KEY]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/already holds this credential for anthropic/);

    // The first command auto-discovered the env key and the Claude Code file.
    const profiles = await runCliJson<Profile[]>(['key', 'list'], opts);
    expect(profiles.map((p) => [p.name, p.provider, p.source, p.credential.type]).sort()).toEqual([
      ['ANTHROPIC_API_KEY (environment)', 'anthropic', 'environment', 'api_key'],
      ['Claude Code (OAuth)', 'claude_code', 'claude_code', 'o_auth'],
      ['gpt key', 'openai', 'manual', 'api_key'],
      ['work', 'anthropic', 'manual', 'api_key'],
    ]);
    const work = profiles.find((p) => p.name === 'work') as Profile;
    expect(work.credential.hint).toBe('sk-…01a1');

    const table = await run(['key', 'list', '-p', 'anthropic']);
    expect(table.stdout).toMatch(/ID\s+│\s+Name\s+│\s+Provider\s+│\s+Type\s+│\s+Available\s+│\s+Priority/);
    expect(table.stdout).toContain(work.id.slice(0, 8));
    expect(table.stdout).not.toContain('gpt key');

    const shown = await run(['key', 'show', work.id.slice(0, 8)]);
    expect(shown.stdout).toMatch(/Credential:\s+sk-…01a1/);
    expect(shown.stdout).toMatch(/Provider:\s+anthropic/);
    expect((await run(['key', 'use', work.id.slice(0, 8)])).stdout).toMatch(
      /^Using work \(\w{8}\) first for anthropic/,
    );
    const afterUse = await runCliJson<Profile[]>(['key', 'list'], opts);
    expect(afterUse.map((p) => [p.name, p.priority]).sort()).toEqual([
      ['ANTHROPIC_API_KEY (environment)', 1],
      ['Claude Code (OAuth)', 1],
      ['gpt key', 1],
      ['work', 0],
    ]);
    const tested = await run(['key', 'test', work.id]);
    expect([tested.code, tested.stdout]).toEqual([0, 'OK: credential resolves (sk-…01a1)\n']);

    // Discovering again updates the same profiles (stable ids) instead of adding new ones.
    const again = await runCliJson<Discovery>(['auth', 'discover'], opts);
    expect(again).toMatchObject({ total: 2, added: 0, updated: 2, by_source: { environment: 1, claude_code: 1 } });
    expect((await run(['key', 'discover'])).stdout).toMatch(/^Discovered 2 credential\(s\) .*0 added, 2 updated/);
    expect(await runCliJson<Profile[]>(['auth', 'list'], opts)).toHaveLength(4);

    // `auth` group: add (oat key → OAuth), list, show, status, remove.
    const oauth = await runCliJson<Profile>(
      ['auth', 'add', '--provider', 'cc', '--key', OAUTH_KEY, '--name', 'cc'],
      opts,
    );
    expect(oauth).toMatchObject({ provider: 'claude_code', source: 'manual', credential: { type: 'o_auth' } });
    const codex = await runCliJson<Profile>(['auth', 'add', '--provider', 'codex'], { ...opts, input: CODEX_KEY });
    expect(codex.provider).toBe('openai_codex');
    const authTable = await run(['auth', 'list']);
    expect(authTable.stdout).toMatch(/ID\s+│\s+Name\s+│\s+Provider\s+│\s+Source\s+│\s+Health\s+│\s+Available/);
    expect((await run(['auth', 'show', oauth.id.slice(0, 8)])).stdout).toMatch(/Type:\s+o_auth/);
    const status = await run(['auth', 'status']);
    expect(status.stdout).toMatch(/Profiles:\s+6/);
    expect(status.stdout).toMatch(/By source:\s+.*manual: 4/);
    expect((await run(['auth', 'remove', oauth.id.slice(0, 8)])).stdout).toBe(`Auth profile removed: ${oauth.id}\n`);
    expect((await run(['key', 'remove', codex.id])).stdout).toBe(`Key removed: ${codex.id}\n`);
    const missing = await run(['key', 'show', oauth.id]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`Auth profile ${oauth.id} not found`);
    expect(await runCliJson(['auth', 'status'], opts)).toMatchObject({ total: 4, available: 4 });

    // No credential value in any output, the database, its WAL or the daemon log.
    for (const output of outputs) expectNoValues(output);
    const paths = resolvePaths(dataDir);
    for (const file of [paths.database, `${paths.database}-wal`, paths.daemonLog]) {
      if (fs.existsSync(file)) expectNoValues(fs.readFileSync(file));
    }
  });
});
