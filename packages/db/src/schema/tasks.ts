import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export type TaskSchedule =
  | { type: 'once'; run_at: number }
  | { type: 'interval'; interval_ms: number; start_at: number | null }
  | { type: 'cron'; expression: string; timezone: string | null };

export type TaskExecutionMode =
  /** `record`: every run keeps a recording (docs/record-replay.md). */
  | { type: 'api'; record?: boolean }
  | {
      type: 'cli';
      binary: string;
      args: string[];
      working_dir: string | null;
      timeout_secs: number;
      use_pty: boolean;
    };

export interface TaskNotification {
  telegram_enabled: boolean;
  telegram_bot_token: string | null;
  telegram_chat_id: string | null;
  notify_on_failure_only: boolean;
  include_output: boolean;
}

export interface TaskMemoryConfig {
  max_messages: number;
  enable_file_memory: boolean;
  persist_on_complete: boolean;
}

export interface TaskWebhook {
  enabled: boolean;
  token: string;
  rate_limit: number;
}

export type TaskStatus = 'active' | 'paused' | 'running' | 'completed' | 'failed';

export const tasks = sqliteTable(
  'tasks',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    agentId: text('agent_id').notNull(),
    description: text('description'),
    input: text('input'),
    schedule: text('schedule', { mode: 'json' }).$type<TaskSchedule>().notNull(),
    executionMode: text('execution_mode', { mode: 'json' }).$type<TaskExecutionMode>().notNull(),
    notification: text('notification', { mode: 'json' }).$type<TaskNotification>().notNull(),
    memory: text('memory', { mode: 'json' }).$type<TaskMemoryConfig>().notNull(),
    status: text('status').$type<TaskStatus>().notNull().default('active'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    lastRunAt: integer('last_run_at'),
    nextRunAt: integer('next_run_at'),
    successCount: integer('success_count').notNull().default(0),
    failureCount: integer('failure_count').notNull().default(0),
    lastError: text('last_error'),
    webhook: text('webhook', { mode: 'json' }).$type<TaskWebhook | null>(),
  },
  // The scheduler asks "which active tasks are due" — served by this index, never by a scan.
  (t) => [index('tasks_due_idx').on(t.status, t.nextRunAt), index('tasks_agent_idx').on(t.agentId)],
);

export type TaskEventType =
  | 'created'
  | 'started'
  | 'completed'
  | 'failed'
  | 'paused'
  | 'resumed'
  // A scheduled run not started because a daily budget was spent (docs/lifecycle.md#budgets).
  | 'skipped'
  | 'cancelled'
  | 'interrupted'
  | 'notification_sent'
  | 'notification_failed';

export const taskEvents = sqliteTable(
  'task_events',
  {
    id: text('id').primaryKey(),
    taskId: text('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    eventType: text('event_type').$type<TaskEventType>().notNull(),
    timestamp: integer('timestamp').notNull(),
    message: text('message'),
    output: text('output'),
    durationMs: integer('duration_ms'),
    runId: text('run_id'),
  },
  (t) => [index('task_events_task_idx').on(t.taskId, t.timestamp)],
);
