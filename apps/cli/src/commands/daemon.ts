import { spawn } from 'node:child_process';
import { createRestflowClient } from '@restflow/api/client';
import type { ChannelStatus } from '@restflow/api/schemas';
import {
  daemonEntry,
  EXIT_ALREADY_RUNNING,
  getDaemonState,
  listenerEnvOf,
  type RunMode,
  readPidFile,
  readSupervisorRecord,
  startDaemonInBackground,
  stopDaemon,
} from '@restflow/launcher';
import type { RestflowPaths } from '@restflow/paths';
import type { Argv } from 'yargs';
import { type GlobalArgs, group, leaf, noArgs } from '../command.ts';
import { CliError, cliPaths } from '../daemon-connection.ts';
import type { Output } from '../output.ts';
import { daemonLogsCommand } from './daemon-logs.ts';
import { daemonInstallCommand, daemonUninstallCommand } from './daemon-service.ts';

/**
 * A daemon already serves this data dir (`npm start` twice, or after the CLI auto-started one): say where it
 * is and how to open the console — that is what the caller wanted, so it is a success.
 */
async function describeRunning(out: Output): Promise<void> {
  const paths = cliPaths();
  const client = createRestflowClient({ pipePath: paths.pipe });
  try {
    const status = await client.system.status.query();
    const consoleUrl = await client.system.consoleUrl.query().then(
      (r) => r.url,
      () => undefined,
    );
    const http = status.transports.find((t) => t.kind === 'http')?.address;
    out.record(
      [
        ['Daemon', `already running (PID: ${status.pid})`],
        ['Data dir', status.data_dir],
        ['Listening', http ?? 'pipe only (no HTTP listener)'],
        ['Console', consoleUrl ?? '-'],
        ['Stop it', 'restflow daemon stop'],
      ],
      {
        running: true,
        already_running: true,
        pid: status.pid,
        data_dir: status.data_dir,
        http: http ?? null,
        console_url: consoleUrl ?? null,
      },
    );
  } finally {
    client.close();
  }
}

/** Runs the daemon attached to this terminal; signals are forwarded and its exit code becomes ours. */
async function runForeground(env: NodeJS.ProcessEnv, out: Output): Promise<void> {
  const state = await getDaemonState(cliPaths(), 1000, 1000);
  if (state.state === 'running') return describeRunning(out);
  const child = spawn(process.execPath, [daemonEntry(), '--foreground'], {
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => child.kill(signal));
  }
  const code = await new Promise<number>((resolve) => {
    child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 128 : 1)));
  });
  // Another starter won the race for the data dir: the same answer as when it ran before us.
  if (code === EXIT_ALREADY_RUNNING) {
    await describeRunning(out);
    process.exit(0);
  }
  process.exit(code);
}

export async function printStatus(out: Output): Promise<void> {
  const paths = cliPaths();
  const state = await getDaemonState(paths, 1000, 1000);
  if (state.state !== 'running') {
    const supervision = describeSupervision(paths);
    const data =
      state.state === 'unresponsive'
        ? { running: false, state: 'unresponsive', pid: state.pid, pipe: paths.pipe, dataDir: paths.dataDir }
        : state.supervisor !== undefined
          ? {
              running: false,
              state: 'restarting',
              supervisor_pid: state.supervisor,
              pipe: paths.pipe,
              dataDir: paths.dataDir,
            }
          : { running: false, state: 'stopped', stale: state.stale, pipe: paths.pipe, dataDir: paths.dataDir };
    const message =
      state.state === 'unresponsive'
        ? `Daemon unresponsive (PID: ${state.pid}) on ${paths.pipe}`
        : state.supervisor !== undefined
          ? `Daemon restarting after a crash (supervisor PID: ${state.supervisor})`
          : `Daemon not running${state.stale.length ? ` (stale: ${state.stale.join(', ')})` : ''}`;
    const gaveUp = supervision.gave_up ? `\nSupervisor gave up: ${supervision.gave_up.reason}` : '';
    return out.result(`${message}${gaveUp}`, { ...data, supervision });
  }
  const client = createRestflowClient({ pipePath: paths.pipe });
  try {
    const status = await client.system.status.query();
    const supervision = describeSupervision(paths, status.pid);
    out.record(
      [
        ['Daemon', `running (PID: ${status.pid})`],
        ['Mode', describeMode(supervision)],
        ['Version', status.version],
        ['Protocol', status.protocol_version],
        ['Uptime', `${Math.round(status.uptime_ms / 1000)} s`],
        ['Data dir', status.data_dir],
        ['Transports', status.transports.map((t) => `${t.kind} ${t.address}`)],
        [
          'Tool sandbox',
          status.tools_sandbox_warning
            ? `${status.tools_sandbox} — WARNING: ${status.tools_sandbox_warning}`
            : status.tools_sandbox,
        ],
        ['Telegram', describeTelegram(status.channels?.telegram)],
      ],
      { running: true, state: 'running', ...status, supervision },
    );
  } finally {
    client.close();
  }
}

