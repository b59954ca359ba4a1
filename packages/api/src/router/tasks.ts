import { MIN_INTERVAL_MS, TASK_STATUSES } from '@restflow/core';
import { type TRPCRouterRecord, tracked } from '@trpc/server';
import { z } from 'zod';
import { toTRPCError } from '../errors.ts';
import { publicProcedure } from '../trpc.ts';
import { idSchema } from './schemas.ts';

// Wire schemas of task requests (docs/entities.md#tasks); the tagged unions are zod discriminated unions.

const msSchema = z.number().int('must be an integer (Unix ms)').nonnegative('must be a Unix time in ms');

export const taskScheduleSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('once'), run_at: msSchema }).strict(),
  z
    .object({
      type: z.literal('interval'),
      interval_ms: z.number().int().min(MIN_INTERVAL_MS, `must be at least ${MIN_INTERVAL_MS} ms`),
      start_at: msSchema.nullable().default(null),
    })
    .strict(),
  z
    .object({
      type: z.literal('cron'),
      expression: z.string().trim().min(1, 'cron expression is required'),
      timezone: z.string().trim().min(1).nullable().default(null),
    })
    .strict(),
]);

export const taskExecutionModeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('api') }).strict(),
  z
    .object({
      type: z.literal('cli'),
      binary: z.string().trim().min(1).optional(),
      args: z.array(z.string()).optional(),
      working_dir: z.string().min(1).nullable().optional(),
      timeout_secs: z.number().int().positive().optional(),
      use_pty: z.boolean().optional(),
    })
    .strict(),
]);

export const taskNotificationSchema = z
  .object({
    telegram_enabled: z.boolean(),
    telegram_bot_token: z.string().min(1).nullable(),
    telegram_chat_id: z.string().min(1).nullable(),
    notify_on_failure_only: z.boolean(),
    include_output: z.boolean(),
  })
  .partial()
  .strict();

export const taskMemorySchema = z
  .object({
    max_messages: z.number().int().positive(),
    enable_file_memory: z.boolean(),
    persist_on_complete: z.boolean(),
  })
  .partial()
  .strict();

const taskNameSchema = z.string().trim().min(1, 'name is required').max(200);
const taskStatusSchema = z.enum(TASK_STATUSES);

const taskFields = {
  description: z.string().nullable().optional(),
  input: z.string().nullable().optional(),
  schedule: taskScheduleSchema.optional(),
  notification: taskNotificationSchema.optional(),
  execution_mode: taskExecutionModeSchema.optional(),
  memory: taskMemorySchema.optional(),
};

const createTaskInput = z.object({ name: taskNameSchema, agent_id: idSchema, ...taskFields }).strict();

const updateTaskInput = z
  .object({
    id: idSchema,
    name: taskNameSchema.optional(),
    agent_id: idSchema.optional(),
    ...taskFields,
    webhook: z.object({ enabled: z.boolean(), rate_limit: z.number().int().positive() }).partial().strict().optional(),
  })
  .strict();

const byId = z.object({ id: idSchema }).strict();

/** A resumable stream's cursor as tRPC hands it back on reconnect (`tracked()` ids are strings). */
export const eventCursorSchema = z
  .string()
  .regex(/^\d+$/, 'lastEventId must be an event id (a non-negative integer)')
  .nullish()
  .transform((value) => (value === null || value === undefined ? undefined : Number(value)));

export const tasksRouter = {
  list: publicProcedure
    .input(z.object({ status: taskStatusSchema.optional() }).strict().optional())
    .query(({ ctx, input }) => ctx.services.tasks.list(input?.status)),

  /** `id` may be a unique prefix of a task id. */
  get: publicProcedure.input(byId).query(({ ctx, input }) => ctx.services.tasks.get(input.id)),

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
  delete: publicProcedure.input(byId).mutation(({ ctx, input }) => ctx.services.scheduler.delete(input.id)),

  /** A run in progress finishes first; a run waiting for a worker is dropped. */
  pause: publicProcedure.input(byId).mutation(({ ctx, input }) => ctx.services.scheduler.pause(input.id)),

  resume: publicProcedure.input(byId).mutation(({ ctx, input }) => ctx.services.scheduler.resume(input.id)),

  /** The task's events, newest first (default 100). */
  events: publicProcedure
    .input(z.object({ id: idSchema, limit: z.number().int().min(1).max(1000).optional() }).strict())
    .query(({ ctx, input }) => ctx.services.tasks.listEvents(input.id, input.limit)),

  /**
   * Runs the task now (queued before scheduled runs when every worker is busy). CONFLICT when it is already
   * running or queued, or paused. Watch the run with `onEvents({ taskId, lastEventId: String(after_seq) })`.
   */
  run: publicProcedure.input(byId).mutation(({ ctx, input }) => ctx.services.scheduler.runNow(input.id)),

  /** Stops a running (or queued) run — a CLI run's whole process tree — and pauses the task. */
  cancel: publicProcedure.input(byId).mutation(({ ctx, input }) => ctx.services.scheduler.cancel(input.id)),

  /** Runs in progress and runs waiting for a worker. */
  active: publicProcedure.query(({ ctx }) => ctx.services.scheduler.active()),

  /**
   * Live task stream events (started, output, progress, completed, failed, cancelled, notification_*).
   * With `taskId`: that task's events, tracked by its per-task seq; without: every task's, tracked by the global
   * event id. Resumes after `lastEventId`; without one, only new events are sent.
   */
  onEvents: publicProcedure
    .input(z.object({ taskId: idSchema.optional(), lastEventId: eventCursorSchema }).strict().optional())
    .subscription(async function* ({ ctx, input, signal }) {
      try {
        const taskId = input?.taskId === undefined ? undefined : ctx.services.tasks.resolveId(input.taskId);
        const stream = ctx.services.scheduler.stream.subscribe({ taskId, after: input?.lastEventId, signal });
        for await (const [cursor, event] of stream) yield tracked(String(cursor), event);
      } catch (error) {
        // Errors inside a generator bypass the procedure middleware: map them here.
        throw toTRPCError(error);
      }
    }),
} satisfies TRPCRouterRecord;
