// Where an agent run's loop executes. The run manager owns the run either way (its row, its events, cancel,
// settlement); a backend only decides whose CPU drives the loop: this process (`local`, the default) or a worker
// that took the run from a queue (`queue`, docs/workers.md).
import type { AgentEngine, EngineRunRequest, PreparedAgent } from '../engine/agent-engine.ts';
import type { AgentLoopResult } from '../engine/agent-loop.ts';

/** What a backend may know of a run besides what the loop itself needs. */
export interface RunPlacement {
  /** False for runs that must stay in the daemon (sub-agents, replays, recorded runs): they run locally. */
  remote: boolean;
  /**
   * The queue job id. Two runs given the same one start at most once (a scheduled task's slot); absent: the run
   * id.
   */
  jobKey?: string;
  /** Worker tags the run needs (the agent's `requires`); a job waits until a worker with all of them takes it. */
  requires?: readonly string[];
}

export interface ExecutionBackend {
  readonly name: 'local' | 'queue';
  execute(prepared: PreparedAgent, request: EngineRunRequest, placement: RunPlacement): Promise<AgentLoopResult>;
  /** Stops taking part (queue connections); runs still active were already stopped by the run manager. */
  close(): Promise<void>;
}

/** Today's in-process runner. */
export function localBackend(engine: Pick<AgentEngine, 'run'>): ExecutionBackend {
  return {
    name: 'local',
    execute: (prepared, request) => engine.run(prepared, request),
    close: async () => {},
  };
}

/**
 * The error code a backend settles a run with when the daemon stops while the run's job still waits in the queue:
 * the job is kept and the run left `running` (no terminal event), so the next daemon re-attaches to it.
 */
export const DETACHED = 'detached';

/** The error code of a run whose worker stopped answering: it ends `interrupted`, and a task retries it. */
export const WORKER_LOST = 'worker_lost';

/** A run settled by the daemon because its worker went silent (the task retry policy treats it as transient). */
export class WorkerLostError extends Error {
  override name = 'WorkerLostError';
}
