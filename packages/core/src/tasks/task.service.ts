import { and, asc, type Db, desc, eq, lte, type TaskStatus, type TaskWebhook, type Tx, tasks } from '@restflow/db';
import type { AgentService } from '../agents/agent.service.ts';
import type { CoreContext } from '../core-context.ts';
import type { Deleted } from '../deleted.ts';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.ts';
import { nameTakenIn, resolveRefIn } from '../id-prefix.ts';
import { computeNextRunAt, defaultSchedule, validateSchedule } from './schedule.ts';
import { DEFAULT_EVENT_LIMIT, type NewTaskEvent, TaskEventLog } from './task-events.ts';
import {
  type AgentTask,
  type CreateTaskInput,
  DEFAULT_MEMORY,
  DEFAULT_NOTIFICATION,
  DEFAULT_WEBHOOK_RATE_LIMIT,
  definedOnly,
  normalizeExecutionMode,
  type TaskEvent,
  type TaskRow,
  taskToWire,
  type UpdateTaskInput,
} from './task-model.ts';

/** Active tasks whose next run is due, oldest first — shaped so SQLite serves it from `tasks_due_idx`. */
export function dueTasksQuery(db: Db, now: number, limit: number) {
  return db
    .select()
    .from(tasks)
    .where(and(eq(tasks.status, 'active'), lte(tasks.nextRunAt, now)))
    .orderBy(asc(tasks.nextRunAt))
    .limit(limit);
}

export interface ExecutionSuccess {
  output?: string | null;
  durationMs: number;
  runId?: string | null;
}

export interface ExecutionFailure {
  error: string;
  durationMs: number;
  runId?: string | null;
}

const INTERRUPTED_ERROR = 'interrupted: the daemon stopped while the task was running';

/**
 * Background agents (docs/entities.md#tasks): storage, schedule, lifecycle and event log. The scheduler drives
 * the lifecycle (listDue → setRunning → completeExecution | failExecution); every transition writes its
 * TaskEvent in the same transaction as the task change.
 */
/** "now" typed by a person reaches us a moment later: that much of the past still counts as now. */
const PAST_GRACE_MS = 60_000;

export class TaskService {
  readonly events: TaskEventLog;

  constructor(
    protected readonly core: CoreContext,
    private readonly agents: AgentService,
  ) {
    this.events = new TaskEventLog(core.db, core.bus, core.clock, core.ids);
  }

  private get db(): Db {
    return this.core.db;
  }

  private now(): number {
    return this.core.clock.now();
  }

  // ── queries ────────────────────────────────────────────────────────────────────────────────────────────

  list(status?: TaskStatus): AgentTask[] {
    const query = this.db.select().from(tasks);
    const filtered = status ? query.where(eq(tasks.status, status)) : query;
    return filtered.orderBy(desc(tasks.createdAt), asc(tasks.id)).all().map(taskToWire);
  }

  listByStatus(status: TaskStatus): AgentTask[] {
    return this.list(status);
  }

  /** Accepts a full id, a task name or a unique id prefix (the CLI shows 8 characters). */
  resolveId(idOrPrefix: string): string {
    return resolveRefIn(this.db, 'tasks', 'Task', idOrPrefix);
  }

  /** Task names are unique (people refer to tasks by name): a second one is a conflict. */
  private requireFreeName(name: string, exceptId?: string): void {
    const taken = nameTakenIn(this.db, 'tasks', name, exceptId);
    if (taken) {
      throw new ConflictError(
        `a task named "${name.trim()}" already exists (${taken.slice(0, 8)}); choose another name`,
        {
          reason: 'DUPLICATE_NAME',
          details: { entity: 'task', name: name.trim(), id: taken },
        },
      );
    }
  }

  get(idOrPrefix: string): AgentTask {
    return taskToWire(this.requireRow(idOrPrefix));
  }

  find(id: string): AgentTask | undefined {
    const row = this.db.select().from(tasks).where(eq(tasks.id, id)).get();
    return row ? taskToWire(row) : undefined;
  }

