// `restflow logs`: the daemon's unified log (every component), filtered by time, level, component, task or run,
// from the daemon (`logs.list`); `-f` follows live lines through the `logs.onLine` subscription — the client
// never tails a file. `restflow daemon logs` still reads the file directly, for when the daemon is down.
import type { RestflowClient } from '@restflow/api/client';
import { daemonLeaf } from '../command.ts';
import { CliError } from '../daemon-connection.ts';
import type { Output } from '../output.ts';
import { formatLogLine } from './daemon-logs.ts';
import { parseSince } from './usage.ts';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
type Level = (typeof LEVELS)[number];

type Line = Awaited<ReturnType<RestflowClient['logs']['list']['query']>>['lines'][number];

function print(out: Output, line: Line): void {
  out.line(out.json ? line.raw : formatLogLine(line.raw));
}

export const logsCommand = daemonLeaf<{
  follow: boolean;
  since?: string;
  level?: string;
  component?: string;
  task?: string;
  run?: string;
  session?: string;
  lines: number;
}>(
  'logs',
  'Show the daemon’s unified log (all components); -f follows live lines; --format json prints the JSON lines',
  (y) =>
    y
      .option('follow', { alias: 'f', type: 'boolean', default: false, describe: 'Keep printing new lines' })
      .option('since', { type: 'string', describe: 'Only lines since a duration ago (10m, 2h, 1d) or a date' })
      .option('level', { type: 'string', choices: LEVELS, describe: 'The least severe level shown' })
      .option('component', { type: 'string', describe: 'daemon, scheduler, runs, telegram, mcp, http' })
      .option('task', { type: 'string', describe: 'Only lines about this task id' })
      .option('run', { type: 'string', describe: 'Only lines about this run id' })
      .option('session', { type: 'string', describe: 'Only lines about this chat session id' })
      .option('lines', { alias: 'n', type: 'number', default: 50, describe: 'How many of the last lines to show' }),
  async (client, args, out) => {
    if (!Number.isInteger(args.lines) || args.lines < 1) throw new CliError('--lines must be a positive integer', 2);
    const filter = {
      ...(args.since !== undefined ? { since: parseSince(args.since) } : {}),
      ...(args.level ? { level: args.level as Level } : {}),
      ...(args.component ? { component: args.component } : {}),
      ...(args.task ? { task_id: args.task } : {}),
      ...(args.run ? { run_id: args.run } : {}),
      ...(args.session ? { session_id: args.session } : {}),
    };
    const { lines } = await client.logs.list.query({ ...filter, limit: Math.min(args.lines, 10_000) });
    for (const line of lines) print(out, line);
    if (!args.follow) return;
    await new Promise<void>((resolve, reject) => {
      const subscription = client.logs.onLine.subscribe(filter, {
        onData: ({ data }) => print(out, data),
        onError: (error) => reject(error),
        onComplete: () => resolve(),
      });
      const stop = () => {
        subscription.unsubscribe();
        resolve();
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  },
);
