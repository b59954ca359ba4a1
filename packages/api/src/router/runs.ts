import { TRPCError, tracked } from '@trpc/server';
import { toTRPCError } from '../errors.ts';
import {
  idInput,
  listRunsInput,
  replayRunInput,
  runEventsInput,
  runRecordingInput,
  runRecordingSchema,
  runsPageInput,
  runsPageSchema,
  runTreeSchema,
  startedReplaySchema,
} from '../schemas/index.ts';
import { publicProcedure, router } from '../trpc.ts';

/** The tracked() id is the run's seq; anything else is a client bug worth a clear error. */
function cursorOf(lastEventId: string | null | undefined): number {
  if (lastEventId === undefined || lastEventId === null || lastEventId === '') return 0;
  const seq = Number(lastEventId);
  if (!Number.isInteger(seq) || seq < 0) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: `lastEventId: not an event id of a run (${lastEventId})` });
  }
  return seq;
}

/** Agent runs — chat turns, `agents.run`, task runs — whoever started them. */
export const runsRouter = router({
  /** Recent runs, newest first; filters (session, task, agent, status, parent run, tree) combine. */
  list: publicProcedure.input(listRunsInput).query(({ ctx, input }) =>
    ctx.services.runs.list({
      sessionId: input?.session_id,
      taskId: input?.task_id,
      agentId: input?.agent_id,
      status: input?.status,
      parentRunId: input?.parent_run_id,
      rootRunId: input?.root_run_id,
      limit: input?.limit,
    }),
  ),

  /** One page of the list, newest first, with the list's filters; `next_cursor` leads to the next (pages.ts). */
  page: publicProcedure
    .input(runsPageInput)
    .output(runsPageSchema)
    .query(({ ctx, input }) =>
      ctx.services.runs.listPage({
        sessionId: input.session_id,
        taskId: input.task_id,
        agentId: input.agent_id,
        status: input.status,
        parentRunId: input.parent_run_id,
        rootRunId: input.root_run_id,
        cursor: input.cursor,
        limit: input.limit,
      }),
    ),

  /** A run and every sub-agent run below it, depth-first, each with its status and usage (docs/engine.md#sub-agents). */
  tree: publicProcedure
    .input(idInput)
    .output(runTreeSchema)
    .query(({ ctx, input }) => {
      const runs = ctx.services.runs.tree(input.id);
      return { run_id: runs[0]!.id, runs };
    }),

  /** One run's state; `id` may be a unique prefix. */
  get: publicProcedure.input(idInput).query(({ ctx, input }) => ctx.services.runs.get(input.id)),

  /** The recording of a run started with `record` (secrets redacted): docs/record-replay.md. */
  recording: publicProcedure
    .input(runRecordingInput)
    .output(runRecordingSchema)
    .query(({ ctx, input }) => ctx.services.recordings.get(input.id)),

  /**
   * Runs a recording again, offline: the recorded agent as it is defined now, its provider calls and tool results
   * served from the recording. The run fails at the first request that differs, naming what changed.
   */
  replay: publicProcedure
    .input(replayRunInput)
    .output(startedReplaySchema)
    .mutation(({ ctx, input }) => ctx.services.recordings.replay(input.recording)),

  /** Stops the run (provider request and tools) and keeps the partial answer; resolves with its final state. */
  cancel: publicProcedure.input(idInput).mutation(({ ctx, input }) => ctx.services.runs.cancel(input.id)),

  /**
   * The events of one run, replayed from the store after `lastEventId`, then live; completes after the terminal
   * event (completed / failed / cancelled). Reconnects resume without gaps or repeats.
   */
  onEvents: publicProcedure.input(runEventsInput).subscription(async function* ({ ctx, input, signal }) {
    try {
      const runId = ctx.services.runs.resolveId(input.run_id);
      const events = ctx.services.runs.subscribe(runId, { afterSeq: cursorOf(input.lastEventId), signal });
      for await (const event of events) yield tracked(String(event.seq), event);
    } catch (error) {
      // Errors inside a generator bypass the procedure middleware: map them here.
      throw toTRPCError(error);
    }
  }),
});
