// The queue backend turned on with config keys instead of environment variables (docs/workers.md): a real
// redis-server that requires a password, `restflow config set execution.redis_url` with the password in the URL and
// `execution.backend queue`, a daemon restart, then a worker that gets the URL at registration runs an agent. The
// password is kept as a secret: no `config get` / `config show` / `secret list` output, no daemon log line and no
// worker line carries it.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createRestflowClient, type RestflowClient } from '@restflow/api/client';
import { type FakeProvider, startFakeProvider } from '@restflow/fake-provider';
import { resolvePaths } from '@restflow/paths';
import {
  runCli,
  settledRun,
  startRedis,
  startTestDaemon,
  startTestWorker,
  type TestDaemon,
  type TestRedis,
  type TestWorker,
  tempDataDir,
} from '@restflow/testkit';
import { stopWorkerStack } from './worker-stack.ts';

const PASSWORD = 'redis-pw-e2e-Q7x9K2';
const dataDir = tempDataDir('rf-workers-config');
let redis: TestRedis;
let fake: FakeProvider;
let daemon: TestDaemon | undefined;
let pipe: RestflowClient | undefined;
let worker: TestWorker | undefined;

// No RESTFLOW_EXECUTION_BACKEND nor RESTFLOW_REDIS_URL: the keys decide.
const env = () => ({
  ...fake.env(),
  ANTHROPIC_API_KEY: 'sk-ant-e2e-config',
  OPENAI_API_KEY: '',
  RESTFLOW_EXECUTION_BACKEND: '',
  RESTFLOW_REDIS_URL: '',
  RESTFLOW_LOG_LEVEL: 'debug',
});
const cli = (...args: string[]) => runCli(args, { dataDir, env: env() });

beforeAll(async () => {
  [redis, fake] = await Promise.all([
    startRedis({ password: PASSWORD }),
    startFakeProvider({ fallback: { text: 'ran with the keys' } }),
  ]);
}, 30_000);

afterAll(() => stopWorkerStack({ worker, pipe, daemon, fake, redis, dataDir }), 60_000);

it('execution.backend and execution.redis_url turn the queue on; the Redis password shows nowhere', async () => {
  daemon = await startTestDaemon(dataDir, env());
  const outputs: string[] = [];
  const ok = async (...args: string[]) => {
    const result = await cli(...args);
    outputs.push(result.stdout, result.stderr);
    expect({ args, code: result.code, stderr: result.stderr }).toMatchObject({ code: 0 });
    return result.stdout;
  };

  // Validated: the queue needs a URL first, a backend is local or queue, a URL is a redis:// one.
  const noUrl = await cli('config', 'set', 'execution.backend', 'queue');
  expect(noUrl.code).not.toBe(0);
  expect(noUrl.stderr).toMatch(/execution.redis_url/);
  const badBackend = await cli('config', 'set', 'execution.backend', 'remote');
  expect(badBackend.code).not.toBe(0);
  expect(badBackend.stderr).toMatch(/local or queue/);
  const badUrl = await cli('config', 'set', 'execution.redis_url', `http://:${PASSWORD}@127.0.0.1:1`);
  expect(badUrl.code).not.toBe(0);
  expect(badUrl.stderr).toMatch(/redis:\/\//);
  outputs.push(noUrl.stderr, badBackend.stderr, badUrl.stdout, badUrl.stderr);

  const setUrl = await ok('config', 'set', 'execution.redis_url', `${redis.url}/0`);
  expect(setUrl).toContain(
    `execution.redis_url = redis://127.0.0.1:${redis.port}/0 (password: secret RESTFLOW_REDIS_PASSWORD)`,
  );
  expect(await ok('config', 'set', 'execution.backend', 'queue')).toMatch(
    /execution.backend = queue .*next daemon start/,
  );
  expect((await ok('config', 'get', 'execution.backend')).trim()).toBe('queue');
  await ok('config', 'get', 'execution.redis_url');
  await ok('config', 'get', 'execution');
  await ok('config', 'get', 'execution', '--format', 'json');
  expect(await ok('config', 'show')).toContain('execution.backend');
  await ok('config', 'show', '--format', 'json');
  expect(await ok('secret', 'list')).toContain('RESTFLOW_REDIS_PASSWORD');

  // Applied at the next start.
  await daemon.stop();
  daemon = await startTestDaemon(dataDir, env());
  pipe = createRestflowClient({ pipePath: daemon.pipe });
  const settings = await pipe.config.execution.get.query();
  expect(settings.in_effect).toEqual({
    backend: 'queue',
    redis_url: `redis://127.0.0.1:${redis.port}/0`,
    queue: 'default',
    queue_prefix: 'restflow',
    from_environment: [],
  });
  outputs.push(JSON.stringify(settings), await ok('config', 'get', 'execution'));

  // A worker gets the URL, password included, at registration (no --redis-url): runs go through the password-
  // protected Redis.
  const base = (await pipe.system.status.query()).transports.find((t) => t.kind === 'http')?.address as string;
  const { token } = await pipe.tokens.create.mutate({ name: 'config-worker' });
  worker = await startTestWorker({ daemonUrl: base, token, name: 'keyed', env: { RESTFLOW_REDIS_URL: '' } });
  const agent = await pipe.agents.create.mutate({ name: 'keyed', agent: { model: 'sonnet' } });
  const { run_id } = await pipe.agents.run.mutate({ id: agent.id, input: 'go' });
  expect((await settledRun(pipe, run_id)).status).toBe('completed');
  expect(await pipe.workers.placement.query({ run_id })).toMatchObject({ backend: 'queue', worker_name: 'keyed' });

  // The password in no output, no log file, no worker line.
  outputs.push(worker.log());
  const logs = resolvePaths(dataDir).logsDir;
  for (const file of fs.readdirSync(logs)) outputs.push(fs.readFileSync(path.join(logs, file), 'utf8'));
  for (const text of outputs) expect(text).not.toContain(PASSWORD);
}, 180_000);
