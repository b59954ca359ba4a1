// Composition root: the only place that opens the database and wires services to transports.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { appRouter, createContextFactory, type DaemonStatus, loadRouterOf, type TransportInfo } from '@restflow/api';
import { BufferBudget, type PipeServer, servePipe } from '@restflow/api/server/pipe';
import {
  createServices,
  HEARTBEAT_STREAM,
  type LogFeed,
  probeSandbox,
  type Redactor,
  type RestflowServices,
  runChannel,
  type StoredEvent,
  type ToolSandbox,
} from '@restflow/core';
import { closeDb, createDb, startWalCheckpointer, type WalCheckpointer } from '@restflow/db';
import { processIdentity, removePidFile, runModeOf, writePidFile } from '@restflow/launcher/records';
import { PROTOCOL_VERSION, RESTFLOW_VERSION, type RestflowPaths, resolvePaths } from '@restflow/paths';
import type { TelegramChannel } from './channels/telegram/index.ts';
import { acquireInstanceLock, type InstanceLock } from './lifecycle/instance-lock.ts';
import { recoverStaleFiles } from './lifecycle/stale-files.ts';
import { reportedProtocolVersion } from './lifecycle/test-hooks.ts';
import { componentLogger, type Logger, type LogSettings } from './logger.ts';
import { logIds, logRunLifecycle } from './run-log.ts';
import { searchesOnThread } from './search-thread/searches-on-thread.ts';
import { onFirstConnection } from './transports/on-first-connection.ts';
import { remoteBindRefusal } from './transports/remote-bind.ts';

/** How long after the pipe serves the HTTP side starts loading without a first answer (DaemonOptions). */
const HTTP_LOAD_GRACE_MS = 5;

/** How long after "ready" the work no client waits for starts (the Telegram channel, the live model lists). */
const BACKGROUND_START_DELAY_MS = 250;

export interface DaemonOptions {
  dataDir: string;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  /** Called once the daemon has fully stopped after a `system.shutdown` request. */
  onShutdownRequested?: (reason: string) => void;
  /** HTTP listener; port 0 picks a free port. Defaults: RESTFLOW_HTTP_HOST / RESTFLOW_HTTP_PORT, else 127.0.0.1:8787. */
  http?: { host: string; port: number } | false;
  /** Shared with the logger, so log lines lose the same secret values as tool output. */
  redactor?: Redactor;
  /** The logger's lines for `logs.list` / `logs.onLine` (main.ts feeds it). */
  logs?: LogFeed;
  /** The config's log_* keys, once the database is open and again on each config change (log rotation). */
  onLogSettings?: (settings: LogSettings) => void;
  /**
   * The tools sandbox, or its probe under way (main.ts passes the one boot.ts started before the code loaded).
   * Default: probed here, while the database opens. Awaited before any service exists.
   */
  sandbox?: ToolSandbox | Promise<ToolSandbox>;
  /**
   * How long the HTTP side waits for the pipe's first answer before it loads anyway: it is ~20 ms of code, and a
   * client asking meanwhile would wait behind it. Default HTTP_LOAD_GRACE_MS; the daemon's process (main.ts) waits
   * longer, as the client that started it is usually asking already (the launcher pings every 50 ms).
   */
  httpAfterFirstAnswerMs?: number;
  /**
   * The daemon's entry file (main.ts passes the process's) and what its thread's environment adds: the searches
   * then run on a thread that runs it too (search-thread/search-thread.ts). Without it they run on the daemon's.
   */
  searchThread?: { entry: string; env?: Record<string, string> };
}

export interface RunningDaemon {
  paths: RestflowPaths;
  services: RestflowServices;
  status(): DaemonStatus;
  /** The web console's sign-in URL (carries the console token); undefined without an HTTP listener. */
  consoleUrl(): string | undefined;
  stop(reason: string): Promise<void>;
  /** Resolves when the daemon has stopped, whoever stopped it. */
  stopped: Promise<void>;
}

