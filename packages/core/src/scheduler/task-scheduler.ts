// The background task runner (docs/lifecycle.md#task-scheduling), owned by the daemon. It sleeps until
// the earliest `next_run_at` (bounded), asks the `tasks_due_idx` index which tasks are due, and runs at most
// `worker_count` at once. Manual and webhook runs go first. A restart closes the runs a crash left open without
// running their slot again.

import type { CoreContext } from '../core-context.ts';
import type { Deleted } from '../deleted.ts';
import { ConflictError, NotFoundError, UnavailableError } from '../errors.ts';
import { normalizeModelId } from '../models/catalogue.ts';
import { toolEnv } from '../security/tool-env.ts';
import { ALL_TASKS_CHANNEL } from '../tasks/task-events.ts';
import type { AgentTask, TaskEvent } from '../tasks/task-model.ts';
import { DAY_MS, utcDayStart } from '../usage/budgets.ts';
import { parseTaskJobKey } from '../workers/queue-names.ts';
import { type AdoptableRun, type TaskAgentRunner, unavailableAgentRunner } from './agent-runner.ts';
import { countDue, earliestNextRun } from './due-index.ts';
import { DEFAULT_FAILOVER_POLICY, DEFAULT_FALLBACK_MODELS, ModelFailover } from './failover.ts';
import { Heartbeat } from './heartbeat.ts';
import { DEFAULT_TELEGRAM_API_BASE, TelegramNotifier } from './notifier.ts';
import { recoverInterruptedRuns } from './recovery.ts';
import { abortableSleep, DEFAULT_TASK_RETRY_POLICY, retryPolicyFromEnv } from './retry.ts';
import type {
  ActiveTaskRun,
  CancelResult,
  RunAccepted,
  RunNowOptions,
  SchedulerDeps,
  SchedulerOptions,
} from './scheduler-model.ts';
import { executeTaskRun, type TaskRunOutcome } from './task-run.ts';
import { CANCELLED_BY_USER, notify, settleRun } from './task-settle.ts';
import { type TaskStreamKind, TaskStreamLog, type TaskTrigger } from './task-stream.ts';
import { WebhookTrigger } from './webhook.ts';

export const DEFAULT_MAX_SLEEP_MS = 1000;
const CANCEL_WAIT_MS = 5000;
const BUSY_WARNING_EVERY_MS = 60_000;

interface ActiveRun {
  task: AgentTask;
  runId: string;
  trigger: TaskTrigger;
  startedAt: number;
  /** The schedule slot a scheduled run is for (null for manual and webhook runs). */
  scheduledAt: number | null;
  controller: AbortController;
  done: Promise<void>;
  /** An engine run a previous daemon started and this one re-attached (docs/workers.md). */
  resume?: { engineRunId: string; retry: number; model?: string };
}

interface QueuedRun extends Required<Pick<RunNowOptions, 'trigger'>>, Omit<RunNowOptions, 'trigger'> {
  task: AgentTask;
  runId: string;
  queuedAt: number;
  /** Run by hand while paused: it runs anyway and the task stays paused. */
  keepPaused?: boolean;
}

