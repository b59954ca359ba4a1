// The `queue` execution backend (docs/workers.md): a run's loop goes to a BullMQ job that a worker process
// takes. The run itself stays the daemon's: the worker claims the run's spec, reports every sink call back (the
// run manager persists and publishes them exactly as for a local run) and settles it with the loop's result.
import { and, eq, isNull, runPlacements, runs } from '@restflow/db';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import type { CoreContext } from '../core-context.ts';
import type { EngineRunRequest, PreparedAgent } from '../engine/agent-engine.ts';
import { type AgentLoopResult, emptyRunUsage } from '../engine/agent-loop.ts';
import type { EngineLimits } from '../engine/limits.ts';
import type { CommandSecurityPort, SecretPort, SkillPort } from '../engine/ports.ts';
import type { ApprovalInfo, RunEventPayloads } from '../engine/run-events.ts';
import { isDaemonTool } from '../engine/tools/index.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.ts';
import type { PendingApproval } from '../security/approval-queue.ts';
import type { SecurityPolicy } from '../security/command-policy.ts';
import type { BudgetStop } from '../usage/usage.service.ts';
import { DETACHED, type ExecutionBackend, type RunPlacement, WORKER_LOST } from './execution-backend.ts';
import { cancelChannel, jobIdFor, queueFor } from './queue-names.ts';
import {
  type ApprovalWaitAnswer,
  type DaemonToolAnswer,
  type DaemonToolSpec,
  fromRemoteResult,
  type ProviderGrant,
  type RemoteRunEvent,
  type RemoteRunResult,
  type RemoteRunSpec,
  type RunResumeBasis,
} from './remote-run.ts';
import { type WorkerHello, type WorkerInfo, WorkerRegistry } from './worker-registry.ts';

/** What a queued job carries: only ids. Everything else is claimed from the daemon when a worker takes it. */
export interface RunJobData {
  run_id: string;
}

export interface QueueBackendOptions {
  redisUrl: string;
  /** The base queue name (default `default`). */
  queue: string;
  /** BullMQ key prefix in Redis. */
  prefix: string;
  /** A worker whose last heartbeat is older than this is lost and its runs interrupted. */
  workerTimeoutMs: number;
  /** How often workers are told to beat. */
  heartbeatMs: number;
  protocolVersion: number;
}

export interface QueueBackendDeps {
  core: Pick<CoreContext, 'db' | 'clock' | 'ids'>;
  /** The provider key and URL for the run's model, resolved when a worker claims the run. */
  provider(prepared: PreparedAgent): Promise<ProviderGrant>;
  policy(): SecurityPolicy;
  /** The daemon's approval queue: a worker's run asks it as a local run does. */
  security: Pick<CommandSecurityPort, 'createApproval' | 'waitForDecision'>;
  secrets: SecretPort;
  skills: SkillPort;
  limits: EngineLimits;
  /** Runs that must stay in the daemon. */
  local: ExecutionBackend;
}

/** A run a previous daemon left queued whose job still waits: the next daemon re-attaches to it. */
export interface QueuedRunLeft {
  runId: string;
  basis: RunResumeBasis;
}

/** Job states in which no worker has started the run yet (an `active` job whose claim never reached us included). */
const NOT_STARTED = new Set(['waiting', 'delayed', 'prioritized', 'waiting-children', 'active']);

export type ClaimAnswer = { status: 'run'; spec: RemoteRunSpec } | { status: 'gone' };

/** `budget_stop`: a budget the run has spent, so the worker makes no further provider call. */
export interface ReportAnswer {
  accepted: boolean;
  budget_stop: BudgetStop | null;
}

interface PendingRun {
  prepared: PreparedAgent;
  request: EngineRunRequest;
  queue: string;
  jobId: string;
  workerId: string | undefined;
  /** Seq of the last report batch applied: a batch sent twice (a retried HTTP call) is applied once. */
  appliedSeq: number;
  /** What the run's provider calls cost so far, as the daemon's meter priced them. */
  costUsd: number;
  /** The daemon tools the worker called, by its call id: a call asked again (a long wait, a retry) is joined. */
  calls: Map<string, Promise<DaemonToolAnswer>>;
  /** Approvals the run asked for, by id: only these may be waited for or announced by its worker. */
  approvals: Map<string, ApprovalInfo>;
  /** Stops the daemon tools still running for the run once it has ended (a worker gone, a tool it gave up). */
  ended: AbortController;
  settle(result: AgentLoopResult): void;
}