export async function startDaemon(options: DaemonOptions): Promise<RunningDaemon> {
  const { logger } = options;
  const paths = resolvePaths(options.dataDir);
  fs.mkdirSync(paths.dataDir, { recursive: true, mode: 0o700 });
  fs.mkdirSync(paths.logsDir, { recursive: true, mode: 0o700 });

  // The lock first: nothing below may touch shared files unless this process owns the data dir.
  const lock: InstanceLock = acquireInstanceLock(paths.lockFile);
  // Teardown steps, run in order on stop: pid file, pipe, database — then the lock, last, so a successor can
  // never have its files removed by us.
  const teardown: { name: string; run: () => void | Promise<void> }[] = [];
  const runTeardown = async () => {
    for (const step of teardown.reverse()) {
      try {
        await step.run();
      } catch (error) {
        logger.error({ err: error, step: step.name }, 'error during shutdown step');
      }
    }
    lock.release();
  };
  try {
    recoverStaleFiles(paths, logger);

    const sandbox = options.sandbox ?? probeSandbox(options.env ?? process.env);
    const db = createDb(paths.database);
    teardown.push({ name: 'database', run: () => closeDb(db) });
    const services = createServices({
      db,
      paths,
      env: options.env ?? process.env,
      sandbox: await sandbox,
      ...(options.redactor ? { redactor: options.redactor } : {}),
      ...(options.logs ? { logs: options.logs } : {}),
    });
    // Under the queue backend runs go to workers: its connection is in place before anything can start a run.
    await services.workers.ready;
    if (options.onLogSettings) {
      const apply = options.onLogSettings;
      apply(services.config.get());
      teardown.push({ name: 'log settings', run: services.config.onChange(apply) });
    }
    // Just before the database closes (teardown runs in reverse): an approval's expiry timer must not fire into it.
    teardown.push({ name: 'approval timers', run: () => services.security.approvals.dispose() });
    if (services.sandbox.warning) logger.warn({ tools_sandbox: services.sandbox.kind }, services.sandbox.warning);
    else logger.info({ tools_sandbox: services.sandbox.kind }, 'agent tools run sandboxed');
    const seeded = await services.defaultAgent.seed();
    if (seeded.seeded) {
      logger.info({ agentId: seeded.seeded.id, model: seeded.seeded.agent.model ?? null }, 'seeded the default agent');
    }
    if (seeded.assigned) {
      logger.info(
        { agentId: seeded.assigned.id, model: seeded.assigned.agent.model },
        'gave the default agent a model',
      );
    }
    // From now on a key, auth profile or endpoint that appears gives a model-less default agent one; the live
    // lists (an OpenAI-compatible server's models) are asked once in the background a moment after the daemon is
    // ready (assignLive below), never delaying start-up.
    const watchDefaults = new AbortController();
    const reportAssigned = (agent: { id: string; agent: { model?: string } }) =>
      logger.info({ agentId: agent.id, model: agent.agent.model }, 'gave the default agent a model');
    const reportError = (err: unknown) => logger.warn({ err }, 'could not pick a model for the default agent');
    void services.defaultAgent.watch(watchDefaults.signal, { onAssigned: reportAssigned, onError: reportError });
    const assignLive = () =>
      void services.defaultAgent.assign({ live: true }).then((a) => a && reportAssigned(a), reportError);
    teardown.push({ name: 'default agent watch', run: () => watchDefaults.abort() });
    // Before the runs a previous daemon left running are closed: those whose job still waits in the queue are
    // re-attached instead (docs/workers.md), so a restart loses no queued job.
    const reattached = await services.workers.reattach();
    if (reattached.length > 0) logger.info({ runs: reattached.length }, 're-attached runs still queued for workers');
    const interrupted = services.runs.recoverInterrupted();
    if (interrupted) logger.warn({ runs: interrupted }, 'marked runs cut off by the previous daemon as interrupted');
    // After the runs that may be calling them (teardown runs in reverse): no MCP server process outlives us.
    teardown.push({ name: 'mcp servers', run: () => services.mcpClients.stopAll() });
    // After the active runs have stopped (teardown runs in reverse): the queue backend's connections (docs/workers.md).
    teardown.push({ name: 'execution backend', run: () => services.workers.close() });
    // Runs before the database closes (teardown runs in reverse): active runs end as interrupted, saved.
    teardown.push({ name: 'agent runs', run: () => services.runs.stopAll() });
    services.terminals.markAllStopped();
    // Scheduler warnings (tick failures, busy workers, recovered runs) also go to the daemon log.
    const schedulerLog = componentLogger(logger, 'scheduler');
    services.bus.subscribe(runChannel(HEARTBEAT_STREAM), (event) => {
      const { type, payload } = event as StoredEvent;
      if (type === 'warning') {
        schedulerLog.warn(
          { code: payload.code, ...logIds(payload as Record<string, unknown>) },
          String(payload.message),
        );
      }
    });
    const unlogRuns = logRunLifecycle(services, { runs: componentLogger(logger, 'runs'), scheduler: schedulerLog });
    teardown.push({ name: 'run log', run: unlogRuns });
    // After the recoveries above, so it never sees their runs; stopped before anything else on the way down.
    services.scheduler.start();
    teardown.push({ name: 'scheduler', run: () => services.scheduler.stop() });
    services.maintenance.start();
    teardown.push({ name: 'maintenance', run: () => services.maintenance.stop() });

    const startedAt = Date.now();
    const transports: TransportInfo[] = [];
    let consoleUrl: string | undefined;
    let telegram: TelegramChannel | undefined;
    let stopping: Promise<void> | undefined;
    let markStopped: () => void = () => {};
    const stopped = new Promise<void>((resolve) => {
      markStopped = resolve;
    });

    const status = (): DaemonStatus => ({
      pid: process.pid,
      version: RESTFLOW_VERSION,
      protocol_version: reportedProtocolVersion(PROTOCOL_VERSION),
      started_at: startedAt,
      uptime_ms: Date.now() - startedAt,
      data_dir: paths.dataDir,
      transports: [...transports],
      tools_sandbox: services.sandbox.kind,
      tools_sandbox_warning: services.sandbox.warning,
      channels: { telegram: telegram?.status() ?? { state: 'off', error: null, bot_username: null } },
    });

    const stop = (reason: string): Promise<void> => {
      stopping ??= (async () => {
        logger.info({ reason }, 'daemon stopping');
        // First: no task may start, and running ones (CLI process trees included) end, while transports close.
        await services.scheduler.stop();
        await runTeardown();
        logger.info('daemon stopped');
        markStopped();
      })();
      return stopping;
    };

    const createContext = createContextFactory(services, {
      status,
      consoleUrl: () => consoleUrl,
      shutdown: (reason) => {
        // Let the reply leave before the pipe closes.
        setTimeout(() => {
          void stop(reason).then(() => options.onShutdownRequested?.(reason));
        }, 20);
      },
    });

    // Never awaited: a slow or unreachable Telegram must not delay the daemon; its state is in the status. The
    // channel's code (grammY) is loaded once the daemon is ready (afterStart below), and never once it is stopping.
    let telegramClosed = false;
    let telegramLoaded: Promise<void> = Promise.resolve();
    const startTelegram = () => {
      telegramLoaded = import('./channels/telegram/index.ts').then(({ createTelegramChannel }) => {
        if (telegramClosed) return;
        telegram = createTelegramChannel(services, createContext('local'), componentLogger(logger, 'telegram'));
        void telegram.start();
      });
    };
    // The write-ahead log is checkpointed by a thread of its own (packages/db/src/wal-checkpointer.ts), started with
    // the work no client waits for; stopped before the database closes.
    let checkpointer: WalCheckpointer | undefined;
    const checkpointFailed = (err: unknown) =>
      logger.warn({ err }, 'the checkpoint thread failed: the database checkpoints its log by itself again');
    // Never started once the daemon stops: the 'background start' step clears its timer first.
    const startCheckpointer = () => {
      try {
        checkpointer = startWalCheckpointer(db.$client, { onError: checkpointFailed });
      } catch (error) {
        checkpointFailed(error);
      }
    };
    // The searches go to a thread of their own once it is ready (search-thread/searches-on-thread.ts).
    let stopSearchThread: (() => Promise<void>) | undefined;
    const startSearching = () => {
      if (options.searchThread) {
        stopSearchThread = searchesOnThread(services, { ...options.searchThread, database: paths.database }, logger);
      }
    };
    teardown.push({ name: 'search thread', run: async () => await stopSearchThread?.() });
    teardown.push({
      name: 'checkpoint thread',
      run: async () => {
        await checkpointer?.stop();
      },
    });
    teardown.push({
      name: 'telegram',
      run: async () => {
        telegramClosed = true;
        await telegramLoaded.catch(() => undefined);
        await telegram?.stop();
      },
    });

    // Before anything serves: a daemon told to listen beyond loopback without an API token refuses to start
    // (docs/remote-access.md), rather than answering on its pipe and then stopping.
    const httpOptions = options.http ?? httpOptionsFromEnv(options.env ?? process.env);
    const bindRefusal = httpOptions ? remoteBindRefusal(httpOptions.host, services.apiTokens.count()) : undefined;
    if (bindRefusal) throw new Error(bindRefusal);

    // One total of partly received requests over the pipe and the WebSocket (docs/limits.md).
    const buffers = new BufferBudget();
    let firstAnswer: () => void = () => {};
    const answered = new Promise<void>((resolve) => {
      firstAnswer = resolve;
    });
    const pipe: PipeServer = await servePipe({
      budget: buffers,
      onFirstAnswer: () => firstAnswer(),
      router: appRouter,
      path: paths.pipe,
      createContext: () => createContext('pipe'),
      onError: (error, path) => logTrpcError(logger, error, path),
      // Loaded by the first HTTP request on the pipe (a relay such as `restflow web serve`): node:http and the
      // HTTP adapter are not on the way to the first NDJSON answer.
      http: onFirstConnection(async () => {
        const [{ createPipeHttp }, { createHttpAuthenticator }] = await Promise.all([
          import('./transports/pipe-http.ts'),
          import('./transports/http-auth.ts'),
        ]);
        return createPipeHttp({
          router: appRouter,
          // Bearer tokens only: the pipe's requests carry no console cookie (pipe-http.ts).
          auth: createHttpAuthenticator({ tokens: services.apiTokens, consoleToken: randomBytes(32).toString('hex') }),
          createContext: (caller) => createContext('pipe', caller),
          onError: (error, path) => logTrpcError(logger, error, path),
        });
      }),
    });
    transports.push({ kind: 'pipe', address: paths.pipe });
    teardown.push({
      name: 'pipe',
      run: async () => {
        await pipe.close();
        if (!paths.pipe.startsWith('\\\\')) fs.rmSync(paths.pipe, { force: true });
      },
    });

    // As soon as the pipe serves: a launcher that has its first answer reads it to know which process that is.
    writePidFile(paths.pidFile, {
      pid: process.pid,
      identity: processIdentity(process.pid),
      startedAt,
      version: RESTFLOW_VERSION,
      pipe: paths.pipe,
      ...supervisionRecord(),
    });
    teardown.push({ name: 'pid file', run: () => removePidFile(paths.pidFile, process.pid) });

    // Every client's first call is into `system` (the handshake's status, or a ping): its router (with zod and its
    // schemas, ~20 ms) loads now, while the client that saw the pipe appear is still connecting. A load that fails
    // fails that call, with its error, as it would have without this.
    loadRouterOf(appRouter, 'system.status').catch(() => undefined);

    if (httpOptions) {
      // Loaded once the pipe has answered its first request, or after httpAfterFirstAnswerMs without one: the HTTP
      // side's code (routes, REST, MCP, the WebSocket; ~20 ms of work) is not on the way to the first pipe answer.
      await firstOf(answered, options.httpAfterFirstAnswerMs ?? HTTP_LOAD_GRACE_MS);
      const { startHttpStack } = await import('./transports/http-stack.ts');
      await turnOfEventLoop();
      const http = await startHttpStack({
        listen: httpOptions,
        services,
        paths,
        env: options.env ?? process.env,
        logger,
        budget: buffers,
        createContext,
        status,
        onTrpcError: (error, path) => logTrpcError(logger, error, path),
        onTeardown: (step) => teardown.push(step),
      });
      if (http) {
        transports.push(...http.transports);
        consoleUrl = http.consoleUrl;
      }
    }

    logger.info({ pipe: paths.pipe, dataDir: paths.dataDir, version: RESTFLOW_VERSION }, 'daemon ready');
    // Work no client waits for starts a moment later, once the clients that started the daemon have had their first
    // answers: loading grammY takes ~35 ms and asking for the live model lists ~6 ms, and no request is answered
    // meanwhile.
    const later = [
      setTimeout(assignLive, BACKGROUND_START_DELAY_MS),
      setTimeout(startTelegram, BACKGROUND_START_DELAY_MS),
      setTimeout(startCheckpointer, BACKGROUND_START_DELAY_MS),
      setTimeout(startSearching, BACKGROUND_START_DELAY_MS),
    ];
    // Runs before the Telegram step (teardown runs in reverse): a daemon stopped at once never loads the channel.
    teardown.push({ name: 'background start', run: () => later.forEach(clearTimeout) });
    return { paths, services, status, consoleUrl: () => consoleUrl, stop, stopped };
  } catch (error) {
    await runTeardown();
    throw error;
  }
}

