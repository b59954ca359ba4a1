import { type ApprovalStatus, and, desc, eq, lte, pendingApprovals, type SQL, sql } from '@restflow/db';
import type { CoreContext } from '../core-context.ts';
import { ConflictError, InvalidInputError } from '../errors.ts';
import { resolveIdIn } from '../id-prefix.ts';

export type { ApprovalStatus } from '@restflow/db';
export const APPROVAL_STATUSES = [
  'pending',
  'approved',
  'rejected',
  'expired',
] as const satisfies readonly ApprovalStatus[];

/** Every change of an approval (created, approved, rejected, expired) is published here as the whole object. */
export const APPROVALS_CHANNEL = 'approvals';

/** docs/entities.md#security-policy-and-approvals; times in seconds. `run_id`: the agent run that asked. */
export interface PendingApproval {
  id: string;
  command: string;
  workdir?: string;
  task_id: string | null;
  agent_id: string | null;
  run_id?: string;
  created_at: number;
  expires_at: number;
  status: ApprovalStatus;
  rejection_reason?: string;
}

export type ApprovalDecision = Exclude<ApprovalStatus, 'pending'>;

export interface ApprovalRequest {
  task_id?: string;
  agent_id?: string;
  run_id?: string;
  workdir?: string;
}

export interface ApprovalSubscribeOptions {
  /** Start with the approvals pending now (oldest first), so a watcher needs no separate list call. */
  includePending?: boolean;
  signal?: AbortSignal;
}

export interface ApprovalFilter {
  status?: ApprovalStatus;
  task_id?: string;
  agent_id?: string;
  run_id?: string;
}

type ApprovalRow = typeof pendingApprovals.$inferSelect;

function toWire(row: ApprovalRow): PendingApproval {
  const approval: PendingApproval = {
    id: row.id,
    command: row.command,
    task_id: row.taskId,
    agent_id: row.agentId,
    created_at: row.createdAt,
    expires_at: row.expiresAt,
    status: row.status,
  };
  if (row.workdir) approval.workdir = row.workdir;
  if (row.runId) approval.run_id = row.runId;
  if (row.rejectionReason) approval.rejection_reason = row.rejectionReason;
  return approval;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}

/**
 * Commands waiting for a user's decision. Expiry is exact whoever looks first: reads expire what is due
 * (so a ManualClock in tests needs no timers), and a timer per pending approval expires it on time in the
 * daemon so waiters and `approvals` subscribers hear about it without polling.
 */
export class ApprovalQueue {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Set on daemon stop: the database closes next, so no timer may fire into it or be armed again. */
  private disposed = false;

  constructor(
    private readonly core: CoreContext,
    private readonly timeoutSecs: () => number,
  ) {}

  private nowSecs(): number {
    return Math.floor(this.core.clock.now() / 1000);
  }

  create(command: string, request: ApprovalRequest = {}): PendingApproval {
    const text = command.trim();
    if (!text) throw InvalidInputError.field('command', 'must not be empty');
    const createdAt = this.nowSecs();
    const row: ApprovalRow = {
      id: this.core.ids.uuid(),
      command: text,
      workdir: request.workdir ?? null,
      taskId: request.task_id ?? null,
      agentId: request.agent_id ?? null,
      runId: request.run_id ?? null,
      createdAt,
      expiresAt: createdAt + this.timeoutSecs(),
      status: 'pending',
      rejectionReason: null,
    };
    this.core.db.insert(pendingApprovals).values(row).run();
    const approval = toWire(row);
    this.scheduleExpiry(approval);
    this.core.bus.publish(APPROVALS_CHANNEL, approval);
    return approval;
  }

  resolveId(idOrPrefix: string): string {
    return resolveIdIn(this.core.db, 'pending_approvals', 'Approval', idOrPrefix);
  }

  /** Accepts a full id or a unique prefix. */
  get(idOrPrefix: string): PendingApproval {
    const id = this.resolveId(idOrPrefix);
    this.expireDue();
    return toWire(this.row(id));
  }

  /** Newest first (insertion order breaks ties: created_at is in whole seconds). */
  list(filter: ApprovalFilter = {}): PendingApproval[] {
    this.expireDue();
    const conditions: SQL[] = [];
    if (filter.status) conditions.push(eq(pendingApprovals.status, filter.status));
    if (filter.task_id) conditions.push(eq(pendingApprovals.taskId, filter.task_id));
    if (filter.agent_id) conditions.push(eq(pendingApprovals.agentId, filter.agent_id));
    if (filter.run_id) conditions.push(eq(pendingApprovals.runId, filter.run_id));
    return this.core.db
      .select()
      .from(pendingApprovals)
      .where(and(...conditions))
      .orderBy(desc(pendingApprovals.createdAt), desc(sql`rowid`))
      .all()
      .map(toWire);
  }

  approve(idOrPrefix: string): PendingApproval {
    return this.decide(idOrPrefix, 'approved');
  }

  reject(idOrPrefix: string, reason?: string): PendingApproval {
    return this.decide(idOrPrefix, 'rejected', reason?.trim() || undefined);
  }

