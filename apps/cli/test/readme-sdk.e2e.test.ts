// The README's SDK snippet is examples/stream-a-reply.ts, verbatim, and it runs: against a real daemon talking to
// the fake provider, it prints the streamed answer and exits on its own.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRestflowClient, type RestflowClient } from '@restflow/api/client';
import { type FakeProvider, startFakeProvider } from '@restflow/fake-provider';
import { removeDataDir, repoRoot, startTestDaemon, type TestDaemon, tempDataDir } from '@restflow/testkit';

const example = path.join(repoRoot, 'examples/stream-a-reply.ts');
let fake: FakeProvider;
let daemon: TestDaemon;
let sdk: RestflowClient;
const dataDir = tempDataDir();

beforeAll(async () => {
  fake = await startFakeProvider();
  daemon = await startTestDaemon(dataDir, { ...fake.env(), ANTHROPIC_API_KEY: 'sk-ant-e2e', OPENAI_API_KEY: '' });
  sdk = createRestflowClient({ dataDir });
});

afterAll(async () => {
  sdk?.close();
  await daemon?.stop();
  await fake?.close();
  removeDataDir(dataDir);
});

function runExample(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', example], {
      cwd: repoRoot,
      env: { ...process.env, NODE_OPTIONS: '', RESTFLOW_DIR: dataDir },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the example did not exit within 60 s; stdout: ${stdout}; stderr: ${stderr}`));
    }, 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('the README SDK snippet', () => {
  it('is examples/stream-a-reply.ts verbatim', () => {
    const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const snippet = /### Scripts \(typed SDK\)\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(snippet).toBe(fs.readFileSync(example, 'utf8'));
  });

  it('streams the reply token by token to stdout and exits when the run completes', async () => {
    await sdk.agents.create.mutate({ name: 'readme-agent', agent: { model: 'sonnet' } });
    fake.reset();
    fake.script({ text: 'Hello from RestFlow.', tokens: ['Hello', ' from', ' RestFlow.'] });
    const result = await runExample();
    expect(result).toMatchObject({ code: 0, stdout: 'Hello from RestFlow.' });
    const [session] = await sdk.sessions.list.query();
    expect((await sdk.sessions.messages.list.query({ session_id: session!.id })).map((m) => m.content)).toEqual([
      'Hello',
      'Hello from RestFlow.',
    ]);
  }, 90_000);
});
