// Wire shapes and defaults of tasks and task events (docs/entities.md#tasks), and the row ↔ wire mapping.
import type {
  TaskEventType,
  TaskExecutionMode,
  TaskMemoryConfig,
  TaskNotification,
  TaskSchedule,
  TaskStatus,
  TaskWebhook,
  taskEvents,
  tasks,
} from '@restflow/db';

export type {
  TaskEventType,
  TaskExecutionMode,
  TaskMemoryConfig,
  TaskNotification,
  TaskSchedule,
  TaskStatus,
  TaskWebhook,
};

export const TASK_STATUSES = ['active', 'paused', 'running', 'completed', 'failed'] as const satisfies TaskStatus[];

export interface AgentTask {
  id: string;
  name: string;
  agent_id: string;
  description: string | null;
  input: string | null;
  schedule: TaskSchedule;
  execution_mode: TaskExecutionMode;
  notification: TaskNotification;
  memory: TaskMemoryConfig;
  status: TaskStatus;
  created_at: number;
  updated_at: number;
  last_run_at: number | null;
  next_run_at: number | null;
  success_count: number;
  failure_count: number;
  last_error: string | null;
  webhook: TaskWebhook | null;
}

/** Optional fields are omitted when unset; `run_id` links the run's stream. */
export interface TaskEvent {
  id: string;
  task_id: string;
  event_type: TaskEventType;
  timestamp: number;
  message?: string;
  output?: string;
  duration_ms?: number;
  run_id?: string;
}

/** The CLI mode accepts a partial object; missing fields take the DEFAULT_CLI_MODE values. */
export type TaskExecutionModeInput =
  | { type: 'api'; record?: boolean }
  | {
      type: 'cli';
      binary?: string;
      args?: string[];
      working_dir?: string | null;
      timeout_secs?: number;
      use_pty?: boolean;
    };

export interface CreateTaskInput {
  name: string;
  agent_id: string;
  /** Default: hourly interval anchored at creation. */
  schedule?: TaskSchedule;
  description?: string | null;
  input?: string | null;
  notification?: Partial<TaskNotification>;
  execution_mode?: TaskExecutionModeInput;
  memory?: Partial<TaskMemoryConfig>;
}

/** Every field optional; `notification`/`memory`/`webhook` merge onto the current values, the rest replace. */
export interface UpdateTaskInput {
  name?: string;
  agent_id?: string;
  schedule?: TaskSchedule;
  description?: string | null;
  input?: string | null;
  notification?: Partial<TaskNotification>;
  execution_mode?: TaskExecutionModeInput;
  memory?: Partial<TaskMemoryConfig>;
  webhook?: { enabled?: boolean; rate_limit?: number };
}

export const DEFAULT_NOTIFICATION: Readonly<TaskNotification> = {
  telegram_enabled: false,
  telegram_bot_token: null,
  telegram_chat_id: null,
  notify_on_failure_only: false,
  include_output: true,
};

export const DEFAULT_MEMORY: Readonly<TaskMemoryConfig> = {
  max_messages: 100,
  enable_file_memory: true,
  persist_on_complete: true,
};

export const DEFAULT_CLI_MODE = {
  type: 'cli',
  binary: 'claude',
  args: [],
  working_dir: null,
  timeout_secs: 300,
  use_pty: false,
} as const satisfies TaskExecutionMode;

export const DEFAULT_WEBHOOK_RATE_LIMIT = 60;

/** Drops keys whose value is undefined, so a partial never overwrites a default with `undefined`. */
export function definedOnly<T extends object>(partial: T | undefined): Partial<T> {
  if (!partial) return {};
  return Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function normalizeExecutionMode(mode: TaskExecutionModeInput | undefined): TaskExecutionMode {
  if (!mode || mode.type === 'api') return mode?.record ? { type: 'api', record: true } : { type: 'api' };
  return { ...DEFAULT_CLI_MODE, args: [], ...definedOnly(mode), type: 'cli' };
}

export type TaskRow = typeof tasks.$inferSelect;
export type TaskEventRow = typeof taskEvents.$inferSelect;

export const taskToWire = (row: TaskRow): AgentTask => ({
  id: row.id,
  name: row.name,
  agent_id: row.agentId,
  description: row.description,
  input: row.input,
  schedule: row.schedule,
  execution_mode: row.executionMode,
  notification: row.notification,
  memory: row.memory,
  status: row.status,
  created_at: row.createdAt,
  updated_at: row.updatedAt,
  last_run_at: row.lastRunAt,
  next_run_at: row.nextRunAt,
  success_count: row.successCount,
  failure_count: row.failureCount,
  last_error: row.lastError,
  webhook: row.webhook ?? null,
});

export function taskEventToWire(row: TaskEventRow): TaskEvent {
  const event: TaskEvent = { id: row.id, task_id: row.taskId, event_type: row.eventType, timestamp: row.timestamp };
  if (row.message !== null) event.message = row.message;
  if (row.output !== null) event.output = row.output;
  if (row.durationMs !== null) event.duration_ms = row.durationMs;
  if (row.runId !== null) event.run_id = row.runId;
  return event;
}
