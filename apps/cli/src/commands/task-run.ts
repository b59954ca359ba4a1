// `task run` / `task watch` / `task cancel` / `task webhook`: runs started in the daemon and followed live through
// the resumable `tasks.onEvents` subscription (no polling; a daemon restart resumes where it left off).
import type { RestflowClient, RouterOutputs } from '@restflow/api/client';
import { daemonLeaf } from '../command.ts';
import type { Output } from '../output.ts';
import { shortId } from '../output.ts';
import { formatRunDuration } from './task-options.ts';

type Handlers = NonNullable<Parameters<RestflowClient['tasks']['onEvents']['subscribe']>[1]>;
export type TaskStreamEvent = Parameters<NonNullable<Handlers['onData']>>[0]['data'];
type Kind = TaskStreamEvent['kind'];

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

const clockTime = (ms: number) => new Date(ms).toTimeString().slice(0, 8);

function describeProgress(kind: Extract<Kind, { type: 'progress' }>): string {
  const details = (kind.details ?? {}) as Record<string, unknown>;
  switch (kind.phase) {
    case 'retrying':
      return `retrying (attempt ${details.attempt} of ${details.max_attempts}) in ${formatRunDuration(Number(details.delay_ms))}: ${details.error}`;
    case 'failover':
      return `model ${details.from} failed (${details.error}); trying ${details.to}`;
    case 'queued':
      return 'queued: every worker is busy';
    case 'process_started':
      return `process started (pid ${details.pid})`;
    case 'memory_persisted':
      return `transcript saved to memory (${details.chunks} chunk${details.chunks === 1 ? '' : 's'})`;
    default:
      return kind.details === undefined ? kind.phase : `${kind.phase} ${JSON.stringify(kind.details)}`;
  }
}

/** One line per event (output lines as they are), for text mode. */
export function describeTaskEvent(kind: Kind): string | undefined {
  switch (kind.type) {
    case 'started':
      return `▶ started (${kind.execution_mode}, ${kind.trigger}${kind.source ? ` from ${kind.source}` : ''})`;
    case 'progress':
      return `… ${describeProgress(kind)}`;
    case 'completed':
      return `✓ completed in ${formatRunDuration(kind.duration_ms)}`;
    case 'failed':
      return `✗ failed after ${formatRunDuration(kind.duration_ms)}: ${kind.error}`;
    case 'cancelled':
      return `■ cancelled: ${kind.reason}`;
    case 'skipped':
      return `⏭ skipped: ${kind.reason}${kind.resume_at ? `; next run ${new Date(kind.resume_at).toISOString()}` : ''}`;
    case 'notification_sent':
      return `✉ ${kind.message}`;
    case 'notification_failed':
      return `✉ notification failed: ${kind.error}`;
    default:
      return undefined;
  }
}

/** Renders a multi-task stream: `HH:MM:SS name  …`, agent text buffered into whole lines per run. */
class WatchPrinter {
  private readonly partial = new Map<string, string>();

  constructor(
    private readonly out: Output,
    private readonly names: Map<string, string>,
  ) {}

  print(event: TaskStreamEvent): void {
    if (this.out.json) {
      this.out.write(`${JSON.stringify(event)}\n`);
      return;
    }
    const { kind } = event;
    if (kind.type === 'started') this.names.set(event.task_id, kind.task_name);
    const prefix = `${clockTime(event.timestamp)} ${this.names.get(event.task_id) ?? shortId(event.task_id)}`;
    if (kind.type === 'output') {
      const text = kind.is_complete ? `${kind.text}\n` : kind.text;
      const lines = `${this.partial.get(event.run_id) ?? ''}${text}`.split('\n');
      this.partial.set(event.run_id, lines.pop() ?? '');
      for (const line of lines) this.out.line(`${prefix} ${kind.is_stderr ? '! ' : '│ '}${line}`);
      return;
    }
    const rest = this.partial.get(event.run_id);
    if (TERMINAL.has(kind.type) && rest) {
      this.out.line(`${prefix} │ ${rest}`);
      this.partial.delete(event.run_id);
    }
    const line = describeTaskEvent(kind);
    if (line) this.out.line(`${prefix} ${line}`);
  }
}

const run = daemonLeaf(
  'run <id>',
  'Run a task now and stream it live until it ends (exit 0 if it completed, 1 otherwise)',
  (y) => y.positional('id', { type: 'string', demandOption: true }),
  async (client, args, out) => {
    const accepted = await client.tasks.run.mutate({ id: args.id });
    const task = await client.tasks.get.query({ id: accepted.task_id });
    if (!out.json) {
      out.notice(
        `Running ${task.name} (run ${shortId(accepted.run_id)})${accepted.queued ? ', queued until a worker is free' : ''}`,
      );
    }
    const final = await followRun(client, accepted, out);
    if (!final) return;
    if (out.json) out.printJson(final);
    if (final.kind.type !== 'completed') process.exitCode = 1;
  },
);