interface Supervision {
  /** supervised / service / foreground / background; null when no daemon (or one too old to say) runs. */
  mode: RunMode | null;
  supervisor_pid: number | null;
  /** Restarts after a crash by the supervisor of the running daemon. */
  restarts: number;
  last_crash: { at: number; code: number | null; signal: string | null } | null;
  /** Why the last supervisor stopped restarting the daemon (it kept crashing). */
  gave_up: { reason: string; at: number } | null;
}

/** How the daemon runs and what its supervisor did, from the pid file and the supervisor's record. */
function describeSupervision(paths: RestflowPaths, daemonPid?: number): Supervision {
  const pidState = readPidFile(paths.pidFile);
  const record = pidState.kind === 'alive' && pidState.record.pid === daemonPid ? pidState.record : undefined;
  const supervisorRecord = readSupervisorRecord(paths);
  const ours = record?.supervisor && supervisorRecord?.pid === record.supervisor.pid ? supervisorRecord : undefined;
  const gaveUp =
    daemonPid === undefined && supervisorRecord?.state === 'gave_up' && supervisorRecord.reason
      ? { reason: supervisorRecord.reason, at: supervisorRecord.gave_up_at ?? supervisorRecord.updated_at }
      : null;
  return {
    mode: record?.mode ?? null,
    supervisor_pid: record?.supervisor?.pid ?? null,
    restarts: ours?.restarts ?? 0,
    last_crash: ours?.crashes.at(-1) ?? null,
    gave_up: gaveUp,
  };
}

function describeMode(s: Supervision): string {
  switch (s.mode) {
    case 'supervised': {
      const crash = s.last_crash
        ? `, last after ${s.last_crash.signal ? `signal ${s.last_crash.signal}` : `exit code ${s.last_crash.code}`} at ${new Date(s.last_crash.at).toLocaleTimeString()}`
        : '';
      return `supervised (supervisor PID: ${s.supervisor_pid}; restarted ${s.restarts} time${s.restarts === 1 ? '' : 's'} after a crash${crash})`;
    }
    case 'service':
      return 'service unit (systemd/launchd restarts it after a crash; restflow daemon uninstall removes it)';
    case 'foreground':
      return 'foreground (attached to a terminal; not restarted after a crash)';
    case 'background':
      return 'background, unsupervised (not restarted after a crash)';
    default:
      return 'unknown (a daemon from before supervision)';
  }
}

const stopOptions = (y: Argv<GlobalArgs>) =>
  y.option('timeout', { type: 'number', default: 10, describe: 'Seconds to wait after SIGTERM before SIGKILL' });

interface Outcome {
  message: string;
  data: Record<string, unknown>;
}

async function stop(timeoutSeconds: number): Promise<Outcome> {
  const result = await stopDaemon(cliPaths(), { termTimeoutMs: timeoutSeconds * 1000 });
  if (!result.wasRunning) {
    const cleaned = result.cleaned.length ? ` (removed stale ${result.cleaned.join(', ')})` : '';
    return { message: `Daemon not running${cleaned}`, data: { stopped: false, ...result } };
  }
  return {
    message: result.killed
      ? `Daemon killed (PID: ${result.pid}) after it ignored SIGTERM`
      : `Daemon stopped (PID: ${result.pid})`,
    data: { stopped: true, ...result },
  };
}

