// The `runs` component of the unified log: one line per milestone of every agent run (start, tool calls, the
// end), carrying `runId`, so `restflow logs --run <id>` shows a run live. Contents (tokens, tool output) stay in
// the run's own event stream; the log says what happened, not what was said.
import { ALL_RUNS_CHANNEL, HEARTBEAT_STREAM, type RestflowServices, type StoredEvent } from '@restflow/core';
import type { Logger } from './logger.ts';

/** The ids of a snake_case payload under the log's field names. */
export function logIds(payload: Record<string, unknown>): { runId?: string; taskId?: string; sessionId?: string } {
  const ids: { runId?: string; taskId?: string; sessionId?: string } = {};
  if (typeof payload.run_id === 'string') ids.runId = payload.run_id;
  if (typeof payload.task_id === 'string') ids.taskId = payload.task_id;
  if (typeof payload.session_id === 'string') ids.sessionId = payload.session_id;
  return ids;
}

const TASK_STREAM_PREFIX = 'task:';

/**
 * Agent runs log under `runs`; task runs (the streams `task:<id>`) under `scheduler`, with `taskId` and the
 * `runId` of that execution. The heartbeat stream is logged by the daemon (its warnings only).
 */
export function logRunLifecycle(
  services: Pick<RestflowServices, 'bus'>,
  loggers: { runs: Logger; scheduler: Logger },
): () => void {
  return services.bus.subscribe(ALL_RUNS_CHANNEL, (event) => {
    const { runId: stream, type, payload } = event as StoredEvent;
    if (stream === HEARTBEAT_STREAM) return;
    if (stream.startsWith(TASK_STREAM_PREFIX)) {
      const ids = { taskId: stream.slice(TASK_STREAM_PREFIX.length), ...logIds(payload) };
      if (type === 'failed') loggers.scheduler.warn({ ...ids, error: payload.error }, 'task run failed');
      else loggers.scheduler.info(ids, `task run ${type}`);
      return;
    }
    const logger = loggers.runs;
    const ids = { runId: stream, ...logIds(payload) };
    switch (type) {
      case 'started':
        logger.info({ ...ids, model: payload.model }, 'run started');
        break;
      case 'tool_call_start':
        logger.info({ ...ids, tool: payload.tool_name }, 'tool call started');
        break;
      case 'tool_call_end':
        logger[payload.success ? 'info' : 'warn']({ ...ids, success: payload.success }, 'tool call ended');
        break;
      case 'approval_required':
        logger.info(ids, 'run waits for an approval');
        break;
      case 'completed':
        logger.info({ ...ids, duration_ms: payload.duration_ms, total_tokens: payload.total_tokens }, 'run completed');
        break;
      case 'failed':
        logger.warn({ ...ids, error: payload.error, error_code: payload.error_code }, 'run failed');
        break;
      case 'cancelled':
        logger.info(ids, 'run cancelled');
        break;
    }
  });
}
