import type { RestflowClient, RouterOutputs } from '@restflow/api/client';
import type { Argv } from 'yargs';
import { daemonLeaf, type GlobalArgs, group } from '../command.ts';
import { formatTime, type Output, preview, shortId } from '../output.ts';
import {
  describeMode,
  describeSchedule,
  executionModeFromFlags,
  formatRunDuration,
  type ModeFlags,
  nullableText,
  type ScheduleFlags,
  scheduleFromFlags,
} from './task-options.ts';
import { taskRunCommands } from './task-run.ts';

type Task = RouterOutputs['tasks']['get'];

const STATUSES = ['active', 'paused', 'running', 'completed', 'failed'] as const;

function showTask(out: Output, task: Task, agentName?: string): void {
  out.record(
    [
      ['ID', task.id],
      ['Name', task.name],
      ['Agent', agentName ? `${agentName} (${task.agent_id})` : task.agent_id],
      ['Status', task.status],
      ['Schedule', describeSchedule(task.schedule)],
      ['Next Run', formatTime(task.next_run_at)],
      ['Last Run', formatTime(task.last_run_at)],
      ['Runs', `${task.success_count} ok, ${task.failure_count} failed`],
      ['Last Error', task.last_error],
      ['Mode', describeMode(task.execution_mode)],
      ['Notify', task.notification.telegram_enabled ? 'telegram' : 'off'],
      ['Webhook', task.webhook?.enabled ? 'enabled' : 'disabled'],
      ['Created', formatTime(task.created_at)],
      ['Updated', formatTime(task.updated_at)],
      ['Description', task.description],
      ['Input', task.input],
    ],
    task,
  );
}

/** Agent ids accept unique prefixes: resolved through the daemon, so the task stores the full id. */
async function resolveAgentId(client: RestflowClient, idOrPrefix: string): Promise<string> {
  return (await client.agents.get.query({ id: idOrPrefix })).id;
}

const list = daemonLeaf(
  ['list', 'ls'],
  'List background tasks',
  (y) => y.option('status', { alias: 's', choices: STATUSES, describe: 'Only tasks with this status' }),
  async (client, args, out) => {
    const [tasks, agents] = await Promise.all([
      client.tasks.list.query(args.status ? { status: args.status } : undefined),
      out.json ? Promise.resolve([]) : client.agents.list.query(),
    ]);
    const agentNames = new Map(agents.map((a) => [a.id, a.name]));
    out.table(tasks, [
      { header: 'ID', value: (t) => shortId(t.id) },
      { header: 'Name', value: (t) => t.name },
      { header: 'Agent', value: (t) => agentNames.get(t.agent_id) ?? shortId(t.agent_id) },
      { header: 'Status', value: (t) => t.status },
      { header: 'Last Run', value: (t) => formatTime(t.last_run_at) },
      { header: 'Next Run', value: (t) => formatTime(t.next_run_at) },
    ]);
  },
);

const show = daemonLeaf(
  'show <id>',
  'Show one task (id or unique prefix)',
  (y) => y.positional('id', { type: 'string', demandOption: true }),
  async (client, args, out) => {
    const task = await client.tasks.get.query({ id: args.id });
    const agent = out.json ? undefined : await client.agents.get.query({ id: task.agent_id }).catch(() => undefined);
    showTask(out, task, agent?.name);
  },
);

type EditFlags = ScheduleFlags & ModeFlags & { name?: string; agent?: string; input?: string; description?: string };

function editOptions<T>(y: Argv<T>) {
  return y
    .option('input', { alias: 'i', type: 'string', describe: 'Prompt sent to the agent on each run ("" clears)' })
    .option('description', { alias: 'd', type: 'string', describe: 'Free-text description ("" clears)' })
    .option('cron', { type: 'string', describe: 'Cron schedule, 6 fields seconds-first, e.g. "0 0 9 * * *"' })
    .option('tz', { type: 'string', describe: 'IANA time zone of --cron (default UTC), e.g. Europe/Berlin' })
    .option('every', { type: 'string', describe: 'Interval schedule: 30s, 5m, 1h, 1h30m, 2d (at least 1s)' })
    .option('at', { type: 'string', describe: 'Run once at this ISO time, e.g. 2026-05-01T09:00:00Z' })
    .option('mode', { choices: ['api', 'cli'] as const, describe: 'Execution mode (default api)' })
    .option('binary', { type: 'string', describe: 'CLI mode: program to run (default claude)' })
    .option('args', {
      type: 'string',
      nargs: 1,
      describe: 'CLI mode: arguments, shell-quoted (use --args="-p …" when they start with a dash)',
    })
    .option('workdir', { type: 'string', describe: 'CLI mode: working directory' })
    .option('timeout', { type: 'number', describe: 'CLI mode: timeout in seconds (default 300)' })
    .option('record', {
      type: 'boolean',
      describe: 'API mode: keep a recording of every run (--no-record stops); replay one with restflow run --replay',
    })
    .conflicts('cron', ['every', 'at'])
    .conflicts('every', 'at');
}

