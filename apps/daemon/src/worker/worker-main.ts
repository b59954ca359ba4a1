// The `restflow worker` process (docs/workers.md): `restflow worker …` starts it with the options below, already
// checked. It runs agent runs for a queue-backed daemon until SIGINT or SIGTERM; what it does goes to stderr, one
// line per event, never a key or token.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { compareProtocol, createHttpRestflowClient, protocolMismatchMessage } from '@restflow/api/client';
import { detectSandbox, normalizeTags } from '@restflow/core';
import { WorkerRuntime } from '@restflow/core/worker-runtime';
import { PROTOCOL_VERSION, RESTFLOW_VERSION } from '@restflow/paths';
import { httpDaemonLink } from './http-daemon-link.ts';

const say = (line: string) => process.stderr.write(`${line}\n`);

function fail(message: string, code = 1): never {
  say(`restflow worker: ${message}`);
  process.exit(code);
}

export async function runWorker(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'daemon-url': { type: 'string' },
      token: { type: 'string' },
      queue: { type: 'string', default: 'default' },
      concurrency: { type: 'string', default: '1' },
      tags: { type: 'string', default: '' },
      name: { type: 'string' },
      'redis-url': { type: 'string' },
      workspace: { type: 'string' },
    },
    strict: true,
  });
  const daemonUrl = values['daemon-url'] ?? fail('--daemon-url is required', 2);
  // The token from the environment, so `ps` does not show it.
  const token =
    values.token ?? process.env.RESTFLOW_WORKER_TOKEN ?? fail('give an API token: --token or RESTFLOW_WORKER_TOKEN', 2);
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) fail('--concurrency must be a whole number of at least 1', 2);
  let tags: string[] = [];
  try {
    tags = normalizeTags(values.tags.split(','));
  } catch (error) {
    fail((error as Error).message, 2);
  }
  const client = createHttpRestflowClient({ url: daemonUrl, token });
  const check = compareProtocol(await client.system.status.query());
  if (check.kind !== 'same') fail(protocolMismatchMessage(check));
  const redisUrl = values['redis-url'] ?? process.env.RESTFLOW_REDIS_URL;
  const runtime = new WorkerRuntime({
    link: httpDaemonLink(client),
    name: values.name ?? `${os.hostname()}-${process.pid}`,
    version: RESTFLOW_VERSION,
    protocolVersion: PROTOCOL_VERSION,
    queue: values.queue,
    tags,
    concurrency,
    ...(redisUrl ? { redisUrl } : {}),
    ...(values.workspace ? { workspaceRoot: values.workspace } : {}),
    sandbox: detectSandbox(process.env),
    secrets: [token],
    onWarning: (message) => say(`warning: ${message}`),
    onRun: (event) => say(`run ${event.run_id} ${event.phase}${event.status ? ` ${event.status}` : ''}`),
  });
  const registration = await runtime.start();
  say(
    `worker ${runtime.id} ready: queue ${values.queue}${tags.length ? `, tags ${tags.join(',')}` : ''}, ` +
      `concurrency ${concurrency}, heartbeat ${registration.heartbeat_ms} ms`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  say('stopping: runs in progress end cancelled');
  await runtime.stop({ abortRuns: true });
  process.exit(0);
}

// Not a top-level await: the worker is bundled as CommonJS (scripts/bundle.mjs --cjs), which has none.
void runWorker(process.argv.slice(2)).catch((error: unknown) => fail((error as Error).message));
