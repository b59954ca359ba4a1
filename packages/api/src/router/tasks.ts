import { type TRPCRouterRecord, tracked } from '@trpc/server';
import { toTRPCError } from '../errors.ts';
import {
  createTaskInput,
  deleteResultSchema,
  idInput,
  listTaskEventsInput,
  listTasksInput,
  taskEventsStreamInput,
  updateTaskInput,
} from '../schemas/index.ts';
import { publicProcedure, router } from '../trpc.ts';

/** The events a task's runs recorded. */
const taskEventsRouter = {
  /** Newest first (default 100). */
  list: publicProcedure
    .input(listTaskEventsInput)
    .query(({ ctx, input }) => ctx.services.tasks.listEvents(input.task_id, input.limit)),
} satisfies TRPCRouterRecord;

export const tasksRouter = router({
  list: publicProcedure.input(listTasksInput).query(({ ctx, input }) => ctx.services.tasks.list(input?.status)),

  /** `id` may be a unique prefix of a task id. */
  get: publicProcedure.input(idInput).query(({ ctx, input }) => ctx.services.tasks.get(input.id)),

  /** No schedule = hourly interval anchored at creation. `agent_id` must name an existing agent. */
  create: publicProcedure.input(createTaskInput).mutation(({ ctx, input }) => ctx.services.tasks.create(input)),

  /** Only the given fields change; a schedule change recomputes `next_run_at`. */
  update: publicProcedure.input(updateTaskInput).mutation(({ ctx, input }) => {
    const { id, ...patch } = input;
    const task = ctx.services.tasks.update(id, patch);
    // A new schedule may be due sooner than the scheduler's planned wake-up.
    ctx.services.scheduler.wake();
    return task;
  }),

  /** Deletes the task and its events; a run in progress is stopped first. */
  delete: publicProcedure
    .input(idInput)
    .output(deleteResultSchema)
    .mutation(({ ctx, input }) => ctx.services.scheduler.delete(input.id)),

  /** A run in progress finishes first; a run waiting for a worker is dropped. */
  pause: publicProcedure.input(idInput).mutation(({ ctx, input }) => ctx.services.scheduler.pause(input.id)),

  resume: publicProcedure.input(idInput).mutation(({ ctx, input }) => ctx.services.scheduler.resume(input.id)),

  events: taskEventsRouter,

  /**
   * Runs the task now (queued before scheduled runs when every worker is busy). CONFLICT when it is already
   * running or queued, or paused. Watch the run with `onEvents({ task_id, lastEventId: String(after_seq) })`.
   */
  run: publicProcedure.input(idInput).mutation(({ ctx, input }) => ctx.services.scheduler.runNow(input.id)),

  /** Stops a running (or queued) run — a CLI run's whole process tree — and pauses the task. */
  cancel: publicProcedure.input(idInput).mutation(({ ctx, input }) => ctx.services.scheduler.cancel(input.id)),

  /** Runs in progress and runs waiting for a worker. */
  active: publicProcedure.query(({ ctx }) => ctx.services.scheduler.active()),

  /**
   * Live task stream events (started, output, progress, completed, failed, cancelled, notification_*).
   * With `task_id`: that task's events, tracked by its per-task seq; without: every task's, tracked by the global
   * event id. Resumes after `lastEventId`; without one, only new events are sent.
   */
  onEvents: publicProcedure.input(taskEventsStreamInput).subscription(async function* ({ ctx, input, signal }) {
    try {
      const taskId = input?.task_id === undefined ? undefined : ctx.services.tasks.resolveId(input.task_id);
      const stream = ctx.services.scheduler.stream.subscribe({ taskId, after: input?.lastEventId, signal });
      for await (const [cursor, event] of stream) yield tracked(String(cursor), event);
    } catch (error) {
      // Errors inside a generator bypass the procedure middleware: map them here.
      throw toTRPCError(error);
    }
  }),
});
