// What a starting scheduler does about runs a crash cut off (docs/lifecycle.md#interrupted-task-runs): no run
// stuck in `running`, no slot run twice, no orphaned process running next to the next run.
import type { RunEventLog } from '../events/run-event-log.ts';
import type { TaskService } from '../tasks/task.service.ts';
import { reapOrphanedRun } from './cli-runner.ts';
import type { Heartbeat } from './heartbeat.ts';
import { INTERRUPTED_BY_STOP } from './task-settle.ts';
import { type TaskStreamLog, type TaskStreamType, TERMINAL_TASK_EVENTS, taskStreamId } from './task-stream.ts';

export interface RecoveryDeps {
  tasks: TaskService;
  stream: TaskStreamLog;
  events: RunEventLog;
  heartbeat: Heartbeat;
}

/**
 * Tasks left `running` go back to `active` with their next run computed from now (so the slot that was running
 * is not run again), except those in `keep` (carried on with: docs/workers.md); their stream gets the ending it never had, and an orphaned CLI process tree is killed.
 */
export function recoverInterruptedRuns(deps: RecoveryDeps, now: number, keep: ReadonlySet<string> = new Set()): number {
  const recovered = deps.tasks.recoverInterrupted(now, keep);
  for (const task of recovered) {
    const runId = deps.tasks.events.lastStartedRunId(task.id);
    if (!runId) continue;
    const pid = deps.stream.spawnedPid(task.id, runId);
    if (pid !== undefined) reapOrphanedRun(pid, runId);
    const last = deps.events.last(taskStreamId(task.id));
    const ended = last?.payload.run_id === runId && TERMINAL_TASK_EVENTS.has(last.type as TaskStreamType);
    if (!ended) {
      deps.stream.append(task.id, runId, {
        type: 'failed',
        error: INTERRUPTED_BY_STOP,
        error_code: 'interrupted',
        duration_ms: Math.max(0, now - (task.last_run_at ?? now)),
        recoverable: true,
      });
    }
  }
  if (recovered.length > 0) {
    deps.heartbeat.warning(
      'recovered_interrupted',
      `${recovered.length} task run(s) cut off by a previous daemon were closed as interrupted`,
    );
  }
  return recovered.length;
}
