// The chat view reads a run through the one fold of run events (@restflow/run-model), the same the CLI and the
// daemon use; this module only names the wire type the console receives.
import type { RouterOutputs } from '@restflow/api';

export {
  type ApprovalState,
  type ApprovalView,
  applyRunEvent,
  emptyRunView,
  isRunFinished,
  markApproval,
  type RunPart,
  type RunView,
  type RunViewStatus,
  type ToolCallView,
} from '@restflow/run-model';

type StreamItem<T> = T extends AsyncIterable<infer Item> ? Item : never;

export type RunStreamEvent = StreamItem<RouterOutputs['runs']['onEvents']>['data'];
export type RunEventKind = RunStreamEvent['kind'];