/** The longest a worker's call waits for a daemon tool or a decision before it is answered `pending`. */
export const MAX_WAIT_MS = 25_000;

/** Removed once this old (or past this many), so a slot's job id still refuses a second start meanwhile. */
const KEEP_JOBS = { age: 24 * 60 * 60, count: 10_000 };
/** The events a worker may report; `started` and the terminal events are the run manager's own. */
export const WORKER_EVENT_TYPES = ['tool_call_start', 'tool_call_end', 'step', 'usage', 'approval_required'] as const;

const ended = (status: AgentLoopResult['status'], error?: string, errorCode?: string): AgentLoopResult => ({
  status,
  content: '',
  answer: '',
  ...(error ? { error } : {}),
  ...(errorCode ? { errorCode } : {}),
  iterations: 0,
  usage: emptyRunUsage(),
  tokenCount: 0,
  steps: [],
  transcript: [],
});

export class QueueExecutionBackend implements ExecutionBackend {
  readonly name = 'queue';
  readonly workers: WorkerRegistry;
  private readonly redis: Redis;
  private readonly queues = new Map<string, Queue<RunJobData>>();
  /** Each queue's event stream: a job that fails before any worker claimed its run settles the run. */
  private readonly queueEvents: QueueEvents[] = [];
  private readonly eventConnections: Redis[] = [];
  private readonly pending = new Map<string, PendingRun>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    readonly options: QueueBackendOptions,
    private readonly deps: QueueBackendDeps,
  ) {
    const { core } = deps;
    this.workers = new WorkerRegistry(core.clock, core.ids, options.protocolVersion, options.workerTimeoutMs);
    // BullMQ's queues share one connection; a Redis that is down must fail an enqueue, not hang it forever.
    this.redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 3, lazyConnect: true });
    this.redis.on('error', () => {
      // Reported by the commands that fail; ioredis reconnects by itself.
    });
    this.sweeper = setInterval(() => this.sweep(), Math.max(50, Math.min(1000, options.workerTimeoutMs / 4)));
    this.sweeper.unref();
  }

  execute(prepared: PreparedAgent, request: EngineRunRequest, placement: RunPlacement): Promise<AgentLoopResult> {
    if (!placement.remote) return this.deps.local.execute(prepared, request, placement);
    const queue = queueFor(this.options.queue, placement.requires ?? []);
    const jobId = jobIdFor(placement.jobKey ?? `run-${request.runId}`);
    return new Promise<AgentLoopResult>((resolve) => {
      const run: PendingRun = {
        prepared,
        request,
        queue,
        jobId,
        workerId: undefined,
        appliedSeq: 0,
        costUsd: 0,
        calls: new Map(),
        approvals: new Map(),
        ended: new AbortController(),
        settle: (result) => {
          if (this.pending.get(request.runId) !== run) return;
          this.pending.delete(request.runId);
          run.ended.abort('ended');
          if (run.workerId) this.release(run.workerId, request.runId);
          request.signal.removeEventListener('abort', onAbort);
          resolve(result);
        },
      };
      const onAbort = () => {
        if (run.workerId) void this.publishCancel(request.runId);
        else if (request.signal.reason === 'shutdown') {
          // The daemon is stopping and no worker has the run: its job stays queued for the next daemon, which
          // re-attaches to it (reattachable), so the run is neither lost nor started twice.
          run.settle(ended('failed', 'the daemon stopped; the job stays queued', DETACHED));
        } else {
          // Only this run's own job: a duplicate's job id belongs to the run that got it first.
          void this.queue(queue)
            .getJob(jobId)
            .then((job) => (job?.data.run_id === request.runId ? job.remove() : undefined))
            .catch(() => undefined);
          run.settle(ended('cancelled'));
        }
      };
      this.pending.set(request.runId, run);
      request.signal.addEventListener('abort', onAbort, { once: true });
      this.deps.core.db
        .insert(runPlacements)
        .values({
          runId: request.runId,
          queue,
          jobId,
          enqueuedAt: this.deps.core.clock.now(),
          request: basisOf(prepared, request, placement.jobKey) as unknown as Record<string, unknown>,
        })
        .onConflictDoNothing()
        .run();
      void this.enqueue(run, request.runId);
    });
  }

  /**
   * Adds the run's job. BullMQ keeps the first job of an id and answers a second add without adding it (with a job
   * object carrying the new data), so the stored job says whether this run got the id.
   */
  private async enqueue(run: PendingRun, runId: string): Promise<void> {
    const queue = this.queue(run.queue);
    try {
      await queue.add(
        'run',
        { run_id: runId },
        { jobId: run.jobId, removeOnComplete: KEEP_JOBS, removeOnFail: KEEP_JOBS },
      );
      const stored = await queue.getJob(run.jobId);
      if (stored && stored.data.run_id !== runId) {
        run.settle(
          ended(
            'failed',
            `job ${run.jobId} was already queued (run ${stored.data.run_id}): not started twice`,
            'duplicate_job',
          ),
        );
      }
    } catch (error) {
      run.settle(ended('failed', `could not queue the run: ${(error as Error).message}`));
    }
  }

  /**
   * Daemon start: the runs a previous daemon left `running` whose job still waits in the queue, unclaimed. They are
   * re-attached (RunManager.resume) rather than interrupted; a run some worker had claimed is not among them (its
   * worker lost the daemon it reported to: it ends interrupted, and a task retries it per its retry policy).
   */
  async reattachable(): Promise<QueuedRunLeft[]> {
    const rows = this.deps.core.db
      .select({
        runId: runPlacements.runId,
        queue: runPlacements.queue,
        jobId: runPlacements.jobId,
        request: runPlacements.request,
      })
      .from(runPlacements)
      .innerJoin(runs, eq(runs.id, runPlacements.runId))
      .where(and(eq(runs.status, 'running'), isNull(runPlacements.workerId)))
      .all();
    const left: QueuedRunLeft[] = [];
    for (const row of rows) {
      if (!row.request) continue;
      try {
        const job = await this.queue(row.queue).getJob(row.jobId);
        if (!job || job.data.run_id !== row.runId) continue;
        if (!NOT_STARTED.has(await job.getState())) continue;
        left.push({ runId: row.runId, basis: row.request as unknown as RunResumeBasis });
      } catch {
        // Redis unreachable: the run is closed as interrupted, as before there were queued runs to keep.
      }
    }
    return left;
  }

  register(hello: WorkerHello): WorkerInfo & { heartbeat_ms: number; redis_url: string; prefix: string } {
    const worker = this.workers.register(hello);
    return {
      ...worker,
      heartbeat_ms: this.options.heartbeatMs,
      redis_url: this.options.redisUrl,
      prefix: this.options.prefix,
    };
  }

  heartbeat(workerId: string): WorkerInfo {
    return { ...this.workers.beat(workerId) };
  }

  /** A worker stopping cleanly: its runs (if any were left) end interrupted at once rather than at the timeout. */
  deregister(workerId: string): void {
    this.workers.online(workerId);
    this.interruptRunsOf(workerId, 'stopped');
    this.workers.remove(workerId);
  }

  /** The spec of a queued run for the worker that took its job; `gone` when it must not run (any more). */
  async claim(workerId: string, runId: string, jobId: string): Promise<ClaimAnswer> {
    const worker = this.workers.beat(workerId);
    const run = this.pending.get(runId);
    if (!run || run.jobId !== jobId || run.request.signal.aborted) return { status: 'gone' };
    if (run.workerId && run.workerId !== workerId) return { status: 'gone' };
    run.workerId = workerId;
    worker.active_runs.push(runId);
    this.deps.core.db
      .update(runPlacements)
      .set({ workerId, workerName: worker.name, claimedAt: this.deps.core.clock.now() })
      .where(eq(runPlacements.runId, runId))
      .run();
    let provider: ProviderGrant;
    try {
      provider = await this.deps.provider(run.prepared);
    } catch (error) {
      run.settle(ended('failed', (error as Error).message));
      return { status: 'gone' };
    }
    return { status: 'run', spec: this.specOf(run, provider) };
  }

  /** Applies one batch of a worker's sink calls; `accepted: false` tells the worker to stop the run. */
  report(workerId: string, runId: string, seq: number, events: RemoteRunEvent[]): ReportAnswer {
    this.workers.beat(workerId);
    const run = this.pending.get(runId);
    if (!run || run.workerId !== workerId) return { accepted: false, budget_stop: null };
    if (seq > run.appliedSeq) {
      run.appliedSeq = seq;
      for (const event of events) this.apply(run, event);
    }
    return { accepted: !run.request.signal.aborted, budget_stop: run.request.meter?.check() ?? null };
  }

  /**
   * One sink call of the worker's loop. A provider call's usage is metered here, by the run's own meter (its
   * `llm_calls` row, its price, the budgets), and the event carries the daemon's price as a local run's does.
   */
  private apply(run: PendingRun, event: RemoteRunEvent): void {
    const { sink, meter } = run.request;
    if (event.type === 'token') {
      sink.token(event.text);
      return;
    }
    if (event.type === 'thinking') {
      sink.thinking(event.content);
      return;
    }
    if (!(WORKER_EVENT_TYPES as readonly string[]).includes(event.event_type)) return;
    if (event.event_type === 'approval_required') {
      // Only an approval the daemon queued for this run, and as the daemon stored it.
      const asked = (event.payload as { approval?: { id?: unknown } }).approval?.id;
      const approval = typeof asked === 'string' ? run.approvals.get(asked) : undefined;
      if (approval) sink.emit('approval_required', { approval });
      return;
    }
    if (event.event_type === 'usage' && meter) {
      const payload = event.payload as RunEventPayloads['usage'];
      const call = payload.call;
      if (call) {
        const priced = meter.record(
          {
            prompt_tokens: call.input_tokens,
            completion_tokens: call.output_tokens,
            total_tokens: call.input_tokens + call.output_tokens,
            cached_tokens: call.cached_tokens,
            reasoning_tokens: call.reasoning_tokens,
          },
          call.duration_ms,
        );
        run.costUsd += priced.cost_usd;
        sink.emit('usage', {
          ...payload,
          cost_usd: run.costUsd,
          call: { ...call, model: priced.model, cost_usd: priced.cost_usd },
        });
        return;
      }
    }
    sink.emit(event.event_type as (typeof WORKER_EVENT_TYPES)[number], event.payload as never);
  }

  /**
   * The run's active entry for a worker's run-scoped call: refused (typed) unless this worker claimed the run and
   * the run is still active.
   */
  private claimedBy(workerId: string, runId: string): PendingRun {
    this.workers.beat(workerId);
    const run = this.pending.get(runId);
    if (!run) throw new ConflictError(`run ${runId} is not active on the queue`);
    if (run.workerId !== workerId) throw new ForbiddenError(`run ${runId} was not claimed by this worker`);
    refuseIfOver(run, runId);
    return run;
  }

  /**
   * One use of a daemon tool (memory, sub-agents, MCP) by a worker's run: the daemon's own tool of the run's agent
   * runs it, as for a local run (same services, same redaction, limits and approvals). A call still running after
   * `waitMs` answers `pending`; the worker asks again with the same call id and joins it.
   */
  async callTool(
    workerId: string,
    runId: string,
    call: { id: string; name: string; arguments: string },
    waitMs: number,
  ): Promise<DaemonToolAnswer> {
    const run = this.claimedBy(workerId, runId);
    let answer = run.calls.get(call.id);
    if (!answer) {
      if (!isDaemonTool(call.name) || !run.prepared.tools.names().includes(call.name)) {
        throw new NotFoundError('Daemon tool', call.name);
      }
      const { prepared, request } = run;
      answer = prepared.tools
        .execute(call, {
          signal: AbortSignal.any([request.signal, run.ended.signal]),
          runId,
          ...(prepared.agent.id ? { agentId: prepared.agent.id } : {}),
          ...(request.taskId ? { taskId: request.taskId } : {}),
          workspaceDir: prepared.workspaceDir,
          events: request.sink,
        })
        .then((result) => ({ status: 'done' as const, success: result.success, result: result.result }));
      run.calls.set(call.id, answer);
      // Kept a while after it ends, so the worker's next ask (or a retried one) still gets the answer.
      void answer.finally(() => setTimeout(() => run.calls.delete(call.id), MAX_WAIT_MS * 2).unref());
    }
    const outcome = await raceWait(answer, waitMs, { status: 'pending' as const });
    // A tool stopped by the run's cancel answers "cancelled" as a result: the worker is told the run is over
    // instead, so its loop does not take it for a failed tool and ask the model again.
    refuseIfOver(run, runId);
    return outcome;
  }

  /** A command of a worker's run needs a human: queued in the daemon's approvals like a local run's. */
  async requestApproval(
    workerId: string,
    runId: string,
    request: { command: string; workdir?: string },
  ): Promise<PendingApproval> {
    const run = this.claimedBy(workerId, runId);
    const approval = await this.deps.security.createApproval({
      command: request.command,
      ...(request.workdir ? { workdir: request.workdir } : {}),
      ...(run.prepared.agent.id ? { agentId: run.prepared.agent.id } : {}),
      runId,
      ...(run.request.taskId ? { taskId: run.request.taskId } : {}),
    });
    run.approvals.set(approval.id, approval);
    // The port's approval is the queue's own record (engine-wiring.ts securityPort).
    return approval as unknown as PendingApproval;
  }

  /** The decision on an approval the run asked for, or `pending` after `waitMs` (the worker asks again). */
  async waitApproval(workerId: string, runId: string, approvalId: string, waitMs: number): Promise<ApprovalWaitAnswer> {
    const run = this.claimedBy(workerId, runId);
    if (!run.approvals.has(approvalId)) throw new NotFoundError('Approval of this run', approvalId);
    const limit = new AbortController();
    const timer = setTimeout(() => limit.abort('wait'), Math.min(waitMs, MAX_WAIT_MS));
    try {
      const outcome = await this.deps.security.waitForDecision(
        approvalId,
        AbortSignal.any([run.request.signal, run.ended.signal, limit.signal]),
      );
      return { status: outcome.status, reason: outcome.reason ?? null };
    } catch (error) {
      refuseIfOver(run, runId);
      if (limit.signal.aborted) return { status: 'pending', reason: null };
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  settle(workerId: string, runId: string, result: RemoteRunResult): { accepted: boolean } {
    this.workers.beat(workerId);
    const run = this.pending.get(runId);
    if (!run || run.workerId !== workerId) return { accepted: false };
    run.settle(fromRemoteResult(result));
    return { accepted: true };
  }

  /** Where a run was sent; NotFoundError for runs that did not go through the queue. */
  placement(runId: string): typeof runPlacements.$inferSelect {
    const row = this.deps.core.db.select().from(runPlacements).where(eq(runPlacements.runId, runId)).get();
    if (!row) throw new NotFoundError('Run placement', runId);
    return row;
  }

  /** Jobs waiting in each queue this daemon has used (for lists and tests). */
  async waiting(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const [name, queue] of this.queues) counts[name] = await queue.getWaitingCount();
    return counts;
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.allSettled([
      ...[...this.queues.values()].map((queue) => queue.close()),
      ...this.queueEvents.map((events) => events.close()),
    ]);
    for (const connection of this.eventConnections) connection.disconnect();
    this.redis.disconnect();
  }

  private queue(name: string): Queue<RunJobData> {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue<RunJobData>(name, { connection: this.redis, prefix: this.options.prefix });
      queue.on('error', () => {
        // Surfaces as the failed add or remove that caused it.
      });
      this.queues.set(name, queue);
      // Its own connection: reading the event stream blocks it.
      const connection = new Redis(this.options.redisUrl, { maxRetriesPerRequest: null });
      connection.on('error', () => {
        // ioredis reconnects by itself; a missed event leaves the run to its own timeout or a cancel.
      });
      const events = new QueueEvents(name, { connection, prefix: this.options.prefix });
      events.on('error', () => {
        // As above.
      });
      events.on('failed', ({ jobId, failedReason }) => this.jobFailed(jobId, failedReason));
      this.eventConnections.push(connection);
      this.queueEvents.push(events);
    }
    return queue;
  }

  private specOf(run: PendingRun, provider: ProviderGrant): RemoteRunSpec {
    const { prepared, request } = run;
    const { limits } = this.deps;
    // The key itself travels as the provider grant; the node keeps no credential.
    const { api_key_config: _key, ...node } = prepared.agent.node;
    const secrets: Record<string, string> = {};
    for (const grant of Object.values(node.env ?? {})) {
      if (typeof grant === 'object') {
        const value = this.deps.secrets.get(grant.secret);
        if (value !== undefined) secrets[grant.secret] = value;
      }
    }
    return {
      run_id: request.runId,
      task_id: request.taskId ?? null,
      agent: { id: prepared.agent.id ?? null, name: prepared.agent.name ?? null, node },
      model: prepared.model.model,
      system_prompt: prepared.systemPrompt,
      history: request.history.slice(-limits.historyWindow),
      input: request.input,
      temperature: prepared.temperature ?? null,
      max_iterations: prepared.maxIterations ?? limits.maxIterations,
      limits: {
        max_tokens: limits.maxTokens,
        history_window: limits.historyWindow,
        tool_timeout_ms: limits.toolTimeoutMs,
        max_tool_result_chars: limits.maxToolResultChars,
      },
      provider,
      policy: this.deps.policy(),
      skills: (node.skills ?? []).flatMap((id) => {
        const skill = this.deps.skills.find(id);
        return skill
          ? [{ id: skill.id, name: skill.name, description: skill.description ?? null, content: skill.content }]
          : [];
      }),
      secrets,
      // A daily budget already spent stops the run before its first call, as it would locally.
      budget_stop: request.meter?.check() ?? null,
      daemon_tools: daemonToolsOf(prepared),
    };
  }

  private release(workerId: string, runId: string): void {
    try {
      const live = this.workers.online(workerId);
      live.active_runs = live.active_runs.filter((id) => id !== runId);
    } catch {
      // A lost worker keeps the list of what it was running.
    }
  }

  /**
   * A job that failed in the queue before any worker claimed its run (the worker could not reach the daemon, or
   * died holding the job past BullMQ's stalled-job limit): the run would otherwise wait for ever.
   */
  private jobFailed(jobId: string, reason: string): void {
    for (const run of this.pending.values()) {
      if (run.jobId === jobId && !run.workerId) {
        run.settle(ended('failed', `no worker could take the run: ${reason}`));
        return;
      }
    }
  }

  private sweep(): void {
    for (const worker of this.workers.sweep()) this.interruptRunsOf(worker.id, 'stopped answering');
  }

  private interruptRunsOf(workerId: string, why: string): void {
    const name = this.workers.list().find((w) => w.id === workerId)?.name ?? workerId;
    for (const [runId, run] of this.pending) {
      if (run.workerId !== workerId) continue;
      void this.publishCancel(runId);
      run.settle(ended('failed', `interrupted: worker ${name} ${why}`, WORKER_LOST));
    }
  }

  private async publishCancel(runId: string): Promise<void> {
    try {
      await this.redis.publish(cancelChannel(this.options.prefix), runId);
    } catch {
      // A worker that misses it still learns at its next report (accepted: false).
    }
  }
}