  /** Active tasks with `next_run_at <= now`, earliest first. */
  listDue(now: number, limit = 100): AgentTask[] {
    return dueTasksQuery(this.db, now, limit).all().map(taskToWire);
  }

  listEvents(taskIdOrPrefix: string, limit = DEFAULT_EVENT_LIMIT): TaskEvent[] {
    return this.events.list(this.resolveId(taskIdOrPrefix), limit);
  }

  // ── CRUD ───────────────────────────────────────────────────────────────────────────────────────────────

  create(input: CreateTaskInput): AgentTask {
    this.requireAgent(input.agent_id);
    this.requireFreeName(input.name);
    const schedule = input.schedule ?? defaultSchedule();
    validateSchedule(schedule);
    const now = this.now();
    // A one-off time already gone would run at once (or never, as people read it): say so instead.
    if (schedule.type === 'once' && schedule.run_at < now - PAST_GRACE_MS) {
      throw new InvalidInputError(
        `schedule.run_at: ${new Date(schedule.run_at).toISOString()} is in the past; a one-off run needs a future time`,
        [{ path: 'schedule.run_at', message: 'is in the past' }],
        { reason: 'PAST_SCHEDULE', details: { run_at: schedule.run_at, now } },
      );
    }
    const row: TaskRow = {
      id: this.core.ids.uuid(),
      name: input.name,
      agentId: input.agent_id,
      description: input.description ?? null,
      input: input.input ?? null,
      schedule,
      executionMode: normalizeExecutionMode(input.execution_mode),
      notification: { ...DEFAULT_NOTIFICATION, ...definedOnly(input.notification) },
      memory: { ...DEFAULT_MEMORY, ...definedOnly(input.memory) },
      status: 'active',
      createdAt: now,
      updatedAt: now,
      lastRunAt: null,
      // Within the grace "now" means now: due at once, not skipped as already past.
      nextRunAt: schedule.type === 'once' && schedule.run_at <= now ? now : computeNextRunAt(schedule, now, now),
      successCount: 0,
      failureCount: 0,
      lastError: null,
      webhook: { enabled: false, token: this.core.ids.uuid(), rate_limit: DEFAULT_WEBHOOK_RATE_LIMIT },
    };
    const event = this.db.transaction((tx) => {
      tx.insert(tasks).values(row).run();
      return this.events.insert(tx, row.id, { event_type: 'created', message: 'Task created' });
    });
    this.events.publish(event);
    this.core.changes.publish({ entity: 'tasks', id: row.id, action: 'created' });
    return taskToWire(row);
  }

  /** A schedule change recomputes `next_run_at`, and re-activates a completed task so it can run again. */
  update(idOrPrefix: string, patch: UpdateTaskInput): AgentTask {
    const row = this.requireRow(idOrPrefix);
    if (patch.agent_id !== undefined) this.requireAgent(patch.agent_id);
    if (patch.name !== undefined) this.requireFreeName(patch.name, row.id);
    if (patch.schedule) validateSchedule(patch.schedule);
    const now = this.now();
    const next: Partial<TaskRow> = { updatedAt: Math.max(now, row.updatedAt) };
    if (patch.name !== undefined) next.name = patch.name;
    if (patch.agent_id !== undefined) next.agentId = patch.agent_id;
    if (patch.description !== undefined) next.description = patch.description;
    if (patch.input !== undefined) next.input = patch.input;
    if (patch.execution_mode !== undefined) next.executionMode = normalizeExecutionMode(patch.execution_mode);
    if (patch.notification !== undefined) {
      next.notification = { ...row.notification, ...definedOnly(patch.notification) };
    }
    if (patch.memory !== undefined) next.memory = { ...row.memory, ...definedOnly(patch.memory) };
    if (patch.webhook !== undefined) next.webhook = this.mergeWebhook(row.webhook, patch.webhook);
    if (patch.schedule) {
      next.schedule = patch.schedule;
      next.nextRunAt = computeNextRunAt(patch.schedule, now, row.createdAt);
      if (row.status === 'completed') next.status = 'active';
    }
    this.db.update(tasks).set(next).where(eq(tasks.id, row.id)).run();
    this.core.changes.publish({ entity: 'tasks', id: row.id, action: 'updated' });
    return taskToWire({ ...row, ...next });
  }