/** Prints the run's events until its terminal one; Ctrl-C stops following (the run goes on in the daemon). */
function followRun(
  client: RestflowClient,
  accepted: RouterOutputs['tasks']['run'],
  out: Output,
): Promise<TaskStreamEvent | undefined> {
  let atLineStart = true;
  const write = (text: string) => {
    if (out.json || text === '') return;
    out.write(text);
    atLineStart = text.endsWith('\n');
  };
  const notice = (text: string) => {
    if (!atLineStart) write('\n');
    out.notice(text);
  };
  return new Promise((resolve, reject) => {
    const onInterrupt = () => {
      notice(
        `Stopped watching; the run goes on in the daemon (stop it with: restflow task cancel ${shortId(accepted.task_id)})`,
      );
      process.exitCode = 130;
      finish(undefined);
    };
    const finish = (event: TaskStreamEvent | undefined, error?: unknown) => {
      process.off('SIGINT', onInterrupt);
      subscription.unsubscribe();
      if (error) reject(error);
      else resolve(event);
    };
    process.on('SIGINT', onInterrupt);
    const subscription = client.tasks.onEvents.subscribe(
      { task_id: accepted.task_id, lastEventId: String(accepted.after_seq) },
      {
        onData: ({ data }) => {
          if (data.run_id !== accepted.run_id) return;
          const { kind } = data;
          if (kind.type === 'output') {
            if (kind.is_stderr) notice(kind.text);
            else write(kind.is_complete ? `${kind.text}\n` : kind.text);
            return;
          }
          if (kind.type === 'started') return;
          const line = describeTaskEvent(kind);
          if (line && !out.json) notice(line);
          if (TERMINAL.has(kind.type)) finish(data);
        },
        onError: (error) => finish(undefined, error),
      },
    );
  });
}

const watch = daemonLeaf(
  'watch [id]',
  'Follow task runs live (one task, or all tasks without an id); Ctrl-C exits. --format json prints NDJSON',
  (y) => y.positional('id', { type: 'string', describe: 'Task id or unique prefix (default: all tasks)' }),
  async (client, args, out) => {
    const tasks = args.id ? [await client.tasks.get.query({ id: args.id })] : await client.tasks.list.query();
    const printer = new WatchPrinter(out, new Map(tasks.map((t) => [t.id, t.name])));
    if (!out.json)
      out.notice(args.id ? `Watching ${tasks[0]?.name} (Ctrl-C to stop)` : 'Watching all tasks (Ctrl-C to stop)');
    await new Promise<void>((resolve, reject) => {
      const stop = (error?: unknown) => {
        process.off('SIGINT', onInterrupt);
        subscription.unsubscribe();
        if (error) reject(error);
        else resolve();
      };
      const onInterrupt = () => stop();
      process.on('SIGINT', onInterrupt);
      const subscription = client.tasks.onEvents.subscribe(args.id ? { task_id: tasks[0]?.id } : undefined, {
        onData: ({ data }) => printer.print(data),
        onError: (error) => stop(error),
      });
    });
  },
);

const cancel = daemonLeaf(
  'cancel <id>',
  'Stop a running task (its whole process tree for CLI mode) and pause it; an idle task is just paused',
  (y) => y.positional('id', { type: 'string', demandOption: true }),
  async (client, args, out) => {
    const result = await client.tasks.cancel.mutate({ id: args.id });
    const message = result.cancelled
      ? `Run ${shortId(result.run_id)} of task ${result.task_id} cancelled; the task is ${result.status}`
      : `Task ${result.task_id} was not running; it is ${result.status}`;
    out.result(message, result);
  },
);

const webhook = daemonLeaf(
  'webhook <id>',
  'Show (and with --enable/--disable/--rate-limit change) the webhook trigger of a task',
  (y) =>
    y
      .positional('id', { type: 'string', demandOption: true })
      .option('enable', { type: 'boolean', describe: 'Accept POST /hooks/trigger/<id>' })
      .option('disable', { type: 'boolean', describe: 'Refuse webhook triggers' })
      .option('rate-limit', { type: 'number', describe: 'Triggers per minute (default 60)' })
      .conflicts('enable', 'disable'),
  async (client, args, out) => {
    const current = await client.tasks.get.query({ id: args.id });
    const enabled = args.enable ? true : args.disable ? false : undefined;
    const rateLimit = args.rateLimit;
    const task =
      enabled !== undefined || rateLimit !== undefined
        ? await client.tasks.update.mutate({
            id: current.id,
            webhook: {
              ...(enabled !== undefined ? { enabled } : {}),
              ...(rateLimit !== undefined ? { rate_limit: rateLimit } : {}),
            },
          })
        : current;
    const status = await client.system.status.query();
    const base = status.transports.find((t) => t.kind === 'http')?.address;
    const info = {
      task_id: task.id,
      enabled: task.webhook?.enabled ?? false,
      rate_limit: task.webhook?.rate_limit ?? null,
      token: task.webhook?.token ?? null,
      url: base ? `${base}/hooks/trigger/${task.id}` : null,
    };
    out.record(
      [
        ['Task', `${task.name} (${task.id})`],
        ['Enabled', info.enabled ? 'yes' : 'no'],
        ['Rate Limit', info.rate_limit === null ? null : `${info.rate_limit}/min`],
        ['URL', info.url ?? '(the daemon has no HTTP listener)'],
        ['Token', info.token],
        ['Example', info.url ? `curl -X POST -H 'Authorization: Bearer ${info.token}' ${info.url}` : null],
      ],
      info,
    );
  },
);

export const taskRunCommands = [run, cancel, watch, webhook];
