// `restflow start`: the one command to get going. Ensures a supervised daemon with its HTTP listener (restarted
// after a crash, docs/lifecycle.md#supervision), prints the signed-in console URL and opens it in the browser.
// Idempotent: next to a running daemon it reports that one and exits 0.
import { getDaemonState, startDaemonInBackground } from '@restflow/launcher';
import { leaf } from '../command.ts';
import { CliError, cliPaths, connectDaemon, restartingError } from '../daemon-connection.ts';
import { openInBrowser } from './console.ts';
import { httpEnv } from './daemon.ts';

/** How long a daemon this command started may take to open its HTTP listener after its pipe answers. */
const HTTP_START_WAIT_MS = 5000;

const httpOf = (status: { transports: { kind: string; address: string }[] }) =>
  status.transports.find((t) => t.kind === 'http')?.address;

export const startCommand = leaf<{ browser: boolean; port?: number; host?: string; force: boolean }>(
  'start',
  'Start RestFlow (the daemon, restarted after a crash, and its web console) and open the console signed in',
  (y) =>
    y
      .option('browser', {
        type: 'boolean',
        default: true,
        describe: 'Open the console in your browser; --no-browser only prints its sign-in URL (servers)',
      })
      .option('port', { alias: 'p', type: 'number', describe: 'HTTP port (default: RESTFLOW_HTTP_PORT, else 8787)' })
      .option('host', {
        type: 'string',
        describe:
          'HTTP address to bind (default: RESTFLOW_HTTP_HOST, else 127.0.0.1; beyond loopback needs an API token)',
      })
      .option('force', {
        type: 'boolean',
        default: false,
        describe: 'Restart a daemon of an older protocol now, without waiting for its runs to finish',
      }),
  async (args, out) => {
    const paths = cliPaths();
    const env = { ...httpEnv({ http: true, port: args.port, host: args.host }) };
    const before = await getDaemonState(paths);
    let started = false;
    if (before.state === 'stopped' && before.supervisor !== undefined) throw restartingError(paths, before.supervisor);
    if (before.state === 'stopped') {
      if (process.env.RESTFLOW_NO_AUTOSTART === '1') {
        throw new CliError(
          'RESTFLOW_NO_AUTOSTART=1 is set: not starting the daemon (unset it, or run the daemon yourself)',
        );
      }
      out.notice('Starting the RestFlow daemon…');
      try {
        started = (await startDaemonInBackground(paths, { env })).started;
      } catch (error) {
        throw new CliError(`${(error as Error).message}\n  Why it stopped: restflow status`);
      }
    }
    const client = await connectDaemon(paths, out, { force: args.force });
    try {
      let status = await client.system.status.query();
      // A daemon just started serves its pipe first and its HTTP listener a moment later (apps/daemon/src/daemon.ts).
      for (const deadline = Date.now() + HTTP_START_WAIT_MS; started && !httpOf(status) && Date.now() < deadline; ) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        status = await client.system.status.query();
      }
      const http = httpOf(status);
      if (!http) {
        throw new CliError(
          'the running daemon serves no HTTP listener (it was started with --no-http or RESTFLOW_HTTP=off), so there ' +
            "is no console to open; restart it with one: 'restflow daemon restart --http'",
        );
      }
      if (!started && args.port !== undefined && args.port !== 0 && !http.endsWith(`:${args.port}`)) {
        out.notice(
          `The running daemon listens on ${http}, not on port ${args.port}: 'restflow daemon restart -p ${args.port}' moves it.`,
        );
      }
      const { url } = await client.system.consoleUrl.query();
      const failure = args.browser ? await openInBrowser(url) : undefined;
      if (failure !== undefined) out.notice(`Could not open a browser (${failure}); open the console URL yourself.`);
      const opened = args.browser && failure === undefined;
      out.record(
        [
          ['RestFlow', started ? `started (PID: ${status.pid})` : `already running (PID: ${status.pid})`],
          ['Console', url],
          ['Data dir', status.data_dir],
          ['Listening', http],
          ['Stop it', 'restflow daemon stop'],
        ],
        {
          running: true,
          started,
          already_running: !started,
          pid: status.pid,
          console_url: url,
          http,
          data_dir: status.data_dir,
          opened,
        },
      );
    } finally {
      client.close();
    }
  },
);