const describeMode = (task: AgentTask) =>
  task.execution_mode.type === 'cli' ? `cli:${task.execution_mode.binary}` : 'api';

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export class TaskScheduler {
  readonly stream: TaskStreamLog;
  readonly heartbeat: Heartbeat;
  readonly webhooks: WebhookTrigger;
  readonly failover: ModelFailover;
  private readonly agentRunner: TaskAgentRunner;
  private readonly notifier: TelegramNotifier;
  private readonly running = new Map<string, ActiveRun>();
  /** Insertion order is the order runs were asked for. */
  private readonly queue = new Map<string, QueuedRun>();
  private workerCount: number;
  private readonly maxSleepMs: number;
  private state: 'idle' | 'started' | 'stopping' | 'stopped' = 'idle';
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private lastBusyWarning = Number.NEGATIVE_INFINITY;
  /** Tasks whose run's job stays queued as the daemon stops: they stay `running` for the next daemon. */
  private readonly detached = new Set<string>();

  constructor(
    private readonly core: CoreContext,
    private readonly deps: SchedulerDeps,
    private readonly options: SchedulerOptions = {},
  ) {
    const { env } = core;
    this.stream = new TaskStreamLog(core.db, core.events, core.bus);
    const intervalMs = Number(env.RESTFLOW_HEARTBEAT_INTERVAL_MS) || undefined;
    this.heartbeat = new Heartbeat(core.db, core.events, core.bus, core.clock, () => this.load(), {
      intervalMs,
      ...options.heartbeat,
    });
    this.failover = new ModelFailover(core.clock, { ...DEFAULT_FAILOVER_POLICY, ...options.failover });
    this.agentRunner = options.agentRunner ?? unavailableAgentRunner;
    this.notifier = new TelegramNotifier(
      options.telegramApiBase ?? env.TELEGRAM_API_BASE ?? env.TELEGRAM_API_BASE_URL ?? DEFAULT_TELEGRAM_API_BASE,
      options.fetch,
    );
    this.webhooks = new WebhookTrigger({
      findTask: (id) => deps.tasks.find(id),
      startRun: (taskId, body) => this.runNow(taskId, { trigger: 'webhook', input: body.input, source: body.source }),
      clock: core.clock,
    });
    this.maxSleepMs = options.maxSleepMs ?? DEFAULT_MAX_SLEEP_MS;
    this.workerCount = deps.config.get().worker_count;
    deps.config.onChange((config) => {
      this.workerCount = config.worker_count;
      this.wake();
    });
  }

  get fallbackModels(): readonly string[] {
    const fromEnv = this.core.env.RESTFLOW_TASK_FALLBACK_MODELS;
    if (this.options.fallbackModels) return this.options.fallbackModels;
    if (fromEnv !== undefined)
      return fromEnv
        .split(',')
        .map((m) => m.trim())
        .filter(Boolean);
    return DEFAULT_FALLBACK_MODELS;
  }

  // ── lifecycle ──────────────────────────────────────────────────────────────────────────────────────────

  /** Closes what a crash left running, then starts the loop and the heartbeat. */
  start(): void {
    if (this.state !== 'idle') return;
    this.state = 'started';
    this.heartbeat.statusChange('starting');
    // A task whose engine run was re-attached (its job still queued: docs/workers.md) carries on with it; the
    // others a crash left running are closed.
    const adopted = this.deps.tasks.list('running').flatMap((task) => {
      const run = this.agentRunner.adoptable?.(task.id);
      return run ? [{ task, run }] : [];
    });
    recoverInterruptedRuns(
      { tasks: this.deps.tasks, stream: this.stream, events: this.core.events, heartbeat: this.heartbeat },
      this.core.clock.now(),
      new Set(adopted.map(({ task }) => task.id)),
    );
    for (const { task, run } of adopted) this.adopt(task, run);
    this.unsubscribe = this.core.bus.subscribe(ALL_TASKS_CHANNEL, (event) => {
      const type = (event as TaskEvent).event_type;
      if (type === 'created' || type === 'resumed') this.wake();
    });
    this.heartbeat.start();
    this.heartbeat.statusChange('running', `${this.workerCount} workers`);
    this.heartbeat.pulse();
    this.loop();
  }

  /** Stops the loop, interrupts every run (killing CLI process trees) and closes their tasks as interrupted. */
  async stop(): Promise<void> {
    if (this.state !== 'started') return;
    this.state = 'stopping';
    clearTimeout(this.timer);
    this.unsubscribe?.();
    this.heartbeat.statusChange('stopping');
    for (const queued of this.queue.values()) {
      this.emit(queued.task.id, queued.runId, { type: 'cancelled', reason: 'the daemon is stopping', duration_ms: 0 });
    }
    this.queue.clear();
    const runs = [...this.running.values()];
    for (const run of runs) run.controller.abort('shutdown');
    await Promise.race([Promise.allSettled(runs.map((r) => r.done)), delay(this.options.stopTimeoutMs ?? 5000)]);
    this.deps.tasks.recoverInterrupted(this.core.clock.now(), this.detached);
    this.heartbeat.stop();
    this.heartbeat.statusChange('stopped');
    this.state = 'stopped';
  }

  /** Looks at the due index now instead of at the next planned time. */
  wake(): void {
    if (this.state !== 'started') return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.loop(), 0);
  }

  private loop(): void {
    if (this.state !== 'started') return;
    let sleepMs: number;
    try {
      this.tick();
      sleepMs = this.plannedSleepMs();
    } catch (error) {
      this.heartbeat.warning('tick_failed', (error as Error).message);
      sleepMs = this.maxSleepMs;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.loop(), sleepMs);
  }

  /** Until the earliest next run, bounded; with every worker busy, until a run ends (or the bound). */
  plannedSleepMs(): number {
    if (this.freeSlots() <= 0) return this.maxSleepMs;
    const next = this.nextDueAt();
    if (next === null) return this.maxSleepMs;
    return Math.min(this.maxSleepMs, Math.max(0, next - this.core.clock.now()));
  }

  // ── dispatch ───────────────────────────────────────────────────────────────────────────────────────────

  /** One scheduling decision: queued runs first, then due tasks, while workers are free. Returns what started. */
  tick(): ActiveRun[] {
    if (this.state === 'stopping' || this.state === 'stopped') return [];
    const started: ActiveRun[] = [];
    for (const queued of [...this.queue.values()]) {
      if (this.freeSlots() <= 0) break;
      this.queue.delete(queued.task.id);
      const task = this.deps.tasks.find(queued.task.id);
      if (!task) continue;
      if ((task.status === 'paused' && !queued.keepPaused) || task.status === 'running') {
        this.emit(task.id, queued.runId, { type: 'cancelled', reason: `the task is ${task.status}`, duration_ms: 0 });
        continue;
      }
      const run = this.dispatch(task, queued.trigger, { ...queued, scheduledAt: null });
      if (run) started.push(run);
    }
    let free = this.freeSlots();
    const now = this.core.clock.now();
    if (free > 0) {
      for (const task of this.deps.tasks.listDue(now, free + this.queue.size)) {
        if (free <= 0) break;
        if (this.queue.has(task.id) || this.running.has(task.id)) continue;
        const run = this.dispatch(task, 'schedule', { scheduledAt: task.next_run_at });
        if (run) {
          started.push(run);
          free -= 1;
        }
      }
    } else if (now - this.lastBusyWarning >= BUSY_WARNING_EVERY_MS && this.pendingCount(now) > 0) {
      this.lastBusyWarning = now;
      this.heartbeat.warning('workers_busy', `all ${this.workerCount} workers are busy; due tasks are waiting`);
    }
    return started;
  }

  private dispatch(
    task: AgentTask,
    trigger: TaskTrigger,
    options: { runId?: string; input?: string; source?: string; scheduledAt: number | null; keepPaused?: boolean },
  ): ActiveRun | undefined {
    const runId = options.runId ?? this.core.ids.uuid();
    // A run asked for by hand or by a webhook still starts, and its engine run fails naming the budget.
    if (trigger === 'schedule' && this.skippedForBudget(task, runId)) return undefined;
    let current: AgentTask;
    try {
      current = this.deps.tasks.setRunning(task.id, runId, { keepPaused: options.keepPaused });
    } catch (error) {
      if (error instanceof ConflictError || error instanceof NotFoundError) return undefined;
      throw error;
    }
    const input = options.input !== undefined ? options.input : current.input;
    this.emit(current.id, runId, {
      type: 'started',
      task_name: current.name,
      agent_id: current.agent_id,
      execution_mode: describeMode(current),
      trigger,
      scheduled_at: options.scheduledAt,
      ...(options.source ? { source: options.source } : {}),
    });
    const controller = new AbortController();
    const run: ActiveRun = {
      task: current,
      runId,
      trigger,
      startedAt: this.core.clock.now(),
      scheduledAt: options.scheduledAt,
      controller,
      done: Promise.resolve(),
    };
    this.track(run, input);
    return run;
  }

  private track(run: ActiveRun, input: string | null): void {
    const taskId = run.task.id;
    this.running.set(taskId, run);
    run.done = this.execute(run, input)
      .catch((error: unknown) => {
        try {
          this.heartbeat.warning('run_error', `task ${taskId} run ${run.runId}: ${(error as Error).message}`);
        } catch {
          // The database is already closed (a run that outlived the stop timeout): nothing left to record.
        }
      })
      .finally(() => {
        this.running.delete(taskId);
        this.wake();
      });
  }

  /** Carries on with a task run a previous daemon started whose engine run was re-attached: the task stays running. */
  private adopt(task: AgentTask, adoptable: AdoptableRun): void {
    const key = adoptable.jobKey ? parseTaskJobKey(adoptable.jobKey) : undefined;
    const run: ActiveRun = {
      task,
      runId: this.deps.tasks.events.lastStartedRunId(task.id) ?? adoptable.engineRunId,
      trigger: key ? 'schedule' : 'manual',
      startedAt: task.last_run_at ?? this.core.clock.now(),
      scheduledAt: key?.slot ?? null,
      controller: new AbortController(),
      done: Promise.resolve(),
      resume: {
        engineRunId: adoptable.engineRunId,
        retry: key?.retry ?? 0,
        ...(key?.model ? { model: key.model } : {}),
      },
    };
    this.track(run, adoptable.input);
  }

  /** A scheduled slot whose daily budget is spent is skipped until the next UTC day: recorded, then notified. */
  private skippedForBudget(task: AgentTask, runId: string): boolean {
    const breach = this.deps.usage?.dailyBreach({ taskId: task.id, agentId: task.agent_id });
    if (!breach || !this.deps.usage) return false;
    const stop = this.deps.usage.stopFor(breach);
    const updated = this.deps.tasks.skipUntil(task.id, utcDayStart(this.core.clock.now()) + DAY_MS, stop.message);
    const emit = (kind: TaskStreamKind) => this.emit(task.id, runId, kind);
    emit({
      type: 'skipped',
      reason: stop.message,
      error_code: stop.error_code,
      budget: breach,
      resume_at: updated.next_run_at,
    });
    const settle = {
      tasks: this.deps.tasks,
      memory: this.deps.memory,
      notifier: this.notifier,
      secret: (key: string) => this.deps.secrets.getValue(key),
      emit,
    };
    void notify(settle, updated, {
      success: false,
      text: `Skipped: ${stop.message}`,
      durationMs: 0,
      input: null,
    }).catch((error: unknown) => this.heartbeat.warning('notify_failed', (error as Error).message));
    return true;
  }

  private async execute(run: ActiveRun, input: string | null): Promise<void> {
    const emit = (kind: TaskStreamKind) => this.emit(run.task.id, run.runId, kind);
    const outcome = await this.outcomeOf(run, input, emit);
    if (outcome.status === 'detached') this.detached.add(run.task.id);
    await settleRun(
      {
        tasks: this.deps.tasks,
        memory: this.deps.memory,
        notifier: this.notifier,
        secret: (key) => this.deps.secrets.getValue(key),
        emit,
      },
      { task: run.task, runId: run.runId, input, outcome },
    );
  }

  /**
   * The run's outcome. A run that throws (a fault of the daemon, not of the task) still ends, as failed: left
   * without an outcome, its stream would stop at "started" and the task stay "running", refusing every later run.
   */
  private async outcomeOf(
    run: ActiveRun,
    input: string | null,
    emit: (kind: TaskStreamKind) => void,
  ): Promise<TaskRunOutcome> {
    try {
      return await this.runTask(run, input, emit);
    } catch (error) {
      this.heartbeat.warning('run_error', `task ${run.task.id} run ${run.runId}: ${(error as Error)?.message}`);
      return {
        status: 'failed',
        // The message may quote what the run was given (inputs, granted values): it goes to the log only.
        error: 'the run failed unexpectedly (the daemon log has the details)',
        errorCode: 'internal',
        recoverable: false,
        durationMs: this.core.clock.now() - run.startedAt,
      };
    }
  }

  private runTask(run: ActiveRun, input: string | null, emit: (kind: TaskStreamKind) => void): Promise<TaskRunOutcome> {
    const config = this.deps.config.get();
    return executeTaskRun(
      {
        task: run.task,
        runId: run.runId,
        input,
        signal: run.controller.signal,
        emit,
        ...(run.scheduledAt !== null ? { slot: run.scheduledAt } : {}),
        ...(run.resume ? { resume: run.resume } : {}),
      },
      {
        agentRunner: this.agentRunner,
        failover: this.failover,
        agentModel: (id) => {
          const model = this.deps.agents.find(id)?.agent.model;
          // Aliases ("sonnet") name the same model as their catalogue id; failover tracks health per id.
          return model ? (normalizeModelId(model) ?? model) : undefined;
        },
        fallbackModels: this.fallbackModels,
        retryPolicy: {
          ...DEFAULT_TASK_RETRY_POLICY,
          ...retryPolicyFromEnv(this.core.env),
          ...this.options.retryPolicy,
        },
        maxRetries: config.max_retries,
        apiTimeoutMs: config.task_timeout_seconds * 1000,
        sleep: this.options.sleep ?? abortableSleep,
        random: this.options.random,
        killGraceMs: this.options.killGraceMs,
        cliEnv: (agentId) =>
          toolEnv({
            base: this.core.env,
            grants: this.deps.agents.find(agentId)?.agent.env ?? {},
            secret: (key) => this.deps.secrets.getValue(key),
          }),
      },
    );
  }

  private emit(taskId: string, runId: string, kind: TaskStreamKind): void {
    this.stream.append(taskId, runId, kind);
  }

  // ── commands ───────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Starts a run now, or queues it when every worker is busy. CONFLICT when it is running or queued. A paused
   * task runs once and stays paused (no scheduled run follows).
   */
  runNow(idOrPrefix: string, options: RunNowOptions = {}): RunAccepted {
    const task = this.deps.tasks.get(idOrPrefix);
    if (this.state === 'stopping' || this.state === 'stopped') throw new UnavailableError('the scheduler is stopping');
    const active = this.running.get(task.id);
    if (active || task.status === 'running') {
      throw new ConflictError(`Task ${task.id} is already running${active ? ` (run ${active.runId})` : ''}`);
    }
    const keepPaused = task.status === 'paused';
    const waiting = this.queue.get(task.id);
    if (waiting)
      throw new ConflictError(`Task ${task.id} already has a run waiting for a worker (run ${waiting.runId})`);
    const trigger = options.trigger ?? 'manual';
    const afterSeq = this.stream.lastSeq(task.id);
    const runId = this.core.ids.uuid();
    const accepted = { accepted: true as const, task_id: task.id, run_id: runId, after_seq: afterSeq };
    if (this.freeSlots() > 0 && this.dispatch(task, trigger, { ...options, runId, scheduledAt: null, keepPaused })) {
      return { ...accepted, queued: false };
    }
    this.queue.set(task.id, { ...options, trigger, task, runId, queuedAt: this.core.clock.now(), keepPaused });
    this.emit(task.id, runId, { type: 'progress', phase: 'queued', details: { position: this.queue.size } });
    return { ...accepted, queued: true };
  }

  /** A running (or queued) run is stopped for real and the task paused; an idle task is only paused. */
  async cancel(idOrPrefix: string): Promise<CancelResult> {
    const task = this.deps.tasks.get(idOrPrefix);
    const run = this.running.get(task.id);
    if (run) {
      run.controller.abort('cancel');
      await Promise.race([run.done, delay(CANCEL_WAIT_MS)]);
      return { task_id: task.id, run_id: run.runId, cancelled: true, status: this.deps.tasks.get(task.id).status };
    }
    const queued = this.dropQueued(task.id, CANCELLED_BY_USER);
    const paused = this.deps.tasks.pause(task.id);
    return { task_id: task.id, run_id: queued?.runId ?? null, cancelled: queued !== undefined, status: paused.status };
  }

  /** Pauses the task (a run in progress finishes first) and drops a queued run. */
  pause(idOrPrefix: string): AgentTask {
    const task = this.deps.tasks.pause(idOrPrefix);
    this.dropQueued(task.id, 'the task was paused');
    return task;
  }

  resume(idOrPrefix: string): AgentTask {
    const task = this.deps.tasks.resume(idOrPrefix);
    this.wake();
    return task;
  }

  /** Deletes the task; a run in progress is stopped first (its process tree too), a queued one dropped. */
  async delete(idOrPrefix: string): Promise<Deleted> {
    const id = this.deps.tasks.resolveId(idOrPrefix);
    this.dropQueued(id, 'the task was deleted');
    const run = this.running.get(id);
    if (run) {
      run.controller.abort('cancel');
      await Promise.race([run.done, delay(CANCEL_WAIT_MS)]);
    }
    return this.deps.tasks.delete(id);
  }

  private dropQueued(taskId: string, reason: string): QueuedRun | undefined {
    const queued = this.queue.get(taskId);
    if (!queued) return undefined;
    this.queue.delete(taskId);
    this.emit(taskId, queued.runId, { type: 'cancelled', reason, duration_ms: 0 });
    return queued;
  }

  // ── queries ────────────────────────────────────────────────────────────────────────────────────────────

  active(): ActiveTaskRun[] {
    const running = [...this.running.values()].map(
      (run): ActiveTaskRun => ({
        task_id: run.task.id,
        task_name: run.task.name,
        agent_id: run.task.agent_id,
        run_id: run.runId,
        state: 'running',
        trigger: run.trigger,
        since: run.startedAt,
      }),
    );
    const queued = [...this.queue.values()].map(
      (q): ActiveTaskRun => ({
        task_id: q.task.id,
        task_name: q.task.name,
        agent_id: q.task.agent_id,
        run_id: q.runId,
        state: 'queued',
        trigger: q.trigger,
        since: q.queuedAt,
      }),
    );
    return [...running, ...queued];
  }

  freeSlots(): number {
    return this.workerCount - this.running.size;
  }

  /** The earliest next run of an active task (served by `tasks_due_idx`), or null. */
  nextDueAt(): number | null {
    return earliestNextRun(this.core.db);
  }

  /** Due tasks not yet started, plus queued runs. */
  pendingCount(now = this.core.clock.now()): number {
    return countDue(this.core.db, now) + this.queue.size;
  }

  /** Resolves once no run is in flight (tests, benchmarks). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }

  private load() {
    return { active: this.running.size, pending: this.pendingCount() };
  }
}
