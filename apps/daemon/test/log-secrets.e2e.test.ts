// No secret in any log file: a real daemon on a temp dir, logging at debug level with a tiny rotation size (so
// rotated files exist too), goes through a realistic session — a stored secret, an auth profile, an API token,
// agent runs against the fake provider whose answers and errors echo the keys, failing calls that name secrets,
// HTTP requests with a wrong bearer — then every file under logs/ and every line `logs.list` serves is searched
// for each secret value (and the start of its base64 form).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRestflowClient, type RestflowClient } from '@restflow/api/client';
import { type FakeProvider, startFakeProvider } from '@restflow/fake-provider';
import { resolvePaths } from '@restflow/paths';
import { removeDataDir, startTestDaemon, type TestDaemon, tempDataDir, waitUntil } from '@restflow/testkit';

const PROVIDER_KEY = 'sk-ant-logtest-PROVIDER-KEY-0001';
const STORED_SECRET = 'ghp-logtest-stored-secret-0002';
const AUTH_KEY = 'sk-logtest-auth-profile-key-0003';

let dataDir: string;
let daemon: TestDaemon | undefined;
let sdk: RestflowClient;
let fake: FakeProvider;
let apiToken = '';

beforeAll(async () => {
  dataDir = tempDataDir('rf-logsec');
  fake = await startFakeProvider();
  daemon = await startTestDaemon(dataDir, {
    ...fake.env(),
    ANTHROPIC_API_KEY: PROVIDER_KEY,
    OPENAI_API_KEY: '',
    RESTFLOW_LOG_LEVEL: 'debug',
    RESTFLOW_LOG_MAX_MB: '0.01',
    RESTFLOW_LOG_KEEP: '100',
  });
  sdk = createRestflowClient({ pipePath: daemon.pipe });
}, 60_000);

afterAll(async () => {
  sdk?.close();
  await daemon?.stop();
  await fake?.close();
  removeDataDir(dataDir);
});

const secrets = () => [
  PROVIDER_KEY,
  STORED_SECRET,
  AUTH_KEY,
  apiToken,
  fs.readFileSync(path.join(dataDir, 'master.key'), 'utf8').trim(),
  fs.readFileSync(path.join(dataDir, 'console.token'), 'utf8').trim(),
];

describe('secrets never reach a log', () => {
  it('after runs, errors and refused requests, no log file and no served line holds a secret', async () => {
    await sdk.secrets.set.mutate({ key: 'GITHUB_TOKEN', value: STORED_SECRET });
    await sdk.auth.create.mutate({
      name: 'work',
      provider: 'openai',
      credential: { type: 'api_key', key: AUTH_KEY },
    });
    apiToken = (await sdk.tokens.create.mutate({ name: 'ci' })).token;
    const agent = await sdk.agents.create.mutate({ name: 'leaky', agent: { model: 'sonnet' } });

    // A model that repeats every key it was told, then one whose provider error quotes the key.
    fake.script({ text: `Sure: ${STORED_SECRET} ${PROVIDER_KEY} ${AUTH_KEY}` });
    const answered = await sdk.agents.execute.mutate({ id: agent.id, input: `remember ${STORED_SECRET}` });
    expect(answered.execution_details?.status).toBe('completed');
    fake.script({ error: 401, message: `invalid x-api-key ${PROVIDER_KEY}` });
    await sdk.agents.execute.mutate({ id: agent.id, input: `use ${AUTH_KEY}` }).catch(() => undefined);

    // Failing calls whose messages name the secret (logged at debug), many, so the log rotates.
    for (let i = 0; i < 60; i++) {
      await sdk.agents.get.query({ id: `${STORED_SECRET}-${i}` }).catch(() => undefined);
      await sdk.secrets.get.query({ key: `${PROVIDER_KEY.replace(/-/g, '_')}_${i}` }).catch(() => undefined);
    }
    // HTTP: the right API token, and wrong bearers that are secrets themselves.
    const { url } = JSON.parse(fs.readFileSync(resolvePaths(dataDir).httpInfoFile, 'utf8')) as { url: string };
    for (const bearer of [apiToken, STORED_SECRET, PROVIDER_KEY]) {
      const response = await fetch(`${url}/api/agents`, { headers: { authorization: `Bearer ${bearer}` } });
      await response.arrayBuffer();
    }

    const logsDir = resolvePaths(dataDir).logsDir;
    await waitUntil(() => fs.readdirSync(logsDir).length >= 2, 10_000, 'a rotated log file');
    const served = await sdk.logs.list.query({ limit: 10_000 });
    expect(served.lines.some((line) => line.component === 'runs' && line.run_id === answered.run_id)).toBe(true);

    // Stopped, so every line is on disk.
    await daemon?.stop();
    daemon = undefined;
    const files = fs.readdirSync(logsDir).map((name) => path.join(logsDir, name));
    expect(files.length).toBeGreaterThanOrEqual(2);
    const haystacks: [string, string][] = files.map((file) => [file, fs.readFileSync(file).toString('latin1')]);
    haystacks.push(['logs.list', JSON.stringify(served)]);
    const everything = haystacks.map(([, text]) => text).join('');
    expect(everything.length).toBeGreaterThan(10_000);
    // The secrets did reach the logger (in messages and run errors), and were replaced there.
    expect(everything).toContain('[redacted]');
    for (const secret of secrets()) {
      expect(secret.length).toBeGreaterThan(10);
      for (const needle of [secret, Buffer.from(secret).toString('base64').slice(0, 16)]) {
        for (const [name, text] of haystacks) {
          if (text.includes(needle)) throw new Error(`${name} contains a secret (${needle.slice(0, 6)}…)`);
        }
      }
    }
  }, 180_000);
});