  /** Deletes the task; its events go with it (foreign key cascade). */
  delete(idOrPrefix: string): Deleted {
    const id = this.resolveId(idOrPrefix);
    const result = this.db.delete(tasks).where(eq(tasks.id, id)).run();
    if (result.changes === 0) throw new NotFoundError('Task', idOrPrefix);
    this.core.changes.publish({ entity: 'tasks', id, action: 'deleted' });
    return { deleted: true, id };
  }

  /** Idempotent. A running task finishes its current run and then stays paused. */
  pause(idOrPrefix: string): AgentTask {
    const row = this.requireRow(idOrPrefix);
    if (row.status === 'paused') return taskToWire(row);
    // A paused task has no next run: showing the old one would promise a run that will not happen.
    return this.transition(
      row,
      { status: 'paused', nextRunAt: null },
      { event_type: 'paused', message: 'Task paused' },
    );
  }

  /** Back to `active` with the next run recomputed from now (missed runs are not replayed). */
  resume(idOrPrefix: string): AgentTask {
    const row = this.requireRow(idOrPrefix);
    if (row.status === 'running') throw new ConflictError(`Task ${row.id} is running; nothing to resume`);
    const now = this.now();
    return this.transition(
      row,
      { status: 'active', nextRunAt: computeNextRunAt(row.schedule, now, row.createdAt) },
      { event_type: 'resumed', message: 'Task resumed' },
    );
  }

  // ── lifecycle (driven by the scheduler) ────────────────────────────────────────────────────────────────

  /** `keepPaused`: a paused task run once by hand stays paused (its run settles as a pause during a run does). */
  setRunning(idOrPrefix: string, runId: string, options: { keepPaused?: boolean } = {}): AgentTask {
    const row = this.requireRow(idOrPrefix);
    if (row.status === 'running') throw new ConflictError(`Task ${row.id} is already running`);
    const status: TaskStatus = options.keepPaused && row.status === 'paused' ? 'paused' : 'running';
    return this.transition(
      row,
      { status, lastRunAt: this.now() },
      { event_type: 'started', message: 'Task started', run_id: runId },
    );
  }

  /** success_count++; a once task is then `completed`, a recurring one `active` with its next run recomputed. */
  completeExecution(idOrPrefix: string, result: ExecutionSuccess): AgentTask {
    const row = this.requireRow(idOrPrefix);
    const once = row.schedule.type === 'once';
    const status: TaskStatus = row.status === 'paused' ? 'paused' : once ? 'completed' : 'active';
    return this.transition(
      row,
      {
        status,
        successCount: row.successCount + 1,
        lastError: null,
        nextRunAt: once || status === 'paused' ? null : computeNextRunAt(row.schedule, this.now(), row.createdAt),
      },
      {
        event_type: 'completed',
        message: 'Task completed',
        output: result.output ?? null,
        duration_ms: result.durationMs,
        run_id: result.runId,
      },
    );
  }

  /** failure_count++, status `failed` (a pause during the run wins), next run still recomputed. */
  failExecution(idOrPrefix: string, failure: ExecutionFailure): AgentTask {
    const row = this.requireRow(idOrPrefix);
    return this.transition(
      row,
      {
        status: row.status === 'paused' ? 'paused' : 'failed',
        failureCount: row.failureCount + 1,
        lastError: failure.error,
        nextRunAt: row.status === 'paused' ? null : computeNextRunAt(row.schedule, this.now(), row.createdAt),
      },
      { event_type: 'failed', message: failure.error, duration_ms: failure.durationMs, run_id: failure.runId },
    );
  }