function basisOf(prepared: PreparedAgent, request: EngineRunRequest, jobKey: string | undefined): RunResumeBasis {
  // A key written into the definition itself is not copied here; a re-attached stored agent gets its own again.
  const { api_key_config: key, ...node } = prepared.agent.node;
  return {
    agent: {
      id: prepared.agent.id ?? null,
      name: prepared.agent.name ?? null,
      node: key && key.type !== 'direct' ? { ...node, api_key_config: key } : node,
    },
    system_prompt: prepared.systemPrompt,
    temperature: prepared.temperature ?? null,
    max_iterations: prepared.maxIterations ?? null,
    warnings: prepared.warnings,
    history: request.history,
    input: request.input,
    job_key: jobKey ?? null,
  };
}

/** The specs of the agent's tools that run in the daemon (memory, sub-agents, MCP), for the worker to offer. */
function daemonToolsOf(prepared: PreparedAgent): DaemonToolSpec[] {
  return prepared.tools
    .specs()
    .filter((tool) => isDaemonTool(tool.name))
    .map((tool) => ({ name: tool.name, description: tool.description, parameters: tool.parameters }));
}

/**
 * A worker's call for a run that was cancelled or has ended is refused CONFLICT, which ends the run on the worker
 * (docs/workers.md): whatever the call would answer now, a tool cut short or a wait given up, is not the run's.
 */
function refuseIfOver(run: PendingRun, runId: string): void {
  if (run.request.signal.aborted) throw new ConflictError(`run ${runId} was cancelled`);
  if (run.ended.signal.aborted) throw new ConflictError(`run ${runId} has ended`);
}

/** `promise`'s value, or `otherwise` when it takes longer than `waitMs` (bounded by MAX_WAIT_MS). */
function raceWait<T, U>(promise: Promise<T>, waitMs: number, otherwise: U): Promise<T | U> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<U>((resolve) => {
    timer = setTimeout(() => resolve(otherwise), Math.min(waitMs, MAX_WAIT_MS));
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
