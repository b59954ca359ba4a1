// The worker side of the queue backend (docs/workers.md): takes run jobs from BullMQ, claims each run's spec from
// the daemon, runs the same agent loop and tools as the daemon would, and reports every sink call back. It never
// opens the database: everything goes through the DaemonLink (the router over HTTP, in `restflow worker`).
import os from 'node:os';
import path from 'node:path';
import { type Job, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { AgentEngine, type PreparedAgent } from '../engine/agent-engine.ts';
import { type AgentLoopResult, emptyRunUsage } from '../engine/agent-loop.ts';
import type { ApprovalOutcome, CommandSecurityPort, MemoryPort, SkillPort } from '../engine/ports.ts';
import type { RunEventSink } from '../engine/run-events.ts';
import { buildToolRegistry, type ToolDefinition, type ToolDeps } from '../engine/tools/index.ts';
import { createLlmClientFactory } from '../llm/client-factory.ts';
import { findModel } from '../models/catalogue.ts';
import type { PendingApproval } from '../security/approval-queue.ts';
import { evaluateCommand } from '../security/command-policy.ts';
import { protectedPaths } from '../security/protected-paths.ts';
import { Redactor } from '../security/redactor.ts';
import type { ToolSandbox } from '../security/sandbox.ts';
import { type BudgetStop, emptyTotals, type RunMeter } from '../usage/usage.service.ts';
import type { ClaimAnswer, ReportAnswer, RunJobData } from './queue-backend.ts';
import { cancelChannel, queuesServing } from './queue-names.ts';
import {
  type ApprovalWaitAnswer,
  type DaemonToolAnswer,
  type DaemonToolSpec,
  type RemoteRunEvent,
  type RemoteRunResult,
  type RemoteRunSpec,
  toRemoteResult,
} from './remote-run.ts';
import type { WorkerHello } from './worker-registry.ts';

export interface WorkerRegistration {
  id: string;
  heartbeat_ms: number;
  redis_url: string;
  prefix: string;
}

/** How a worker reaches the daemon. */
export interface DaemonLink {
  register(hello: WorkerHello): Promise<WorkerRegistration>;
  /** Rejects with WorkerUnknownError when the daemon no longer knows this worker (it was declared lost). */
  heartbeat(workerId: string, activeRuns: string[]): Promise<void>;
  deregister(workerId: string): Promise<void>;
  claim(workerId: string, runId: string, jobId: string): Promise<ClaimAnswer>;
  report(workerId: string, runId: string, seq: number, events: RemoteRunEvent[]): Promise<ReportAnswer>;
  settle(workerId: string, runId: string, result: RemoteRunResult): Promise<{ accepted: boolean }>;
  /** Runs one of the run's daemon tools there (memory, sub-agents, MCP); `pending`: ask again, same call id. */
  callTool(
    workerId: string,
    runId: string,
    call: { id: string; name: string; arguments: string },
    waitMs: number,
  ): Promise<DaemonToolAnswer>;
  /** Queues an approval in the daemon's approvals for the run. */
  requestApproval(
    workerId: string,
    runId: string,
    request: { command: string; workdir?: string },
  ): Promise<PendingApproval>;
  /**
   * The decision on the run's approval, or `pending` after about `waitMs`. This and the two calls above reject
   * with RunLostError when the daemon refuses them because the run is no longer this worker's.
   */
  waitApproval(workerId: string, runId: string, approvalId: string, waitMs: number): Promise<ApprovalWaitAnswer>;
}

export class WorkerUnknownError extends Error {
  override name = 'WorkerUnknownError';
}

/**
 * A link's refusal of a call for a run that is no longer this worker's (cancelled, or settled): the run ends
 * here at once. Cancelling reaches a worker on two roads, this answer and the queue's cancel channel, and the
 * run stops on whichever comes first, so its loop never asks the model again after a cancel it was told of.
 */
export class RunLostError extends Error {
  override name = 'RunLostError';
}

export interface WorkerRuntimeOptions {
  link: DaemonLink;
  name: string;
  version: string;
  protocolVersion: number;
  queue: string;
  tags: string[];
  /** Runs at once in this process, over all the queues it serves (one per subset of its tags). */
  concurrency: number;
  /** Overrides the Redis URL the daemon gives at registration. */
  redisUrl?: string;
  /** Parent of the per-agent workspaces on this machine. */
  workspaceRoot?: string;
  sandbox?: ToolSandbox;
  env?: NodeJS.ProcessEnv;
  /** Values never to appear in tool output sent back (the worker's own API token). */
  secrets?: string[];
  /** How long one call for a daemon tool or a decision waits before it is asked again (default 20 s). */
  longPollMs?: number;
  /** Problems that do not stop the worker (a failed heartbeat, a lost report). */
  onWarning?: (message: string) => void;
  /** A run was claimed and started, or ended; or its job was dropped (the daemon no longer runs it). */
  onRun?: (event: { run_id: string; phase: 'started' | 'ended' | 'dropped'; status?: string }) => void;
}

/** Sink calls are sent in batches this often at most (an event other than text is sent at once). */
const REPORT_EVERY_MS = 25;
const REPORT_ATTEMPTS = 5;
/** How long one call for a daemon tool or a decision waits before it is answered `pending` and asked again. */
const LONG_POLL_MS = 20_000;

export class WorkerRuntime {
  private workerId: string | undefined;
  private readonly workers: Worker<RunJobData>[] = [];
  private subscriber: Redis | undefined;
  private readonly connections: Redis[] = [];
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly active = new Map<string, AbortController>();
  private readonly env: NodeJS.ProcessEnv;
  private stopping = false;
  private stopped: Promise<void> | undefined;
  /** Jobs holding one of the process's `concurrency` slots, and those waiting for one. */
  private slotsUsed = 0;
  private readonly slotWaiters: (() => void)[] = [];
  /** The queues' workers stop fetching while every slot is taken (pause), and fetch again when one frees. */
  private fetching = true;
  /** The last pause or resume of the queues' workers: a stop waits for it, so none outlives the close. */
  private toggled: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: WorkerRuntimeOptions) {
    this.env = options.env ?? process.env;
  }

  get id(): string | undefined {
    return this.workerId;
  }

  activeRuns(): string[] {
    return [...this.active.keys()];
  }

  async start(): Promise<WorkerRegistration> {
    const registration = await this.register();
    const redisUrl = this.options.redisUrl ?? registration.redis_url;
    const subscriber = new Redis(redisUrl, { maxRetriesPerRequest: null });
    subscriber.on('error', (error) => this.warn(`redis: ${error.message}`));
    subscriber.on('message', (_channel, runId: string) => this.active.get(runId)?.abort('cancel'));
    this.subscriber = subscriber;
    await subscriber.subscribe(cancelChannel(registration.prefix));
    for (const queue of queuesServing(this.options.queue, this.options.tags)) {
      const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
      connection.on('error', () => {
        // The worker's own 'error' event reports it.
      });
      this.connections.push(connection);
      const worker = new Worker<RunJobData>(queue, (job, _token, signal) => this.runJob(job, signal), {
        connection,
        prefix: registration.prefix,
        concurrency: this.options.concurrency,
      });
      worker.on('error', (error) => this.warn(`queue ${queue}: ${error.message}`));
      this.workers.push(worker);
    }
    await Promise.all(this.workers.map((worker) => worker.waitUntilReady()));
    this.heartbeat = setInterval(() => void this.beat(), registration.heartbeat_ms);
    return registration;
  }

  /** Stops taking jobs; runs in progress are cancelled when `abortRuns`, else finished first. */
  stop(options: { abortRuns?: boolean } = {}): Promise<void> {
    // A second stop waits for the first rather than closing (and deregistering) again.
    this.stopped ??= this.close(options);
    return this.stopped;
  }

  private async close(options: { abortRuns?: boolean }): Promise<void> {
    this.stopping = true;
    clearInterval(this.heartbeat);
    if (options.abortRuns) for (const controller of this.active.values()) controller.abort('shutdown');
    await this.toggled;
    await Promise.allSettled(this.workers.map((worker) => worker.close()));
    for (const connection of this.connections) connection.disconnect();
    this.subscriber?.disconnect();
    if (this.workerId) await this.options.link.deregister(this.workerId).catch(() => undefined);
  }

  private async register(): Promise<WorkerRegistration> {
    const { options } = this;
    const registration = await options.link.register({
      name: options.name,
      version: options.version,
      protocol_version: options.protocolVersion,
      tags: options.tags,
      queue: options.queue,
      concurrency: options.concurrency,
    });
    this.workerId = registration.id;
    return registration;
  }

  private async beat(): Promise<void> {
    if (!this.workerId || this.stopping) return;
    try {
      await this.options.link.heartbeat(this.workerId, this.activeRuns());
    } catch (error) {
      if (!(error instanceof WorkerUnknownError)) return this.warn(`heartbeat: ${(error as Error).message}`);
      // The daemon gave this worker up (a long pause, a daemon restart): its runs were settled there.
      for (const controller of this.active.values()) controller.abort('cancel');
      await this.register().catch((e: Error) => this.warn(`register: ${e.message}`));
    }
  }

  /**
   * BullMQ's concurrency is per queue, and a worker with tags serves several queues: the process-wide limit is this
   * gate. While it is full the queues' workers stop fetching, so jobs stay in the queue for other workers; a job
   * one of them fetched just before waits here for a slot (its lock is kept renewed meanwhile).
   */
  private async acquireSlot(): Promise<void> {
    if (this.slotsUsed < this.options.concurrency) this.slotsUsed += 1;
    else await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    if (this.slotsUsed >= this.options.concurrency && this.fetching) {
      this.fetching = false;
      this.toggled = Promise.allSettled(this.workers.map((worker) => worker.pause(true)));
    }
  }

  private releaseSlot(): void {
    const next = this.slotWaiters.shift();
    // The slot passes to a job already fetched; else it frees, and the queues are fetched from again.
    if (next) {
      next();
      return;
    }
    this.slotsUsed -= 1;
    if (!this.fetching && !this.stopping && this.slotsUsed < this.options.concurrency) {
      this.fetching = true;
      this.toggled = Promise.allSettled(this.workers.map((worker) => worker.resume()));
    }
  }

  private async runJob(job: Job<RunJobData>, signal?: AbortSignal): Promise<string> {
    await this.acquireSlot();
    try {
      return await this.runJobInSlot(job, signal);
    } finally {
      this.releaseSlot();
    }
  }

  private async runJobInSlot(job: Job<RunJobData>, signal?: AbortSignal): Promise<string> {
    const workerId = this.workerId;
    const runId = job.data.run_id;
    if (!workerId || !job.id) return 'gone';
    const jobId = job.id;
    // A daemon briefly out of reach must not fail the job: its run would end failed on the daemon.
    const claim = await retried(REPORT_ATTEMPTS, () => this.options.link.claim(workerId, runId, jobId));
    if (claim.status === 'gone') {
      this.options.onRun?.({ run_id: runId, phase: 'dropped' });
      return 'gone';
    }
    const controller = new AbortController();
    // The daemon says the run is no longer this worker's: a report refused, or a tool call or approval (RunLostError).
    const lost = () => controller.abort('cancel');
    this.active.set(runId, controller);
    signal?.addEventListener('abort', () => controller.abort('cancel'), { once: true });
    this.options.onRun?.({ run_id: runId, phase: 'started' });
    // The daemon meters the run's provider calls (they reach it as usage events) and says when a budget is spent.
    const budget: { stop: BudgetStop | null } = { stop: claim.spec.budget_stop };
    const reporter = new RunReporter(
      this.options.link,
      workerId,
      runId,
      (answer) => {
        if (!answer.accepted) lost();
        if (answer.budget_stop) budget.stop = answer.budget_stop;
      },
      (m) => this.warn(m),
    );
    let result: AgentLoopResult;
    try {
      const { engine, prepared } = this.prepare(claim.spec, { workerId, reporter, lost });
      result = await engine.run(prepared, {
        runId,
        ...(claim.spec.task_id ? { taskId: claim.spec.task_id } : {}),
        history: claim.spec.history,
        input: claim.spec.input,
        signal: controller.signal,
        sink: reporter.sink,
        meter: reportedMeter(claim.spec.model, budget),
      });
    } catch (error) {
      result = {
        status: 'failed',
        content: '',
        answer: '',
        error: (error as Error).message,
        iterations: 0,
        usage: emptyRunUsage(),
        tokenCount: 0,
        steps: [],
        transcript: [],
      };
    }
    try {
      await reporter.close();
      await this.options.link.settle(workerId, runId, toRemoteResult(result));
    } catch (error) {
      this.warn(`could not settle run ${runId}: ${(error as Error).message}`);
    } finally {
      this.active.delete(runId);
      this.options.onRun?.({ run_id: runId, phase: 'ended', status: result.status });
    }
    return result.status;
  }

  /** The run's agent, built on this machine from the spec: same loop and tools, this run's key only. */
  private prepare(
    spec: RemoteRunSpec,
    run: { workerId: string; reporter: RunReporter; lost: () => void },
  ): { engine: AgentEngine; prepared: PreparedAgent } {
    const daemon: RunDaemon = {
      link: this.options.link,
      runId: spec.run_id,
      pollMs: this.options.longPollMs ?? LONG_POLL_MS,
      ...run,
    };
    const model = findModel(spec.model);
    if (!model) throw new Error(`this worker does not know the model "${spec.model}": run the daemon's version`);
    const redactor = new Redactor();
    redactor.set('run', [spec.provider.api_key, ...Object.values(spec.secrets), ...(this.options.secrets ?? [])]);
    const skills: SkillPort = {
      list: () => spec.skills,
      find: (id) => spec.skills.find((skill) => skill.id === id || skill.name === id),
    };
    const deps: ToolDeps = {
      security: policySnapshotPort(spec.policy, daemon),
      skills,
      memory: unavailableMemory,
      secrets: { get: (key) => spec.secrets[key] },
      extraPaths: (this.env.RESTFLOW_TOOL_PATHS ?? '').split(path.delimiter).filter(Boolean),
      allowPrivateNetwork: this.env.RESTFLOW_TOOL_ALLOW_PRIVATE_NETWORK === '1',
      ...(this.options.sandbox ? { sandbox: this.options.sandbox } : {}),
      protectedPaths: protectedPaths({ env: this.env }),
      baseEnv: this.env,
      redact: (text) => redactor.redact(text),
      containsSecret: (text) => redactor.contains(text),
    };
    const limits = {
      maxTokens: spec.limits.max_tokens,
      historyWindow: spec.limits.history_window,
      toolTimeoutMs: spec.limits.tool_timeout_ms,
      maxToolResultChars: spec.limits.max_tool_result_chars,
      maxIterations: spec.max_iterations,
    };
    const workspaceRoot = this.options.workspaceRoot ?? path.join(os.tmpdir(), 'restflow-worker-workspaces');
    const engine = new AgentEngine({
      llm: { resolve: async () => Promise.reject(new Error('a worker gets its client from the run spec')) },
      skills,
      tools: deps,
      limits,
      workspaceRoot,
    });
    const node = spec.agent.node;
    const client = createLlmClientFactory({ env: this.env }).create({
      provider: spec.provider.provider,
      apiKey: spec.provider.api_key,
      baseUrl: spec.provider.base_url,
      ...(spec.provider.key_source ? { keySource: spec.provider.key_source } : {}),
    });
    const tools = buildToolRegistry(
      node.tools,
      deps,
      { timeoutMs: limits.toolTimeoutMs, maxResultChars: limits.maxToolResultChars },
      {
        ...(node.env ? { env: node.env } : {}),
        ...(node.sandbox ? { sandbox: node.sandbox } : {}),
        ...(node.allowed_hosts ? { allowed_hosts: node.allowed_hosts } : {}),
      },
      // Last, so they take the name of a tool built here (the memory tools are, without a store behind them).
      (spec.daemon_tools ?? []).map((tool) => daemonTool(tool, daemon)),
    );
    const prepared: PreparedAgent = {
      agent: {
        ...(spec.agent.id ? { id: spec.agent.id } : {}),
        ...(spec.agent.name ? { name: spec.agent.name } : {}),
        node,
      },
      model,
      client,
      systemPrompt: spec.system_prompt,
      tools,
      temperature: spec.temperature ?? undefined,
      workspaceDir: path.join(workspaceRoot, spec.agent.id ?? 'inline'),
      warnings: [],
      maxIterations: spec.max_iterations,
    };
    return { engine, prepared };
  }

  private warn(message: string): void {
    this.options.onWarning?.(message);
  }
}

