// What the router's workers.* procedures call (docs/workers.md). Under the local backend there are no workers:
// the listing is empty and what only a worker does is refused with a message saying how to turn the queue on.
import type { AgentNode, runPlacements } from '@restflow/db';
import type { CoreContext } from '../core-context.ts';
import type { AgentEngine, PreparedAgent } from '../engine/agent-engine.ts';
import type { EngineLimits } from '../engine/limits.ts';
import type { RunManager } from '../engine/run-manager.ts';
import { ToolRegistry } from '../engine/tools/registry.ts';
import { UnavailableError } from '../errors.ts';
import { findModel } from '../models/catalogue.ts';
import { localBackend } from './execution-backend.ts';
import type { ClaimAnswer, QueueBackendDeps, QueueExecutionBackend, ReportAnswer } from './queue-backend.ts';
import type {
  ApprovalWaitAnswer,
  DaemonToolAnswer,
  RemoteRunEvent,
  RemoteRunResult,
  RunResumeBasis,
} from './remote-run.ts';
import type { WorkerHello, WorkerInfo } from './worker-registry.ts';

/** What the daemon runs with, resolved once at start (execution-settings.ts: environment, then config keys). */
export interface ExecutionSettings {
  backend: 'local' | 'queue';
  /** Required for `queue`; may carry a password, so it is never logged nor listed. */
  redisUrl?: string;
  queue: string;
  prefix: string;
  workerTimeoutMs: number;
  heartbeatMs: number;
}

export interface WorkerServiceDeps extends Omit<QueueBackendDeps, 'core' | 'local' | 'limits'> {
  core: Pick<CoreContext, 'db' | 'clock' | 'ids'>;
  engine: Pick<AgentEngine, 'run' | 'limits' | 'prepare'>;
  runs: Pick<RunManager, 'useBackend' | 'resume'>;
  protocolVersion: number;
  /** A stored agent's current definition: a re-attached run gets back a key kept in it (never copied to the queue). */
  storedAgent?: (id: string) => AgentNode | undefined;
}

export type RunPlacementRow = typeof runPlacements.$inferSelect;

/** The provider client and tools of a re-attached run: its loop runs on a worker, so touching them is a bug. */
const remoteOnly = new Proxy(
  {},
  {
    get(_target, property) {
      // Inspection (printing, awaiting, serializing) must not throw.
      if (typeof property === 'symbol' || property === 'then' || property === 'toJSON') return undefined;
      throw new Error(`a re-attached run executes on a worker; its ${String(property)} is not here`);
    },
  },
);

export class WorkerService {
  backend: QueueExecutionBackend | undefined;
  /**
   * Settles once the queue backend is connected to the run manager (at once under the local backend). BullMQ and
   * ioredis load only here, for the queue backend: a daemon that runs agents itself never parses them.
   */
  readonly ready: Promise<void>;

  constructor(
    readonly settings: ExecutionSettings,
    private readonly deps: WorkerServiceDeps,
  ) {
    this.ready =
      settings.backend === 'queue' && settings.redisUrl ? this.useQueue(settings.redisUrl, deps) : Promise.resolve();
  }

  private async useQueue(redisUrl: string, deps: WorkerServiceDeps): Promise<void> {
    const { QueueExecutionBackend } = await import('./queue-backend.ts');
    this.backend = new QueueExecutionBackend(
      {
        redisUrl,
        queue: this.settings.queue,
        prefix: this.settings.prefix,
        workerTimeoutMs: this.settings.workerTimeoutMs,
        heartbeatMs: this.settings.heartbeatMs,
        protocolVersion: deps.protocolVersion,
      },
      { ...deps, limits: deps.engine.limits as EngineLimits, local: localBackend(deps.engine) },
    );
    deps.runs.useBackend(this.backend);
  }

  /**
   * Daemon start, before runs left `running` are closed as interrupted: re-attaches every run a previous daemon
   * left queued whose job still waits (docs/workers.md), so a restart loses no queued job and starts none twice.
   * Returns the ids re-attached.
   */
  async reattach(): Promise<string[]> {
    await this.ready;
    if (!this.backend) return [];
    const ids: string[] = [];
    for (const { runId, basis } of await this.backend.reattachable()) {
      const prepared = await this.preparedOf(basis);
      if (!prepared) continue;
      this.deps.runs.resume({
        runId,
        prepared,
        history: basis.history,
        input: basis.input,
        ...(basis.job_key ? { jobKey: basis.job_key } : {}),
      });
      ids.push(runId);
    }
    return ids;
  }