  /**
   * At daemon start: tasks left `running` by a crash get an `interrupted` event and count a failure. A
   * recurring task goes back to `active` with its next run computed from `now`, so the slot that was running
   * is not run a second time; a once task has no slot left and becomes `failed`. Tasks in `keep` stay running:
   * their run's job is still queued and a daemon carries on with it (docs/workers.md).
   */
  recoverInterrupted(now: number = this.now(), keep: ReadonlySet<string> = new Set()): AgentTask[] {
    const running = this.db
      .select()
      .from(tasks)
      .where(eq(tasks.status, 'running'))
      .all()
      .filter((row) => !keep.has(row.id));
    return running.map((row) => {
      const once = row.schedule.type === 'once';
      return this.transition(
        row,
        {
          status: once ? 'failed' : 'active',
          failureCount: row.failureCount + 1,
          lastError: INTERRUPTED_ERROR,
          nextRunAt: once ? null : computeNextRunAt(row.schedule, now, row.createdAt),
        },
        { event_type: 'interrupted', message: INTERRUPTED_ERROR, run_id: this.events.lastStartedRunId(row.id) },
      );
    });
  }

  /**
   * A scheduled slot not run because a budget is spent: the next run moves to the first slot at or after
   * `until` (a once task keeps its one run, at `until`). The status does not change.
   */
  skipUntil(idOrPrefix: string, until: number, reason: string): AgentTask {
    const row = this.requireRow(idOrPrefix);
    const nextRunAt =
      row.status === 'paused'
        ? null
        : row.schedule.type === 'once'
          ? until
          : computeNextRunAt(row.schedule, until - 1, row.createdAt);
    return this.transition(row, { nextRunAt }, { event_type: 'skipped', message: reason });
  }

  recordNotification(idOrPrefix: string, outcome: 'sent' | 'failed', message: string): TaskEvent {
    return this.addEvent(idOrPrefix, {
      event_type: outcome === 'sent' ? 'notification_sent' : 'notification_failed',
      message,
    });
  }

  addEvent(taskIdOrPrefix: string, event: NewTaskEvent): TaskEvent {
    const id = this.resolveId(taskIdOrPrefix);
    const stored = this.events.insert(this.db, id, event);
    this.events.publish(stored);
    this.core.changes.publish({ entity: 'tasks', id, action: 'updated' });
    return stored;
  }

  // ── internals ──────────────────────────────────────────────────────────────────────────────────────────

  private requireRow(idOrPrefix: string): TaskRow {
    const id = this.resolveId(idOrPrefix);
    const row = this.db.select().from(tasks).where(eq(tasks.id, id)).get();
    if (!row) throw new NotFoundError('Task', idOrPrefix);
    return row;
  }

  private requireAgent(agentId: string): void {
    if (!this.agents.find(agentId)) throw InvalidInputError.field('agent_id', `Agent ${agentId} not found`);
  }

  private mergeWebhook(current: TaskWebhook | null, patch: { enabled?: boolean; rate_limit?: number }): TaskWebhook {
    const base = current ?? { enabled: false, token: this.core.ids.uuid(), rate_limit: DEFAULT_WEBHOOK_RATE_LIMIT };
    return { ...base, ...definedOnly(patch) };
  }

  /** Applies `changes` and appends `event` atomically, then publishes the event. */
  private transition(row: TaskRow, changes: Partial<TaskRow>, event: NewTaskEvent): AgentTask {
    const next = { ...changes, updatedAt: Math.max(this.now(), row.updatedAt) };
    const stored = this.db.transaction((tx: Tx) => {
      tx.update(tasks).set(next).where(eq(tasks.id, row.id)).run();
      return this.events.insert(tx, row.id, event);
    });
    this.events.publish(stored);
    this.core.changes.publish({ entity: 'tasks', id: row.id, action: 'updated' });
    return taskToWire({ ...row, ...next });
  }
}
