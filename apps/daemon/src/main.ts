// `restflow-daemon`: runs the daemon in the foreground until SIGTERM/SIGINT or `system.shutdown`.
import { LogFeed, Redactor } from '@restflow/core';
import { SchemaUpgradeError } from '@restflow/db';
import { EXIT_ALREADY_RUNNING, EXIT_CANNOT_START } from '@restflow/launcher/records';
import { resolveDataDir, resolvePaths } from '@restflow/paths';
import { startDaemon } from './daemon.ts';
import { AlreadyRunningError } from './lifecycle/instance-lock.ts';
import { processSandboxProbe } from './lifecycle/sandbox-probe.ts';
import { crashAtBootRequested } from './lifecycle/test-hooks.ts';
import { createLogger, logFiles, logRotation, RotatingLogFile } from './logger.ts';

if (crashAtBootRequested()) {
  process.stderr.write('RestFlow daemon: crashing at boot (RESTFLOW_TEST_CRASH_AT_BOOT)\n');
  process.exit(1);
}
// Everything the daemon creates (db, logs, keys) is private to the user.
process.umask(0o077);
const dataDir = resolveDataDir();
const paths = resolvePaths(dataDir);
const foreground = process.argv.includes('--foreground');
// --log-stderr sends log lines to stderr instead of logs/daemon.log (for service managers such as systemd).
// One redactor for log lines, tool output and run events; the daemon feeds it the secret values it knows.
const redactor = new Redactor();
const logFile = process.argv.includes('--log-stderr') ? undefined : paths.daemonLog;
// Rotated by the defaults (or RESTFLOW_LOG_*) until the database is open; then by the config's log_* keys.
const destination = logFile ? new RotatingLogFile(logFile, logRotation()) : undefined;
// What `restflow logs` reads and follows: the lines as written (redacted), and the files for older ones.
const logs = new LogFeed(() => (destination ? logFiles(destination.file, destination.rotation.keep) : []));
const logger = createLogger(logFile, undefined, redactor, { sink: logs, ...(destination ? { destination } : {}) });

/**
 * How long the HTTP side waits for the pipe's first answer (daemon.ts): the client that started this daemon is
 * answered before it loads; a daemon nobody asks serves HTTP after this.
 */
const HTTP_AFTER_FIRST_ANSWER_MS = 100;

/** A foreground daemon tells its terminal when and why it stops (the log has it too, as JSON). */
const say = (text: string) => {
  if (foreground) process.stderr.write(`${text}\n`);
};
const clock = () => new Date().toLocaleTimeString();

/**
 * What the search thread runs: this process's entry (the bin, or boot.ts under `npm start`), told to run what the
 * bin picked for this thread (scripts/pick-entry.cjs), the bundle or the sources.
 */
function searchThreadEntry(): { entry: string; env?: Record<string, string> } {
  const picked = (globalThis as Record<symbol, unknown>)[Symbol.for('restflow.entry-picked')];
  return {
    entry: process.argv[1] as string,
    ...(typeof picked === 'string' ? { env: { RESTFLOW_ENTRY_PICKED: picked } } : {}),
  };
}

/** Runs the daemon until it stops; a function rather than top-level await, so that the bundle can be CommonJS. */
async function main(): Promise<void> {
  try {
    const daemon = await startDaemon({
      dataDir,
      logger,
      redactor,
      logs,
      onLogSettings: (settings) => destination?.setRotation(logRotation(settings)),
      sandbox: processSandboxProbe(),
      httpAfterFirstAnswerMs: HTTP_AFTER_FIRST_ANSWER_MS,
      // RESTFLOW_SEARCH_THREAD=off: searches on the daemon's own thread (comparisons, diagnostics).
      ...(process.env.RESTFLOW_SEARCH_THREAD === 'off' ? {} : { searchThread: searchThreadEntry() }),
      onShutdownRequested: (reason) => {
        say(`RestFlow daemon stopped at ${clock()} (${reason}).`);
        process.exit(0);
      },
    });
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals += 1;
      if (signals > 1) {
        logger.warn({ signal }, 'second signal: exiting now');
        say(`Second ${signal}: exiting now, without waiting for runs to stop.`);
        process.exit(130);
      }
      say(
        `\nStopping the RestFlow daemon (${signal === 'SIGINT' ? 'Ctrl-C' : signal}) — active runs are saved as interrupted…`,
      );
      void daemon.stop(`signal ${signal}`).then(() => {
        say(`RestFlow daemon stopped at ${clock()} (${signal === 'SIGINT' ? 'Ctrl-C' : signal}).`);
        process.exit(0);
      });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    process.on('SIGHUP', onSignal);
    const addresses = daemon
      .status()
      .transports.map((t) => `  ${t.kind.padEnd(7)} ${t.address}`)
      .join('\n');
    process.stderr.write(`RestFlow daemon ready (pid ${process.pid}, data ${dataDir})\n${addresses}\n`);
    if (foreground) {
      // Only on a terminal: the URL carries the console token, and a background daemon's stderr is its log file.
      const consoleUrl = daemon.consoleUrl();
      if (consoleUrl) process.stderr.write(`  console ${consoleUrl}\n`);
      process.stderr.write(`  logs    ${paths.daemonLog}\nPress Ctrl-C to stop.\n`);
    }
  } catch (error) {
    if (error instanceof AlreadyRunningError) {
      logger.info('another daemon is already running; exiting');
      process.stderr.write(`RestFlow daemon already running for ${dataDir}\n`);
      process.exit(EXIT_ALREADY_RUNNING);
    }
    logger.fatal({ err: error }, 'daemon failed to start');
    process.stderr.write(`RestFlow daemon failed to start: ${(error as Error).message}\n`);
    // A supervisor restarts a daemon that exited 1; one whose database cannot be upgraded would only fail again.
    process.exit(error instanceof SchemaUpgradeError ? EXIT_CANNOT_START : 1);
  }
}

void main();
