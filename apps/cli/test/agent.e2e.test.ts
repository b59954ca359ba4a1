// Issue-level acceptance for the foundation: real `restflow` processes against an auto-started daemon.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from '@jest/globals';
import { createRestflowClient } from '@restflow/api/client';
import { resolvePaths } from '@restflow/paths';
import { removeDataDir, runCli, runCliJson, stopDaemonFor, tempDataDir } from '@restflow/testkit';

const guard = fileURLToPath(new URL('./fixtures/no-db-guard.mjs', import.meta.url));
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) {
    await stopDaemonFor(dir);
    removeDataDir(dir);
  }
});

interface Agent {
  id: string;
  name: string;
  agent: { model?: string; tools?: string[]; prompt?: string };
}

describe('restflow agent (through an auto-started daemon)', () => {
  it('creates an agent that `agent list --format json` then shows, without the client opening the DB', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const opts = { dataDir, nodeArgs: ['--import', guard] };
    const created = await runCli(['agent', 'create', '-n', 'x'], opts);
    expect(created.stderr).toContain('Starting the RestFlow daemon');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^Agent created: x \([0-9a-f-]{36}\)/);
    const agents = await runCliJson<Agent[]>(['agent', 'list'], opts);
    expect(agents.map((a) => a.name).sort()).toEqual(['Default Assistant', 'x']);
    expect(fs.existsSync(resolvePaths(dataDir).database)).toBe(true);
  });

  it('serves two concurrent CLI processes and an SDK script against one daemon', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const opts = { dataDir, nodeArgs: ['--import', guard] };
    // Both CLIs race to auto-start the daemon; exactly one daemon must serve both.
    const [a, b] = await Promise.all([
      runCli(['agent', 'create', '-n', 'alpha', '-m', 'gpt-5'], opts),
      runCli(['agent', 'create', '-n', 'beta', '-m', 'sonnet', '--tools', 'bash,file'], opts),
    ]);
    // On failure the message shows both stderrs.
    expect({ a: a.code, b: b.code, stderr: a.stderr + b.stderr }).toEqual({ a: 0, b: 0, stderr: expect.any(String) });
    const sdk = createRestflowClient({ dataDir });
    try {
      const names = (await sdk.agents.list.query()).map((x) => x.name).sort();
      expect(names).toEqual(['Default Assistant', 'alpha', 'beta']);
      const beta = (await sdk.agents.list.query()).find((x) => x.name === 'beta');
      expect(beta?.agent).toMatchObject({ model: 'claude-sonnet-5-5', tools: ['bash', 'file'] });
      const status = await sdk.system.status.query();
      const pidFile = JSON.parse(fs.readFileSync(resolvePaths(dataDir).pidFile, 'utf8')) as { pid: number };
      expect(status.pid).toBe(pidFile.pid);
    } finally {
      sdk.close();
    }
  });

  it('covers show / update / delete with id prefixes, and gives clear errors for bad input', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const created = await runCliJson<Agent>(['agent', 'create', '-n', 'editor', '--prompt', 'Be brief.'], { dataDir });
    const prefix = created.id.slice(0, 8);
    const shown = await runCli(['agent', 'show', prefix], { dataDir });
    expect(shown.stdout).toMatch(/Name:\s+editor/);
    expect(shown.stdout).toContain('Be brief.');
    const updated = await runCliJson<Agent>(['agent', 'update', prefix, '-m', 'gpt-5-mini', '-n', 'editor2'], {
      dataDir,
    });
    expect(updated).toMatchObject({ name: 'editor2', agent: { model: 'gpt-5-mini', prompt: 'Be brief.' } });

    const missing = await runCli(['agent', 'show', 'zzzzzzzz'], { dataDir });
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('Error: Agent zzzzzzzz not found');
    const badModel = await runCli(['agent', 'create', '-n', 'y', '-m', 'gpt-0'], { dataDir });
    expect(badModel.code).toBe(1);
    expect(badModel.stderr).toMatch(/agent\.model: unknown model "gpt-0"/);
    const noName = await runCli(['agent', 'create'], { dataDir });
    expect(noName.code).toBe(2);
    expect(noName.stderr).toMatch(/Missing required argument: name/);
    const badKey = await runCli(['config', 'set', 'colour', '3'], { dataDir });
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toMatch(/unknown config key "colour"/);
    const badValue = await runCli(['config', 'set', 'worker_count', '0'], { dataDir });
    expect(badValue.stderr).toMatch(/worker_count: must be at least 1/);

    const removed = await runCli(['agent', 'delete', prefix], { dataDir });
    expect(removed.stdout).toContain(`Agent deleted: ${created.id}`);
    expect((await runCli(['agent', 'show', prefix], { dataDir })).code).toBe(1);
  });

  it('shows, sets, gets and resets config, and prints info without a daemon', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const info = await runCliJson<{ dataDir: string; pipe: string }>(['info'], { dataDir });
    expect(info.dataDir).toBe(path.resolve(dataDir));
    expect(fs.existsSync(resolvePaths(dataDir).pidFile)).toBe(false);
    await runCli(['config', 'set', 'worker_count', '2'], { dataDir });
    expect((await runCli(['config', 'get', 'worker_count'], { dataDir })).stdout.trim()).toBe('2');
    const shown = await runCliJson<Record<string, number>>(['config', 'show'], { dataDir });
    expect(shown.worker_count).toBe(2);
    expect((await runCliJson<Record<string, number>>(['config', 'reset'], { dataDir })).worker_count).toBe(4);
    const completions = await runCli(['completions', 'bash'], { dataDir });
    expect(completions.stdout).toContain('_restflow');
  });
});
