// The README's Python example (examples/python/restflow_example.py, verbatim in the README), run with python3 against a real daemon
// process on a temp dir and a free port, with the fake LLM provider answering: it lists the agents over REST and
// prints a run's tokens as they arrive over Server-Sent Events.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRestflowClient, type RestflowClient } from '@restflow/api/client';
import { type FakeProvider, startFakeProvider } from '@restflow/fake-provider';
import { resolvePaths } from '@restflow/paths';
import { removeDataDir, repoRoot, startTestDaemon, type TestDaemon, tempDataDir, waitUntil } from '@restflow/testkit';

const example = path.join(repoRoot, 'examples/python/restflow_example.py');
const ANSWER = 'Hello from the fake provider, streamed to Python.';

let fake: FakeProvider;
let daemon: TestDaemon;
let dataDir: string;
let pipe: RestflowClient;
let base: string;
let token: string;

function runPython(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    // No PYTHON* variables of the machine: the example must run on a bare interpreter.
    const child = spawn('python3', [example, ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  fake = await startFakeProvider();
  dataDir = tempDataDir('rfpy');
  daemon = await startTestDaemon(dataDir, {
    ...fake.env(),
    ANTHROPIC_API_KEY: 'sk-ant-python-e2e',
    OPENAI_API_KEY: '',
  });
  base = (JSON.parse(fs.readFileSync(resolvePaths(dataDir).httpInfoFile, 'utf8')) as { url: string }).url;
  pipe = createRestflowClient({ dataDir });
  token = (await pipe.tokens.create.mutate({ name: 'python-example' })).token;
  // The example runs the first agent: the default one, once the daemon has given it a model.
  await waitUntil(
    async () => Boolean((await pipe.agents.list.query())[0]?.agent.model),
    20_000,
    'a model for the default agent',
  );
}, 60_000);

afterAll(async () => {
  pipe?.close();
  await daemon?.stop();
  await fake?.close();
  if (dataDir) removeDataDir(dataDir);
});

describe('the Python example', () => {
  it('is in the README verbatim', () => {
    const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    expect(readme).toContain(`\`\`\`python\n${fs.readFileSync(example, 'utf8')}\`\`\``);
  });

  it('lists the agents over REST and streams a run over SSE, with python3 and the standard library', async () => {
    const [first] = await pipe.agents.list.query();
    fake.script({ text: ANSWER, tokens: 6 });
    const result = await runPython(['Greet', 'the', 'Python', 'user'], { RESTFLOW_URL: base, RESTFLOW_TOKEN: token });
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe(`${first?.id.slice(0, 8)} ${first?.name}`);
    expect(result.stdout.trimEnd().endsWith(ANSWER)).toBe(true);
    // The run the example started is the one the provider answered, with its prompt.
    expect(JSON.stringify(fake.requests.at(-1)?.body)).toContain('Greet the Python user');
    const [run] = await pipe.runs.list.query({ limit: 1 });
    expect(run).toMatchObject({ agent_id: first?.id, status: 'completed' });
  }, 60_000);

  it('fails with the server’s answer when the token is wrong', async () => {
    const result = await runPython([], { RESTFLOW_URL: base, RESTFLOW_TOKEN: 'rf_wrong' });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('HTTP Error 401');
  }, 60_000);
});
