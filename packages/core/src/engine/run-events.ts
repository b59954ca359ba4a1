// The run stream vocabulary lives in @restflow/run-model, shared with the clients; the engine adds its sink.
import type { RunEventPayloads, RunEventType } from '@restflow/run-model';

export {
  type ApprovalInfo,
  isTerminalRunEvent,
  type RunEventKind,
  type RunEventPayloads,
  type RunEventType,
  type RunStreamEvent,
  type StepStatus,
  TERMINAL_RUN_EVENTS,
} from '@restflow/run-model';

/** The non-terminal events the engine loop emits while it works. */
export interface RunEventSink {
  token(text: string): void;
  thinking(content: string): void;
  emit<K extends Exclude<RunEventType, 'token' | 'thinking' | 'completed' | 'failed' | 'cancelled'>>(
    type: K,
    payload: RunEventPayloads[K],
  ): void;
}
