import { z } from 'zod';
import { eventCursorSchema, idSchema } from './common.ts';
import { NUL_REFUSED, text, withoutNul } from './limits.ts';
import { MIN_INTERVAL_MS, TASK_STATUSES } from './values.ts';

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
      expression: text('token').trim().min(1, 'cron expression is required'),
      timezone: text('token').trim().min(1).nullable().default(null),
    })
    .strict(),
]);

export const taskExecutionModeSchema = z.discriminatedUnion('type', [
  /** `record`: each run keeps a recording, downloadable with `runs.recording` (docs/record-replay.md). */
  z.object({ type: z.literal('api'), record: z.boolean().optional() }).strict(),
  z
    .object({
      type: z.literal('cli'),
      binary: text('path').trim().min(1).refine(withoutNul, NUL_REFUSED).optional(),
      args: z.array(text('argument').refine(withoutNul, NUL_REFUSED)).optional(),
      working_dir: text('path').min(1).refine(withoutNul, NUL_REFUSED).nullable().optional(),
      timeout_secs: z.number().int().positive().optional(),
      use_pty: z.boolean().optional(),
    })
    .strict(),
]);

export const taskNotificationSchema = z
  .object({
    telegram_enabled: z.boolean(),
    telegram_bot_token: text('token').min(1).nullable(),
    telegram_chat_id: text('token').min(1).nullable(),
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

const taskNameSchema = text('name').trim().min(1, 'name is required');
export const taskStatusSchema = z.enum(TASK_STATUSES);

const taskFields = {
  description: text('description').nullable().optional(),
  input: text('prompt').nullable().optional(),
  schedule: taskScheduleSchema.optional(),
  notification: taskNotificationSchema.optional(),
  execution_mode: taskExecutionModeSchema.optional(),
  memory: taskMemorySchema.optional(),
};

export const listTasksInput = z.object({ status: taskStatusSchema.optional() }).strict().optional();

export const createTaskInput = z.object({ name: taskNameSchema, agent_id: idSchema, ...taskFields }).strict();

export const updateTaskInput = z
  .object({
    id: idSchema,
    name: taskNameSchema.optional(),
    agent_id: idSchema.optional(),
    ...taskFields,
    webhook: z.object({ enabled: z.boolean(), rate_limit: z.number().int().positive() }).partial().strict().optional(),
  })
  .strict();

/** The task's events, newest first (default 100). */
export const listTaskEventsInput = z
  .object({ task_id: idSchema, limit: z.number().int().min(1).max(1000).optional() })
  .strict();

/** With `task_id`: that task's events by its per-task seq; without: every task's, by the global event id. */
export const taskEventsStreamInput = z
  .object({ task_id: idSchema.optional(), lastEventId: eventCursorSchema })
  .strict()
  .optional();
