import {
  isTerminalRunEvent,
  type RunEventKind,
  type RunInfo,
  type RunStreamEvent,
  replayThenTail,
  type StoredEvent,
} from '@restflow/core';
import { TRPCError, type TRPCRouterRecord, tracked } from '@trpc/server';
import { toTRPCError } from '../errors.ts';
import { idInput, listRunsInput, runEventsInput } from '../schemas/index.ts';
import { publicProcedure } from '../trpc.ts';

/** The tracked() id is the run's seq; anything else is a client bug worth a clear error. */
function cursorOf(lastEventId: string | null | undefined): number {
  if (lastEventId === undefined || lastEventId === null || lastEventId === '') return 0;
  const seq = Number(lastEventId);
  if (!Number.isInteger(seq) || seq < 0) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: `lastEventId: not an event id of a run (${lastEventId})` });
  }
  return seq;
}

const toStreamEvent = (run: RunInfo, event: StoredEvent): RunStreamEvent => ({
  run_id: run.id,
  seq: event.seq,
  session_id: run.session_id,
  message_id: run.message_id,
  timestamp: event.createdAt,
  kind: { type: event.type, ...event.payload } as RunEventKind,
});

/** Agent runs — chat turns, `agents.run`, task runs — whoever started them. */
export const runsRouter = {
  /** Recent runs, newest first (optionally of one session). */
  list: publicProcedure
    .input(listRunsInput)
    .query(({ ctx, input }) => ctx.services.runs.list({ sessionId: input?.session_id, limit: input?.limit })),

  /** One run's state; `id` may be a unique prefix. */
  get: publicProcedure.input(idInput).query(({ ctx, input }) => ctx.services.runs.get(input.id)),

  /** Stops the run (provider request and tools) and keeps the partial answer; resolves with its final state. */
  cancel: publicProcedure.input(idInput).mutation(({ ctx, input }) => ctx.services.runs.cancel(input.id)),

  /**
   * The events of one run, replayed from the store after `lastEventId`, then live; completes after the terminal
   * event (completed / failed / cancelled). Reconnects resume without gaps or repeats.
   */
  onEvents: publicProcedure.input(runEventsInput).subscription(async function* ({ ctx, input, signal }) {
    try {
      const run = ctx.services.runs.get(input.run_id);
      const afterSeq = cursorOf(input.lastEventId);
      // A finished run the subscriber has fully seen: nothing will ever follow.
      if (run.status !== 'running' && afterSeq >= run.last_seq) return;
      const events = replayThenTail(ctx.services.events, ctx.services.bus, {
        runId: run.id,
        afterSeq,
        signal,
        isTerminal: (event) => isTerminalRunEvent(event.type),
      });
      for await (const event of events) yield tracked(String(event.seq), toStreamEvent(run, event));
    } catch (error) {
      throw toTRPCError(error);
    }
  }),
} satisfies TRPCRouterRecord;