const create = daemonLeaf(
  'create',
  'Create a background task (no schedule flag = every hour)',
  (y) =>
    editOptions(
      y
        .option('agent', { alias: 'a', type: 'string', demandOption: true, describe: 'Agent id (or unique prefix)' })
        .option('name', { alias: 'n', type: 'string', demandOption: true, describe: 'Task name' }),
    ) as unknown as Argv<EditFlags & { agent: string; name: string } & GlobalArgs>,
  async (client, args, out) => {
    const agentId = await resolveAgentId(client, args.agent);
    const task = await client.tasks.create.mutate({
      name: args.name,
      agent_id: agentId,
      input: nullableText(args.input),
      description: nullableText(args.description),
      schedule: scheduleFromFlags(args),
      execution_mode: executionModeFromFlags(args),
    });
    out.result(`Task created: ${task.name} (${task.id}), next run ${formatTime(task.next_run_at)}`, task);
  },
);

const update = daemonLeaf(
  'update <id>',
  'Update a task (only the given fields change; a schedule flag replaces the schedule)',
  (y) =>
    editOptions(
      y
        .positional('id', { type: 'string', demandOption: true })
        .option('name', { alias: 'n', type: 'string', describe: 'New name' })
        .option('agent', { alias: 'a', type: 'string', describe: 'Agent id (or unique prefix)' }),
    ) as unknown as Argv<EditFlags & { id: string } & GlobalArgs>,
  async (client, args, out) => {
    const current = await client.tasks.get.query({ id: args.id });
    const task = await client.tasks.update.mutate({
      id: current.id,
      name: args.name,
      agent_id: args.agent !== undefined ? await resolveAgentId(client, args.agent) : undefined,
      input: nullableText(args.input),
      description: nullableText(args.description),
      schedule: scheduleFromFlags(args, current.schedule),
      execution_mode: executionModeFromFlags(args, current.execution_mode),
    });
    out.result(`Task updated: ${task.name} (${task.id}), next run ${formatTime(task.next_run_at)}`, task);
  },
);

const remove = daemonLeaf(
  ['delete <id>', 'rm <id>'],
  'Delete a task and its history',
  (y) => y.positional('id', { type: 'string', demandOption: true }),
  async (client, args, out) => {
    const result = await client.tasks.delete.mutate({ id: args.id });
    out.result(`Task deleted: ${result.id}`, result);
  },
);

const pause = daemonLeaf(
  'pause <id>',
  'Pause a task (a run in progress finishes first)',
  (y) => y.positional('id', { type: 'string', demandOption: true }),
  async (client, args, out) => {
    const task = await client.tasks.pause.mutate({ id: args.id });
    out.result(`Task paused: ${task.name} (${task.id})`, task);
  },
);

const resume = daemonLeaf(
  'resume <id>',
  'Resume a paused or failed task (next run computed from now)',
  (y) => y.positional('id', { type: 'string', demandOption: true }),
  async (client, args, out) => {
    const task = await client.tasks.resume.mutate({ id: args.id });
    out.result(`Task resumed: ${task.name} (${task.id}), next run ${formatTime(task.next_run_at)}`, task);
  },
);

const history = daemonLeaf(
  'history <id>',
  'Show the event history of a task, newest first',
  (y) =>
    y
      .positional('id', { type: 'string', demandOption: true })
      .option('limit', { alias: 'l', type: 'number', default: 20, describe: 'Number of events' }),
  async (client, args, out) => {
    const events = await client.tasks.events.list.query({ task_id: args.id, limit: args.limit });
    out.table(events, [
      { header: 'Time', value: (e) => formatTime(e.timestamp) },
      { header: 'Type', value: (e) => e.event_type },
      { header: 'Message', value: (e) => preview(e.output ? `${e.message ?? ''}: ${e.output}` : e.message, 60) },
      { header: 'Duration', value: (e) => formatRunDuration(e.duration_ms) },
    ]);
  },
);

export const taskCommand = group(['task', 'tasks'], 'Manage background tasks (scheduled agents)', [
  list,
  show,
  create,
  update,
  remove,
  pause,
  resume,
  history,
  ...taskRunCommands,
]);