const turnOfEventLoop = () => new Promise((resolve) => setImmediate(resolve));

/** Resolves with `event`, or after `ms`, whichever comes first. */
function firstOf(event: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void event.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function httpOptionsFromEnv(env: NodeJS.ProcessEnv): { host: string; port: number } | false {
  if (env.RESTFLOW_HTTP === 'off') return false;
  const port = env.RESTFLOW_HTTP_PORT === undefined ? 8787 : Number(env.RESTFLOW_HTTP_PORT);
  return { host: env.RESTFLOW_HTTP_HOST ?? '127.0.0.1', port: Number.isInteger(port) && port >= 0 ? port : 8787 };
}

function logTrpcError(logger: Logger, error: unknown, path: string | undefined): void {
  const code = (error as { code?: string }).code;
  const message = (error as Error).message;
  if (code === 'INTERNAL_SERVER_ERROR') logger.error({ path, code, err: (error as Error).cause ?? error }, message);
  else logger.debug({ path, code }, message);
}

/** How this daemon runs, and the supervisor that restarts it (its parent), for the pid file. */
function supervisionRecord() {
  const mode = runModeOf(process.env, process.argv);
  if (mode !== 'supervised') return { mode };
  return { mode, supervisor: { pid: process.ppid, identity: processIdentity(process.ppid) } };
}
