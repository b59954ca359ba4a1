import { TOOL_CATALOGUE } from '@restflow/core';
import { tracked } from '@trpc/server';
// Its own schemas only, not the index: the first ping loads this sub-router, and serving it builds no other schema.
import { daemonStatusSchema, heartbeatStreamInput } from '../schemas/system.ts';
import { instantProcedure, publicProcedure, router, TRPCError } from '../trpc.ts';

export const systemRouter = router({
  ping: instantProcedure.query(() => 'pong' as const),

  status: publicProcedure.output(daemonStatusSchema).query(({ ctx }) => ctx.daemon.status()),

  /** Really stops the daemon (after this reply is sent). */
  shutdown: publicProcedure.mutation(({ ctx }) => {
    ctx.daemon.shutdown(`requested over ${ctx.transport}`);
    return { shutting_down: true as const };
  }),

  /**
   * The web console's sign-in URL, `http://127.0.0.1:<port>/auth?token=…`. Only over the pipe (a 0600 socket):
   * the token must never reach a web page, so the WebSocket and IPC mounts are refused.
   */
  consoleUrl: publicProcedure.query(({ ctx }) => {
    if (ctx.transport !== 'pipe') {
      throw new TRPCError({
        code: 'FORBIDDEN',
        message: `the console URL is only given over the pipe, not ${ctx.transport}`,
      });
    }
    const url = ctx.daemon.consoleUrl?.();
    if (!url) {
      throw new TRPCError({
        code: 'PRECONDITION_FAILED',
        message: 'the daemon has no HTTP listener (RESTFLOW_HTTP=off, or its port was busy at start-up)',
      });
    }
    return { url };
  }),

  /** GetSystemInfo: `python_ready` = python3 is on the daemon's PATH (what run_python needs). */
  info: publicProcedure.query(({ ctx }) => {
    const status = ctx.daemon.status();
    return {
      pid: status.pid,
      version: status.version,
      node_version: process.version,
      data_dir: status.data_dir,
      python_ready: ctx.services.host.pythonReady(),
      tools_sandbox: ctx.services.sandbox.kind,
      tools_sandbox_warning: ctx.services.sandbox.warning,
    };
  }),

  /** The built-in agent tools: name, description and JSON-schema parameters. */
  tools: publicProcedure.query(() => TOOL_CATALOGUE),

  /**
   * Live change notifications `{entity, id, action}` from every writer (CLI, scripts, console tabs, the
   * scheduler): an invalidation hint, so clients refetch what they show. Not persisted and not resumable on
   * purpose — a client that reconnects refetches everything anyway, so there is nothing to replay.
   */
  onChanges: publicProcedure.subscription(async function* ({ ctx, signal }) {
    // Our own controller too: the stream may also end by the consumer's return(), with `signal` still live.
    const stop = new AbortController();
    const abort = () => stop.abort();
    signal?.addEventListener('abort', abort, { once: true });
    try {
      yield* ctx.services.changes.listen(stop.signal);
    } finally {
      signal?.removeEventListener('abort', abort);
      stop.abort();
    }
  }),

  /**
   * Scheduler heartbeats: `pulse` {sequence, active_tasks, pending_tasks, uptime_ms} every few seconds,
   * `status_change`, `warning`. Resumes after `lastEventId`; without one, starts with the latest event.
   */
  onHeartbeat: publicProcedure.input(heartbeatStreamInput).subscription(async function* ({ ctx, input, signal }) {
    for await (const [seq, event] of ctx.services.scheduler.heartbeat.subscribe(input?.lastEventId, signal)) {
      yield tracked(String(seq), event);
    }
  }),
});
