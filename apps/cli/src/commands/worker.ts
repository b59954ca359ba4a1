// `restflow worker` starts the worker process (apps/daemon/src/worker/worker-main.ts, docs/workers.md): the engine
// it runs is daemon-side code, which the CLI bundle never holds. The token goes to it through the environment,
// so `ps` does not show it. `restflow workers` lists the workers a queue-backed daemon knows.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { daemonLeaf, leaf, noArgs } from '../command.ts';
import { CliError } from '../daemon-connection.ts';
import { formatTime } from '../output.ts';

const TAGS = /^([a-z0-9][a-z0-9_-]{0,31})(,[a-z0-9][a-z0-9_-]{0,31})*$/;

function workerBin(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@restflow/daemon/package.json')), 'bin', 'restflow-worker.cjs');
}

export const workerCommand = leaf(
  'worker',
  'Run agent runs for a daemon that uses the queue backend, until stopped (docs/workers.md)',
  (y) =>
    y
      .option('daemon-url', {
        type: 'string',
        demandOption: true,
        describe: "The daemon's HTTP API (http://host:8787)",
      })
      .option('token', {
        type: 'string',
        describe: 'A full API token (restflow token create); default RESTFLOW_WORKER_TOKEN, which ps does not show',
      })
      .option('queue', { type: 'string', default: 'default', describe: 'The queue to take runs from' })
      .option('concurrency', { type: 'number', default: 1, describe: 'Runs at once (per queue its tags open)' })
      .option('tags', { type: 'string', default: '', describe: 'What this machine offers runs, e.g. gpu,sandbox' })
      .option('name', { type: 'string', describe: 'How lists show this worker (default host-pid)' })
      .option('redis-url', {
        type: 'string',
        describe: "Overrides the daemon's Redis URL (default RESTFLOW_REDIS_URL)",
      })
      .option('workspace', { type: 'string', describe: 'Parent of the agent workspaces on this machine' }),
  async (args) => {
    const token = args.token ?? process.env.RESTFLOW_WORKER_TOKEN;
    if (!token) throw new CliError('give an API token: --token or RESTFLOW_WORKER_TOKEN (restflow token create)', 2);
    if (!Number.isInteger(args.concurrency) || args.concurrency < 1) {
      throw new CliError('--concurrency must be a whole number of at least 1', 2);
    }
    const tags = args.tags.replaceAll(' ', '').toLowerCase();
    if (tags && !TAGS.test(tags)) throw new CliError('--tags must be lower-case words separated by commas', 2);
    const flags = [
      ['--daemon-url', args['daemon-url']],
      ['--queue', args.queue],
      ['--concurrency', String(args.concurrency)],
      ['--tags', tags],
      ['--name', args.name],
      ['--redis-url', args['redis-url']],
      ['--workspace', args.workspace],
    ].flatMap(([flag, value]) => (value ? [flag as string, value] : []));
    const child = spawn(process.execPath, [workerBin(), ...flags], {
      stdio: 'inherit',
      env: { ...process.env, RESTFLOW_WORKER_TOKEN: token },
    });
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    process.on('SIGINT', forward('SIGINT'));
    process.on('SIGTERM', forward('SIGTERM'));
    const code = await new Promise<number>((resolve) => child.once('exit', (status) => resolve(status ?? 1)));
    if (code !== 0) throw new CliError(`the worker stopped with exit code ${code}`, code);
  },
);

export const workersCommand = daemonLeaf(
  'workers',
  'List the workers of a queue-backed daemon: heartbeat, load, version (docs/workers.md)',
  noArgs,
  async (client, _args, out) => {
    const workers = await client.workers.list.query();
    out.table(workers, [
      { header: 'Id', value: (w) => w.id.slice(0, 8) },
      { header: 'Name', value: (w) => w.name },
      { header: 'Status', value: (w) => w.status },
      { header: 'Tags', value: (w) => w.tags.join(',') || '-' },
      { header: 'Load', value: (w) => `${w.active_runs.length}/${w.concurrency}` },
      { header: 'Version', value: (w) => w.version },
      { header: 'Last heartbeat', value: (w) => formatTime(w.last_heartbeat_at) },
    ]);
  },
);
