import {
  isTerminalRunEvent,
  type RunEventKind,
  type RunInfo,
  type RunStreamEvent,
  replayThenTail,
  type StoredEvent,
} from '@restflow/core';
import { TRPCError, type TRPCRouterRecord, tracked } from '@trpc/server';
import { z } from 'zod';
import { toTRPCError } from '../errors.ts';
import { publicProcedure } from '../trpc.ts';
import { textSchema } from './run-schemas.ts';
import { idSchema } from './schemas.ts';

const runIdSchema = z.object({ runId: idSchema }).strict();

const sendSchema = z
  .object({
    /** The session to continue; its agent answers. */
    sessionId: idSchema.optional(),
    /** Without a session: the agent to start a new session with. */
    agentId: idSchema.optional(),
    content: textSchema('content'),
  })
  .strict()
  .refine((input) => input.sessionId !== undefined || input.agentId !== undefined, {
    message: 'sessionId or agentId is required',
    path: ['sessionId'],
  });

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

export const chatRouter = {
  /** Appends the user message and starts the run that streams the reply; watch it with `onRun`. */
  send: publicProcedure.input(sendSchema).mutation(({ ctx, input }) => ctx.services.chat.send(input)),

  /**
   * The events of one run (restflow-domain §5 names), replayed from the store after `lastEventId`, then live;
   * completes after the terminal event (completed / failed / cancelled). Reconnects resume without gaps or
   * repeats.
   */
  onRun: publicProcedure
    .input(z.object({ runId: idSchema, lastEventId: z.string().nullish() }).strict())
    .subscription(async function* ({ ctx, input, signal }) {
      try {
        const run = ctx.services.runs.get(input.runId);
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

  /** Stops the run (provider request and tools) and keeps the partial answer; resolves with its final state. */
  cancel: publicProcedure.input(runIdSchema).mutation(({ ctx, input }) => ctx.services.runs.cancel(input.runId)),

  /** One run's state; `runId` may be a unique prefix. */
  run: publicProcedure.input(runIdSchema).query(({ ctx, input }) => ctx.services.runs.get(input.runId)),

  /** Recent runs, newest first (optionally of one session, or of one task by its full id: `task_id`). */
  runs: publicProcedure
    .input(
      z
        .object({
          sessionId: idSchema.optional(),
          task_id: z.string().trim().min(1).optional(),
          limit: z.number().int().min(1).max(500).optional(),
        })
        .strict()
        .optional(),
    )
    .query(({ ctx, input }) =>
      ctx.services.runs.list({ sessionId: input?.sessionId, taskId: input?.task_id, limit: input?.limit }),
    ),
} satisfies TRPCRouterRecord;