async function retried<T>(attempts: number, call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= attempts || error instanceof WorkerUnknownError) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

/** Sends a run's sink calls to the daemon in order, in numbered batches (a batch re-sent is applied once). */
class RunReporter {
  private buffer: RemoteRunEvent[] = [];
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> = Promise.resolve();

  readonly sink: RunEventSink = {
    token: (text) => this.push({ type: 'token', text }, false),
    thinking: (content) => this.push({ type: 'thinking', content }, false),
    emit: (type, payload) => this.push({ type: 'event', event_type: type, payload: { ...payload } }, true),
  };

  constructor(
    private readonly link: DaemonLink,
    private readonly workerId: string,
    private readonly runId: string,
    private readonly onAnswer: (answer: ReportAnswer) => void,
    private readonly warn: (message: string) => void,
  ) {}

  private push(event: RemoteRunEvent, now: boolean): void {
    this.buffer.push(event);
    if (now) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), REPORT_EVERY_MS);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length === 0) return;
    const events = this.buffer;
    this.buffer = [];
    const seq = ++this.seq;
    this.sending = this.sending.then(() => this.send(seq, events));
  }

  private async send(seq: number, events: RemoteRunEvent[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        this.onAnswer(await this.link.report(this.workerId, this.runId, seq, events));
        return;
      } catch (error) {
        if (attempt >= REPORT_ATTEMPTS)
          return this.warn(`lost events of run ${this.runId}: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  }

  /** Sends what is buffered and waits until the daemon has it (before a call that makes the daemon emit). */
  async drain(): Promise<void> {
    this.flush();
    await this.sending;
  }

  async close(): Promise<void> {
    await this.drain();
  }
}

/** What a run on a worker needs to ask the daemon for its tools and approvals. */
interface RunDaemon {
  link: DaemonLink;
  pollMs: number;
  workerId: string;
  runId: string;
  reporter: RunReporter;
  /** Ends the run here: the daemon said it is no longer this worker's (cancelled, or claimed elsewhere). */
  lost: () => void;
}

/** `call`, ending the run when the daemon answers that it is no longer this worker's. */
async function forRun<T>(daemon: RunDaemon, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof RunLostError) daemon.lost();
    throw error;
  }
}

/** Waits `ms`, or less when `signal` aborts. */
const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * Asks the daemon until it answers other than `pending`, or the run is cancelled. A call the daemon did not
 * answer (it restarts, the network drops) is asked again a few times, as a report is.
 */
async function untilDecided<T extends { status: string }>(
  signal: AbortSignal,
  daemon: RunDaemon,
  ask: () => Promise<T>,
): Promise<T> {
  let failures = 0;
  for (;;) {
    if (signal.aborted) throw new Error('cancelled');
    let answer: T;
    try {
      answer = await forRun(daemon, ask);
    } catch (error) {
      // A refusal (the run is no longer this worker's) ends it; a lost connection is tried again.
      if (error instanceof WorkerUnknownError || error instanceof RunLostError) throw error;
      if ((error as { data?: { code?: string } }).data?.code) throw error;
      if (++failures >= REPORT_ATTEMPTS) throw error;
      await pause(50 * failures, signal);
      continue;
    }
    failures = 0;
    if (answer.status !== 'pending') return answer;
  }
}

/**
 * A tool the daemon runs for this run (docs/workers.md): same name and schema as there; each use is sent to the
 * daemon, which runs its own tool of the run's agent with its services and limits, and answers the result.
 */
function daemonTool(spec: DaemonToolSpec, daemon: RunDaemon): ToolDefinition {
  return {
    name: spec.name,
    description: spec.description,
    parameters: spec.parameters,
    // The daemon's run of the tool applies its time limit (a sub-agent wait, an MCP call, an approval).
    selfTimed: true,
    async execute(args, ctx) {
      // Events the tool makes there (an approval, a sub-agent) come after what the loop reported before it.
      await daemon.reporter.drain();
      const call = { id: crypto.randomUUID(), name: spec.name, arguments: JSON.stringify(args) };
      const answer = await untilDecided(ctx.signal, daemon, () =>
        daemon.link.callTool(daemon.workerId, daemon.runId, call, daemon.pollMs),
      );
      if (answer.status !== 'done') throw new Error('the daemon gave no result');
      // The daemon's result is already redacted and cut to size: it goes back as the tool's output text.
      return {
        success: answer.success,
        output: answer.success ? answer.result : answer.result.replace(/^Error: /, ''),
      };
    },
  };
}

/**
 * The loop's meter on a worker: prices nothing itself (the daemon meters the usage events it receives) and stops
 * the loop once the daemon has said a budget is spent — at the latest one call after the local backend would.
 */
function reportedMeter(model: string, budget: { stop: BudgetStop | null }): RunMeter {
  return {
    check: () => budget.stop ?? undefined,
    record: (usage, durationMs) => ({
      model,
      input_tokens: usage.prompt_tokens,
      output_tokens: usage.completion_tokens,
      cached_tokens: usage.cached_tokens ?? 0,
      reasoning_tokens: usage.reasoning_tokens ?? 0,
      cost_usd: 0,
      priced: false,
      duration_ms: durationMs,
    }),
    totals: () => emptyTotals(),
    treeSpent: () => ({ tokens: 0, cost_usd: 0 }),
  };
}

/**
 * The command policy as the daemon had it when the run was claimed; a command it sends for approval is queued in
 * the daemon's approvals (listed, decided and expiring there as a local run's) and the worker waits for it.
 */
function policySnapshotPort(policy: RemoteRunSpec['policy'], daemon: RunDaemon): CommandSecurityPort {
  return {
    evaluate: (command, context) => {
      const { agentId: _agent, ...where } = context;
      const evaluation = evaluateCommand(policy, command, where);
      if (evaluation.action === 'block') return { action: 'block', reason: evaluation.reason };
      return { action: evaluation.action };
    },
    // Granted tools (MCP) are judged by the daemon, which runs them.
    evaluateTool: () => ({ action: 'allow' }),
    createApproval: async (request) => {
      // The daemon announces nothing itself: the loop's approval_required event follows what it reported before.
      await daemon.reporter.drain();
      const approval = await forRun(daemon, () =>
        daemon.link.requestApproval(daemon.workerId, daemon.runId, {
          command: request.command,
          ...(request.workdir ? { workdir: request.workdir } : {}),
        }),
      );
      return { ...approval };
    },
    waitForDecision: async (approvalId, signal): Promise<ApprovalOutcome> => {
      const answer = await untilDecided(signal, daemon, () =>
        daemon.link.waitApproval(daemon.workerId, daemon.runId, approvalId, daemon.pollMs),
      );
      return { status: answer.status as ApprovalOutcome['status'], reason: answer.reason };
    },
  };
}

/** Never reached: the memory tools of a worker's run are the daemon's (`daemon_tools`), which replace these. */
const unavailableMemory: MemoryPort = {
  search: () => {
    throw new Error('memory tools run in the daemon for a worker (this daemon did not offer them)');
  },
  store: () => {
    throw new Error('memory tools run in the daemon for a worker (this daemon did not offer them)');
  },
};
