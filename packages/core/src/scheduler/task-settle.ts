// What happens once a run has ended (docs/lifecycle.md#outcomes): the task's lifecycle and history, memory,
// the terminal stream event, then the notification. Order matters: a watcher that sees `completed` finds the
// history and memory already written.
import { NotFoundError } from '../errors.ts';
import type { TaskService } from '../tasks/task.service.ts';
import type { AgentTask } from '../tasks/task-model.ts';
import { formatTaskNotification, type RunSummary, TELEGRAM_TOKEN_SECRET, type TelegramNotifier } from './notifier.ts';
import { persistTaskTranscript, type TaskMemoryPort } from './task-memory.ts';
import type { TaskRunOutcome } from './task-run.ts';
import type { TaskStreamKind } from './task-stream.ts';

export const CANCELLED_BY_USER = 'Cancelled by user';
export const INTERRUPTED_BY_STOP = 'interrupted: the daemon stopped while the task was running';

export interface SettleDeps {
  tasks: TaskService;
  memory: TaskMemoryPort;
  notifier: TelegramNotifier;
  secret: (key: string) => string | undefined;
  emit: (kind: TaskStreamKind) => void;
}

export interface SettleRequest {
  task: AgentTask;
  runId: string;
  input: string | null;
  outcome: TaskRunOutcome;
}

/** Lifecycle calls fail when the task was deleted during its run; the stream still gets its ending. */
function unlessDeleted<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

export async function settleRun(deps: SettleDeps, request: SettleRequest): Promise<void> {
  const { tasks, emit } = deps;
  const { task, runId, outcome } = request;
  const duration_ms = outcome.durationMs;
  switch (outcome.status) {
    case 'completed': {
      const updated = unlessDeleted(() =>
        tasks.completeExecution(task.id, { output: outcome.output, durationMs: duration_ms, runId }),
      );
      if (updated?.memory.persist_on_complete) {
        try {
          const chunks = persistTaskTranscript(deps.memory, updated, outcome.transcript);
          if (chunks > 0) emit({ type: 'progress', phase: 'memory_persisted', details: { chunks } });
        } catch (error) {
          emit({ type: 'progress', phase: 'memory_failed', details: { error: (error as Error).message } });
        }
      }
      emit({ type: 'completed', result: outcome.output, duration_ms, stats: outcome.stats });
      if (updated)
        await notify(deps, updated, {
          success: true,
          text: outcome.output,
          durationMs: duration_ms,
          input: request.input,
        });
      return;
    }
    case 'failed':
    case 'timeout': {
      const error =
        outcome.status === 'timeout'
          ? `Task timed out after ${Math.round(outcome.timeoutMs / 1000)} seconds`
          : outcome.error;
      const updated = unlessDeleted(() => tasks.failExecution(task.id, { error, durationMs: duration_ms, runId }));
      // A timeout ends the stream as `cancelled` (the runner stopped it) and the task as failed.
      if (outcome.status === 'timeout') emit({ type: 'cancelled', reason: error, duration_ms });
      else {
        emit({
          type: 'failed',
          error,
          duration_ms,
          recoverable: outcome.recoverable,
          ...(outcome.errorCode ? { error_code: outcome.errorCode } : {}),
        });
      }
      if (updated)
        await notify(deps, updated, { success: false, text: error, durationMs: duration_ms, input: request.input });
      return;
    }
    case 'cancelled': {
      // A user cancel pauses the task, so the next slot does not start it right away again.
      unlessDeleted(() => {
        tasks.addEvent(task.id, { event_type: 'cancelled', message: CANCELLED_BY_USER, duration_ms, run_id: runId });
        return tasks.pause(task.id);
      });
      emit({ type: 'cancelled', reason: CANCELLED_BY_USER, duration_ms });
      return;
    }
    case 'detached':
      // Its job stays queued: the next daemon re-attaches to it and this run settles then.
      return;
    case 'interrupted':
      // The task row is closed by recoverInterrupted when the scheduler stops (or at the next start).
      emit({ type: 'failed', error: INTERRUPTED_BY_STOP, error_code: 'interrupted', duration_ms, recoverable: true });
      return;
  }
}

/** Sends the task's Telegram notification (when it has them on) and records how that went. */
export async function notify(deps: SettleDeps, task: AgentTask, run: RunSummary): Promise<void> {
  const settings = task.notification;
  if (!settings.telegram_enabled) return;
  if (run.success && settings.notify_on_failure_only) return;
  const failed = (error: string) => {
    unlessDeleted(() => deps.tasks.recordNotification(task.id, 'failed', error));
    deps.emit({ type: 'notification_failed', channel: 'telegram', error });
  };
  let token = settings.telegram_bot_token ?? undefined;
  try {
    token ??= deps.secret(TELEGRAM_TOKEN_SECRET);
  } catch {
    token = undefined;
  }
  if (!token) {
    failed(`no Telegram bot token: set the task's telegram_bot_token or the ${TELEGRAM_TOKEN_SECRET} secret`);
    return;
  }
  if (!settings.telegram_chat_id) {
    failed("no Telegram chat: set the task's telegram_chat_id");
    return;
  }
  try {
    await deps.notifier.send({ token, chatId: settings.telegram_chat_id }, formatTaskNotification(task, run), {
      runAgainTaskId: task.id,
    });
  } catch (error) {
    failed((error as Error).message);
    return;
  }
  const message = `Telegram notification sent to chat ${settings.telegram_chat_id}`;
  unlessDeleted(() => deps.tasks.recordNotification(task.id, 'sent', message));
  deps.emit({ type: 'notification_sent', channel: 'telegram', message });
}