const httpOptions = <T extends GlobalArgs>(y: Argv<T>) =>
  y
    .option('http', {
      type: 'boolean',
      describe:
        'Serve the HTTP listener (health, webhooks, web console); --no-http: the pipe only (default: on unless RESTFLOW_HTTP=off)',
    })
    .option('port', { alias: 'p', type: 'number', describe: 'HTTP port (default: RESTFLOW_HTTP_PORT, else 8787)' })
    .option('host', {
      type: 'string',
      describe:
        'HTTP address to bind (default: RESTFLOW_HTTP_HOST, else 127.0.0.1); beyond loopback needs an API token (docs/remote-access.md)',
    });

/** The daemon reads its HTTP settings from the environment; flags given here override the inherited values. */
export function httpEnv(args: {
  http: boolean | undefined;
  port: number | undefined;
  host?: string;
}): NodeJS.ProcessEnv {
  if (args.port !== undefined && !(Number.isInteger(args.port) && args.port >= 0 && args.port <= 65_535)) {
    throw new CliError(`port: must be an integer from 0 to 65535, got ${args.port}`, 2);
  }
  const env: NodeJS.ProcessEnv = {};
  if (args.http !== undefined) env.RESTFLOW_HTTP = args.http ? 'on' : 'off';
  if (args.port !== undefined) env.RESTFLOW_HTTP_PORT = String(args.port);
  if (args.host !== undefined) {
    if (args.host.trim() === '') throw new CliError('host: must not be empty (e.g. 127.0.0.1 or 0.0.0.0)', 2);
    env.RESTFLOW_HTTP_HOST = args.host.trim();
  }
  return env;
}

async function start(env: NodeJS.ProcessEnv = {}): Promise<Outcome> {
  const paths = cliPaths();
  try {
    const result = await startDaemonInBackground(paths, { env: { ...process.env, ...env } });
    return {
      message: result.started
        ? `Daemon started (PID: ${result.pid})`
        : `Daemon already running (PID: ${result.pid ?? 'unknown'})`,
      data: { running: true, ...result, pipe: paths.pipe },
    };
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}

const startCmd = leaf(
  'start',
  'Start the daemon (in the background unless --foreground)',
  (y) =>
    httpOptions(y).option('foreground', {
      alias: 'f',
      type: 'boolean',
      default: false,
      describe: 'Run attached to this terminal',
    }),
  async (args, out) => {
    const env = httpEnv(args);
    if (args.foreground) return runForeground(env, out);
    const outcome = await start(env);
    out.result(outcome.message, outcome.data);
  },
);

const stopCmd = leaf(
  'stop',
  'Stop the daemon (SIGTERM, then SIGKILL after --timeout)',
  stopOptions,
  async (args, out) => {
    const outcome = await stop(args.timeout);
    out.result(outcome.message, outcome.data);
  },
);

const restartCmd = leaf(
  'restart',
  'Stop then start the daemon',
  (y) => httpOptions(stopOptions(y)),
  async (args, out) => {
    // Without flags the listener comes back where it was: open console tabs (and their per-port cookie) keep working.
    const env = { ...listenerEnvOf(cliPaths()), ...httpEnv(args) };
    const stopped = await stop(args.timeout);
    const started = await start(env);
    out.result(`${stopped.message}\n${started.message}`, { stop: stopped.data, start: started.data });
  },
);

const statusCmd = leaf('status', 'Show whether the daemon runs, and its details', noArgs, (_args, out) =>
  printStatus(out),
);

export const daemonCommand = group('daemon', 'Start, stop and inspect the daemon', [
  startCmd,
  stopCmd,
  restartCmd,
  statusCmd,
  daemonLogsCommand,
  daemonInstallCommand,
  daemonUninstallCommand,
]);
export const topLevelStatusCommand = leaf('status', 'Show daemon status (never starts it)', noArgs, (_args, out) =>
  printStatus(out),
);

/** `restflow status`'s line for the Telegram channel: its state, and why when it cannot run. */
function describeTelegram(telegram: ChannelStatus | undefined): string {
  if (!telegram || telegram.state === 'off') return 'off (no TELEGRAM_BOT_TOKEN)';
  if (telegram.state === 'running') return `running as @${telegram.bot_username}`;
  return telegram.error ? `${telegram.state} — ${telegram.error}` : telegram.state;
}