  /**
   * The prepared agent of a re-attached run, from what it was started with. Its loop runs on a worker, so it has
   * no provider client here; its tools are built again only for those the daemon runs for it (memory, sub-agents,
   * MCP). Undefined when its model is no longer known (the run ends interrupted).
   */
  private async preparedOf(basis: RunResumeBasis): Promise<PreparedAgent | undefined> {
    const model = basis.agent.node.model ? findModel(basis.agent.node.model) : undefined;
    if (!model) return undefined;
    const stored = basis.agent.id ? this.deps.storedAgent?.(basis.agent.id) : undefined;
    const node =
      stored?.api_key_config && !basis.agent.node.api_key_config
        ? { ...basis.agent.node, api_key_config: stored.api_key_config }
        : basis.agent.node;
    const agent = {
      ...(basis.agent.id ? { id: basis.agent.id } : {}),
      ...(basis.agent.name ? { name: basis.agent.name } : {}),
      node,
    };
    // The same registry a new run gets (no key is resolved: the client is the worker's); a tool that cannot be
    // built any more (an MCP server gone) leaves the run without it, as it would a new run.
    const built = await this.deps.engine
      .prepare(agent, { client: remoteOnly as PreparedAgent['client'] })
      .catch(() => undefined);
    return {
      agent,
      model,
      client: remoteOnly as PreparedAgent['client'],
      // Without them the worker's run has its own tools only (the claim lists no daemon tool).
      tools: built?.tools ?? new ToolRegistry([], { timeoutMs: 0, maxResultChars: 0 }),
      workspaceDir: built?.workspaceDir ?? '',
      systemPrompt: basis.system_prompt,
      temperature: basis.temperature ?? undefined,
      warnings: basis.warnings,
      ...(basis.max_iterations !== null ? { maxIterations: basis.max_iterations } : {}),
    };
  }

  private queue(): QueueExecutionBackend {
    if (!this.backend) {
      throw new UnavailableError(
        'this daemon runs agents itself: to use workers, `restflow config set execution.redis_url redis://…` and ' +
          '`restflow config set execution.backend queue`, then restart the daemon (docs/workers.md)',
      );
    }
    return this.backend;
  }

  register(hello: WorkerHello) {
    return this.queue().register(hello);
  }

  heartbeat(workerId: string): WorkerInfo {
    return this.queue().heartbeat(workerId);
  }

  deregister(workerId: string): void {
    this.queue().deregister(workerId);
  }

  claim(workerId: string, runId: string, jobId: string): Promise<ClaimAnswer> {
    return this.queue().claim(workerId, runId, jobId);
  }

  report(workerId: string, runId: string, seq: number, events: RemoteRunEvent[]): ReportAnswer {
    return this.queue().report(workerId, runId, seq, events);
  }

  settle(workerId: string, runId: string, result: RemoteRunResult): { accepted: boolean } {
    return this.queue().settle(workerId, runId, result);
  }

  callTool(
    workerId: string,
    runId: string,
    call: { id: string; name: string; arguments: string },
    waitMs: number,
  ): Promise<DaemonToolAnswer> {
    return this.queue().callTool(workerId, runId, call, waitMs);
  }

  requestApproval(workerId: string, runId: string, request: { command: string; workdir?: string }) {
    return this.queue().requestApproval(workerId, runId, request);
  }

  waitApproval(workerId: string, runId: string, approvalId: string, waitMs: number): Promise<ApprovalWaitAnswer> {
    return this.queue().waitApproval(workerId, runId, approvalId, waitMs);
  }

  list(): WorkerInfo[] {
    return this.backend?.workers.list() ?? [];
  }

  /** Where a run executed: a worker (with the queue it went through), or the daemon itself. */
  placement(runId: string): {
    run_id: string;
    backend: 'local' | 'queue';
    queue: string | null;
    worker_id: string | null;
    worker_name: string | null;
  } {
    try {
      const row = this.queue().placement(runId);
      return {
        run_id: runId,
        backend: 'queue',
        queue: row.queue,
        worker_id: row.workerId,
        worker_name: row.workerName,
      };
    } catch {
      return { run_id: runId, backend: 'local', queue: null, worker_id: null, worker_name: null };
    }
  }

  async close(): Promise<void> {
    // A backend still loading is closed once it exists.
    await this.ready.catch(() => undefined);
    await this.backend?.close();
  }
}