  /** Marks every pending approval whose time is up as expired; returns how many. */
  expireDue(nowMs: number = this.core.clock.now()): number {
    const now = Math.floor(nowMs / 1000);
    const due = this.core.db
      .update(pendingApprovals)
      .set({ status: 'expired' })
      .where(and(eq(pendingApprovals.status, 'pending'), lte(pendingApprovals.expiresAt, now)))
      .returning()
      .all();
    for (const row of due) this.settled(toWire(row));
    return due.length;
  }

  /**
   * Resolves with the decision once the approval is approved, rejected or expired (at once if it already
   * is). Rejects with the signal's reason on abort; the approval itself stays pending until it expires.
   */
  async waitForDecision(idOrPrefix: string, signal?: AbortSignal): Promise<ApprovalDecision> {
    const id = this.resolveId(idOrPrefix);
    return new Promise<ApprovalDecision>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      let done = false;
      const finish = (settle: () => void) => {
        if (done) return;
        done = true;
        unsubscribe();
        signal?.removeEventListener('abort', onAbort);
        settle();
      };
      const unsubscribe = this.core.bus.subscribe(APPROVALS_CHANNEL, (event) => {
        const approval = event as PendingApproval;
        if (approval.id === id && approval.status !== 'pending')
          finish(() => resolve(approval.status as ApprovalDecision));
      });
      const onAbort = () => finish(() => reject(abortReason(signal as AbortSignal)));
      signal?.addEventListener('abort', onAbort, { once: true });
      const current = this.get(id);
      if (current.status !== 'pending') finish(() => resolve(current.status as ApprovalDecision));
      else this.scheduleExpiry(current);
    });
  }

  /**
   * Every change of an approval (created, approved, rejected, expired) as the whole approval, live, until
   * `signal` aborts or the consumer returns. Listens before reading the pending ones, so none falls in between.
   */
  async *subscribe(options: ApprovalSubscribeOptions = {}): AsyncGenerator<PendingApproval> {
    // Our own controller too: the stream may also end by the consumer's return(), with `signal` still live.
    const stop = new AbortController();
    const abort = () => stop.abort();
    options.signal?.addEventListener('abort', abort, { once: true });
    const live = this.core.bus.listen<PendingApproval>(APPROVALS_CHANNEL, stop.signal);
    // `on()` only buffers once iteration has begun: start it before reading the store.
    const first = live.next();
    try {
      if (options.includePending) yield* this.list({ status: 'pending' }).reverse();
      for (let next = await first; !next.done; next = await live.next()) yield next.value;
    } finally {
      options.signal?.removeEventListener('abort', abort);
      stop.abort();
      await live.return(undefined);
    }
  }

  /** Number of armed expiry timers (tests check they are released). */
  get armedTimers(): number {
    return this.timers.size;
  }

  /** Clears the expiry timers for good (daemon stop, before the database closes); reads still expire what is due. */
  dispose(): void {
    this.disposed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private row(id: string): ApprovalRow {
    const row = this.core.db.select().from(pendingApprovals).where(eq(pendingApprovals.id, id)).get();
    // resolveId found it a moment ago; only a concurrent delete could get here.
    if (!row) throw new ConflictError(`Approval ${id} disappeared while being read`);
    return row;
  }

  private decide(idOrPrefix: string, status: 'approved' | 'rejected', reason?: string): PendingApproval {
    const current = this.get(idOrPrefix);
    if (current.status !== 'pending') {
      const verb = status === 'approved' ? 'approved' : 'rejected';
      const why =
        current.status === 'expired'
          ? `it expired at ${new Date(current.expires_at * 1000).toISOString()}`
          : `it was already ${current.status}`;
      throw new ConflictError(`Approval ${current.id} can no longer be ${verb}: ${why}`);
    }
    const updated = this.core.db
      .update(pendingApprovals)
      .set({ status, rejectionReason: reason ?? null })
      .where(and(eq(pendingApprovals.id, current.id), eq(pendingApprovals.status, 'pending')))
      .returning()
      .get();
    if (!updated) throw new ConflictError(`Approval ${current.id} was decided by someone else in the meantime`);
    const approval = toWire(updated);
    this.settled(approval);
    return approval;
  }

  private settled(approval: PendingApproval): void {
    const timer = this.timers.get(approval.id);
    if (timer) clearTimeout(timer);
    this.timers.delete(approval.id);
    this.core.bus.publish(APPROVALS_CHANNEL, approval);
  }

  private scheduleExpiry(approval: PendingApproval): void {
    if (this.disposed || this.timers.has(approval.id)) return;
    const delay = Math.min(Math.max(approval.expires_at * 1000 - this.core.clock.now(), 1), MAX_TIMER_MS);
    const timer = setTimeout(() => {
      this.timers.delete(approval.id);
      if (this.disposed) return;
      this.expireDue();
      const still = this.core.db.select().from(pendingApprovals).where(eq(pendingApprovals.id, approval.id)).get();
      // The clock may lag the timer (or be a ManualClock): try again when it says the time is up.
      if (still?.status === 'pending') this.scheduleExpiry(toWire(still));
    }, delay);
    timer.unref();
    this.timers.set(approval.id, timer);
  }
}
