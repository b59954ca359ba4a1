// Runs belong to the daemon, not to whoever watches them: a run keeps going when its subscriber disconnects,
// every event is persisted before it is published, and a run left `running` by a crash is closed at start-up.
import type { ExecutionStepInfo, MessageExecution, RunKind, RunStatus } from '@restflow/db';
import { and, desc, eq, or, runs, type SQL } from '@restflow/db';
import { reduceRunEvents } from '@restflow/run-model';
import type { CoreContext } from '../core-context.ts';
import { NotFoundError } from '../errors.ts';
import { EventStream, kindOf, type TypedEvent } from '../events/event-stream.ts';
import { resolveIdIn } from '../id-prefix.ts';
import type { LlmError, LlmMessage } from '../llm/types.ts';
import { newestFirstPage } from '../newest-first-page.ts';
import { type Page, pageSize } from '../page-cursor.ts';
import type { BudgetBreach } from '../usage/budgets.ts';
import { emptyTotals, type RunMeter, type UsageService, type UsageTotals } from '../usage/usage.service.ts';
import { DETACHED, type ExecutionBackend, localBackend, WORKER_LOST } from '../workers/execution-backend.ts';
import type { AgentEngine, PreparedAgent } from './agent-engine.ts';
import { type AgentLoopResult, emptyRunUsage } from './agent-loop.ts';
import { DEFAULT_BATCHING, DeltaBatcher, type DeltaBatcherOptions } from './delta-batcher.ts';
import type { SessionPort } from './ports.ts';
import {
  isTerminalRunEvent,
  type RunEventPayloads,
  type RunEventSink,
  type RunEventType,
  type RunStreamEvent,
} from './run-events.ts';

export const INTERRUPTED_ERROR = 'interrupted: daemon stopped';
/** How long `cancel` and `stopAll` wait for a run to settle before they return anyway. */
const SETTLE_WAIT_MS = 2000;

export interface RunInfo {
  id: string;
  kind: RunKind;
  status: RunStatus;
  agent_id: string | null;
  session_id: string | null;
  task_id: string | null;
  message_id: string | null;
  started_at: number;
  finished_at: number | null;
  error: string | null;
  /** Set for failures a client may act on (`budget_exceeded`); from the run's `failed` event. */
  error_code: string | null;
  /** Seq of the last stored event (the cursor a subscriber resumes from). */
  last_seq: number;
  /** Tokens and cost of the run's provider calls (docs/engine.md#usage-and-cost). */
  usage: UsageTotals;
  /** The run whose agent spawned this one as a sub-agent (docs/engine.md#sub-agents); null for a top-level run. */
  parent_run_id: string | null;
  /** The top-level run of the tree (the run itself when it has no parent). */
  root_run_id: string;
  /** The name a sub-agent was spawned as (`researcher`, or a stored agent's name); null for top-level runs. */
  agent_name: string | null;
  /** `usage` plus that of every sub-agent run below this one. */
  usage_total: UsageTotals;
}

/** One run of a tree, depth-first: `depth` 0 is the run asked for. */
export interface RunTreeNode extends RunInfo {
  depth: number;
}

export interface RunOutcome {
  run_id: string;
  status: Exclude<RunStatus, 'running'>;
  /** How the loop itself ended (distinguishes hitting the iteration limit from other failures). */
  loop_status: AgentLoopResult['status'];
  /** Everything streamed, exactly what subscribers saw. */
  content: string;
  answer: string;
  error?: string;
  llmError?: LlmError;
  /** `budget_exceeded` when a budget stopped the run (with `budget`). */
  error_code?: string;
  budget?: BudgetBreach;
  duration_ms: number;
  total_tokens: number;
  iterations: number;
  steps: ExecutionStepInfo[];
  transcript: LlmMessage[];
}

export interface StartRunRequest {
  /** Chosen by the caller when it must be known before the run starts (e.g. stored on a message). */
  runId?: string;
  kind: RunKind;
  prepared: PreparedAgent;
  history: LlmMessage[];
  input: string;
  sessionId?: string;
  messageId?: string;
  taskId?: string;
  /** Runs before the terminal event is published: a reader that sees `completed` finds the result saved. */
  onSettled?: (outcome: RunOutcome) => void;
  /** A sub-agent run: the active run that spawned it (cancelled with it), and the name it was spawned as. */
  parentRunId?: string;
  agentName?: string;
  /** Stops the run as failed (`error_code: "timeout"`) after this long. */
  timeoutMs?: number;
  /**
   * Whose usage rows and budgets the run's provider calls count against (default: its own agent and task). A
   * built-in sub-agent spends for the agent and task of the run that spawned it.
   */
  meterScope?: MeterScope;
  /** Calls are priced but not stored nor held to budgets (a replay: docs/record-replay.md). */
  dryMeter?: boolean;
  /**
   * For the queue backend (docs/workers.md): `local` keeps the run in the daemon (a recorded run); `jobKey` makes
   * the queue start it at most once (a scheduled task's slot).
   */
  placement?: { local?: boolean; jobKey?: string };
}

/** A run a previous daemon left queued (docs/workers.md): its row and `started` event exist already. */
export interface ResumeRunRequest {
  runId: string;
  /** Rebuilt from what the run was started with; its loop runs on a worker, never here. */
  prepared: PreparedAgent;
  history: LlmMessage[];
  input: string;
  jobKey?: string;
}

/** What a re-attached task run's scheduler needs to carry on with it. */
export interface ResumedRun {
  runId: string;
  input: string;
  jobKey: string | undefined;
}

export interface MeterScope {
  agentId?: string;
  taskId?: string;
}

export interface RunHandle {
  runId: string;
  done: Promise<RunOutcome>;
}

interface ActiveRun {
  controller: AbortController;
  done: Promise<RunOutcome>;
  prepared: PreparedAgent;
  parentRunId: string | undefined;
  rootRunId: string;
  /** 0 for a top-level run, 1 for its sub-agents, … */
  depth: number;
  meterScope: MeterScope;
  /** Its sub-agents' calls count against its per-run budgets too. */
  meter: RunMeter | undefined;
}

/** What a sub-agent needs to know of the run spawning it. */
export interface RunLineage {
  prepared: PreparedAgent;
  rootRunId: string;
  depth: number;
  /** Whose budgets the run spends against. */
  meterScope: MeterScope;
}

type StopReason = 'cancel' | 'shutdown' | 'timeout';

export type StoredRunEvent = TypedEvent<RunEventPayloads>;

export interface RunSubscribeOptions {
  /** Last seq the subscriber has seen (0 or undefined = from the first event). */
  afterSeq?: number;
  signal?: AbortSignal;
}

type RunRow = typeof runs.$inferSelect;

/** What a chat message records about the run that produced it. */
export function messageExecution(outcome: RunOutcome, model?: string): MessageExecution {
  const status = outcome.status === 'completed' ? 'completed' : outcome.status === 'cancelled' ? 'cancelled' : 'failed';
  return {
    steps: outcome.steps,
    duration_ms: outcome.duration_ms,
    tokens_used: outcome.total_tokens,
    status,
    ...(model ? { model } : {}),
    ...(status === 'failed' && outcome.error ? { error: outcome.error } : {}),
  };
}

/** Filters of the run list; they combine. */
export interface RunListFilter {
  sessionId?: string;
  taskId?: string;
  agentId?: string;
  status?: RunStatus;
  parentRunId?: string;
  rootRunId?: string;
}

export class RunManager {
  private readonly active = new Map<string, ActiveRun>();
  /** Re-attached task runs by task id, until they settle. */
  private readonly resumed = new Map<string, ResumedRun>();
  private readonly events: EventStream<RunEventPayloads>;
  /** Where run loops execute: this process unless the daemon was set up with the queue backend. */
  private backend: ExecutionBackend;

  constructor(
    private readonly core: CoreContext,
    engine: AgentEngine,
    /** Finalizes the assistant message of runs a crash left open. */
    private readonly messages: Pick<SessionPort, 'updateMessage'>,
    private readonly batching: DeltaBatcherOptions = DEFAULT_BATCHING,
    /** Meters every run's provider calls and enforces budgets; absent in tests that do not care. */
    private readonly usage?: Pick<UsageService, 'meter' | 'ofRun' | 'ofRunTree'>,
  ) {
    this.events = new EventStream(core.events, core.bus);
    this.backend = localBackend(engine);
  }

  /** Sends the loops of runs started from now on to another backend (the queue: docs/workers.md). */
  useBackend(backend: ExecutionBackend): void {
    this.backend = backend;
  }

  start(request: StartRunRequest): RunHandle {
    const { core } = this;
    const runId = request.runId ?? core.ids.uuid();
    const parent = request.parentRunId ? this.active.get(request.parentRunId) : undefined;
    if (request.parentRunId && !parent) throw new NotFoundError('Run', request.parentRunId);
    const rootRunId = parent?.rootRunId ?? runId;
    const startedAt = core.clock.now();
    core.db
      .insert(runs)
      .values({
        id: runId,
        kind: request.kind,
        status: 'running',
        agentId: request.prepared.agent.id ?? null,
        sessionId: request.sessionId ?? null,
        taskId: request.taskId ?? null,
        messageId: request.messageId ?? null,
        startedAt,
        parentRunId: request.parentRunId ?? null,
        rootRunId,
        agentName: request.agentName ?? null,
      })
      .run();
    return this.launch(runId, rootRunId, parent, request, { resumed: false, startedAt });
  }

  /**
   * Re-attaches a run a previous daemon left queued (docs/workers.md): it is active again, its job goes on waiting
   * for a worker, and it settles as any run — its assistant message, if it has one, gets the reply. No second
   * `started` event. NotFoundError for unknown runs.
   */
  resume(request: ResumeRunRequest): RunHandle {
    const row = this.core.db.select().from(runs).where(eq(runs.id, request.runId)).get();
    if (!row) throw new NotFoundError('Run', request.runId);
    const model = request.prepared.model.model;
    const handle = this.launch(
      row.id,
      row.rootRunId ?? row.id,
      undefined,
      {
        runId: row.id,
        kind: row.kind,
        prepared: request.prepared,
        history: request.history,
        input: request.input,
        ...(row.sessionId ? { sessionId: row.sessionId } : {}),
        ...(row.messageId ? { messageId: row.messageId } : {}),
        ...(row.taskId ? { taskId: row.taskId } : {}),
        ...(row.agentName ? { agentName: row.agentName } : {}),
        ...(request.jobKey ? { placement: { jobKey: request.jobKey } } : {}),
        onSettled: (outcome) => {
          if (!row.messageId) return;
          this.messages.updateMessage(row.messageId, {
            content: outcome.content,
            execution: messageExecution(outcome, model),
          });
        },
      },
      { resumed: true, startedAt: row.startedAt },
    );
    if (row.taskId) {
      this.resumed.set(row.taskId, { runId: row.id, input: request.input, jobKey: request.jobKey });
      void handle.done.finally(() => {
        if (this.resumed.get(row.taskId as string)?.runId === row.id) this.resumed.delete(row.taskId as string);
      });
    }
    return handle;
  }

  /** The re-attached run of a task that is still active (the scheduler carries on with it). */
  resumedOf(taskId: string): ResumedRun | undefined {
    const resumed = this.resumed.get(taskId);
    return resumed && this.active.has(resumed.runId) ? resumed : undefined;
  }

  private launch(
    runId: string,
    rootRunId: string,
    parent: ActiveRun | undefined,
    request: StartRunRequest,
    options: { resumed: boolean; startedAt: number },
  ): RunHandle {
    const { core } = this;
    // A re-attached run's duration counts from its first start.
    const started = performance.now() - Math.max(0, core.clock.now() - options.startedAt);
    let closed = false;
    let streamed = '';
    let deltas = 0;
    const append = <K extends RunEventType>(type: K, payload: RunEventPayloads[K]) => {
      if (!closed) this.events.append(runId, type, payload);
    };
    const batcher = new DeltaBatcher<'token' | 'thinking'>((kind, text, count) => {
      if (kind === 'token') {
        deltas += count;
        append('token', { text, token_count: deltas });
      } else append('thinking', { content: text });
    }, this.batching);
    const sink: RunEventSink = {
      token: (text) => {
        if (closed) return;
        streamed += text;
        batcher.push('token', text);
      },
      thinking: (content) => {
        if (!closed) batcher.push('thinking', content);
      },
      emit: (type, payload) => {
        if (closed) return;
        batcher.flush();
        append(type, payload);
      },
    };

    const controller = new AbortController();
    // A sub-agent stops with its parent (interrupted by a shutdown, else cancelled), and so do its own sub-agents.
    const followParent = () => {
      const reason: StopReason = parent?.controller.signal.reason === 'shutdown' ? 'shutdown' : 'cancel';
      if (!controller.signal.aborted) controller.abort(reason);
    };
    if (parent) {
      if (parent.controller.signal.aborted) followParent();
      else parent.controller.signal.addEventListener('abort', followParent, { once: true });
    }
    const timeout = request.timeoutMs
      ? setTimeout(() => {
          if (!controller.signal.aborted) controller.abort('timeout' satisfies StopReason);
        }, request.timeoutMs)
      : undefined;
    const { warnings } = request.prepared;
    if (!options.resumed) {
      append('started', {
        model: request.prepared.model.model,
        input: request.input,
        ...(warnings.length > 0 ? { warnings } : {}),
      });
    }
    const meterScope: MeterScope = request.meterScope ?? {
      ...(request.prepared.agent.id ? { agentId: request.prepared.agent.id } : {}),
      ...(request.taskId ? { taskId: request.taskId } : {}),
    };
    const meter = this.usage?.meter(
      {
        runId,
        agentId: meterScope.agentId,
        taskId: meterScope.taskId,
        sessionId: request.sessionId,
        model: request.prepared.model.model,
        provider: request.prepared.model.provider,
      },
      { dry: request.dryMeter === true, ...(parent?.meter ? { parent: parent.meter } : {}) },
    );

    // Settles on the loop's own result, or — if a provider or tool ignores the abort — as soon as the run is
    // stopped, with what was streamed so far. Either way the run ends within the cancel budget.
    const stopped = new Promise<AgentLoopResult>((resolve) => {
      controller.signal.addEventListener(
        'abort',
        () =>
          setTimeout(
            () =>
              resolve({
                status: 'cancelled',
                content: streamed,
                answer: '',
                iterations: 0,
                usage: emptyRunUsage(),
                tokenCount: deltas,
                steps: [],
                transcript: [],
              }),
            200,
          ),
        { once: true },
      );
    });
    const loop = this.backend
      .execute(
        request.prepared,
        {
          runId,
          taskId: request.taskId,
          history: request.history,
          input: request.input,
          signal: controller.signal,
          sink,
          ...(meter ? { meter } : {}),
        },
        {
          // Sub-agents, replays and recordings need the daemon's own services while they run.
          remote: !parent && request.kind !== 'replay' && !request.dryMeter && request.placement?.local !== true,
          ...(request.placement?.jobKey ? { jobKey: request.placement.jobKey } : {}),
          ...(request.prepared.agent.node.requires ? { requires: request.prepared.agent.node.requires } : {}),
        },
      )
      .catch(
        (error: unknown): AgentLoopResult => ({
          status: 'failed',
          content: streamed,
          answer: '',
          error: (error as Error).message ?? String(error),
          iterations: 0,
          usage: emptyRunUsage(),
          tokenCount: deltas,
          steps: [],
          transcript: [],
        }),
      );

    const done = Promise.race([loop, stopped]).then((result) => {
      batcher.flush();
      const reason = controller.signal.reason as StopReason | undefined;
      clearTimeout(timeout);
      parent?.controller.signal.removeEventListener('abort', followParent);
      const outcome = this.outcomeOf(runId, result, reason, streamed, Math.round(performance.now() - started), {
        timeoutMs: request.timeoutMs,
      });
      if (reason === 'shutdown' && result.errorCode === DETACHED) {
        // Its job stays queued and the next daemon re-attaches to it: nothing is settled, nothing appended.
        closed = true;
        core.events.forget(runId);
        this.active.delete(runId);
        return { ...outcome, error_code: DETACHED };
      }
      try {
        request.onSettled?.(outcome);
      } catch (error) {
        outcome.error ??= `could not save the result: ${(error as Error).message}`;
      }
      core.db
        .update(runs)
        .set({ status: outcome.status, finishedAt: core.clock.now(), error: outcome.error ?? null })
        .where(eq(runs.id, runId))
        .run();
      this.appendTerminal(runId, outcome);
      closed = true;
      core.events.forget(runId);
      this.active.delete(runId);
      // Sub-agents nobody waited for do not outlive the run that spawned them.
      for (const child of this.active.values()) {
        if (child.parentRunId === runId && !child.controller.signal.aborted) {
          child.controller.abort('cancel' satisfies StopReason);
        }
      }
      return outcome;
    });
    this.active.set(runId, {
      controller,
      done,
      prepared: request.prepared,
      parentRunId: request.parentRunId,
      rootRunId,
      depth: parent ? parent.depth + 1 : 0,
      meterScope,
      meter,
    });
    return { runId, done };
  }

  private outcomeOf(
    runId: string,
    result: AgentLoopResult,
    reason: StopReason | undefined,
    streamed: string,
    durationMs: number,
    limits: { timeoutMs?: number } = {},
  ): RunOutcome {
    let status: RunOutcome['status'];
    let error = result.error;
    let errorCode = result.errorCode;
    if (reason === 'shutdown') {
      status = 'interrupted';
      error = INTERRUPTED_ERROR;
    } else if (reason === 'timeout') {
      status = 'failed';
      error = `timed out after ${formatSeconds(limits.timeoutMs ?? 0)}`;
      errorCode = 'timeout';
    } else if (reason === 'cancel' || result.status === 'cancelled') status = 'cancelled';
    else if (errorCode === WORKER_LOST) status = 'interrupted';
    else if (result.status === 'completed') status = 'completed';
    else status = 'failed';
    return {
      run_id: runId,
      status,
      loop_status: result.status,
      content: streamed,
      answer: result.answer,
      ...(status === 'failed' || status === 'interrupted' ? { error: error ?? 'unknown error' } : {}),
      ...(result.llmError ? { llmError: result.llmError } : {}),
      ...((status === 'failed' || errorCode === WORKER_LOST) && errorCode ? { error_code: errorCode } : {}),
      ...(status === 'failed' && result.budget ? { budget: result.budget } : {}),
      duration_ms: durationMs,
      total_tokens: result.usage.total_tokens || result.tokenCount,
      iterations: result.iterations,
      steps: result.steps,
      transcript: result.transcript,
    };
  }

  private appendTerminal(runId: string, outcome: RunOutcome): void {
    const partial = outcome.content.length > 0 ? { partial_content: outcome.content } : {};
    if (outcome.status === 'completed') {
      this.events.append(runId, 'completed', {
        full_content: outcome.content,
        duration_ms: outcome.duration_ms,
        total_tokens: outcome.total_tokens,
      });
    } else if (outcome.status === 'cancelled') {
      this.events.append(runId, 'cancelled', partial);
    } else {
      this.events.append(runId, 'failed', {
        error: outcome.error ?? 'unknown error',
        ...partial,
        ...(outcome.error_code ? { error_code: outcome.error_code } : {}),
        ...(outcome.budget ? { budget: outcome.budget } : {}),
      });
    }
  }

  /** Stops a run (provider request and tools); resolves once it has settled, with its final state. */
  async cancel(runIdOrPrefix: string): Promise<RunInfo> {
    const runId = this.resolveId(runIdOrPrefix);
    const run = this.active.get(runId);
    if (run) {
      if (!run.controller.signal.aborted) run.controller.abort('cancel' satisfies StopReason);
      await Promise.race([run.done, delay(SETTLE_WAIT_MS)]);
    }
    return this.get(runId);
  }

  /**
   * Stops one run as a daemon stop does (the scheduler stopping): it ends interrupted, or — a queued remote run no
   * worker has taken — stays queued for the next daemon. Resolves once it has settled.
   */
  async interrupt(runId: string): Promise<void> {
    const run = this.active.get(runId);
    if (!run) return;
    if (!run.controller.signal.aborted) run.controller.abort('shutdown' satisfies StopReason);
    await Promise.race([run.done, delay(SETTLE_WAIT_MS)]);
  }

  /**
   * Daemon stop: every active run ends as interrupted, with its partial answer saved (a queued remote run no
   * worker has taken stays queued: docs/workers.md).
   */
  async stopAll(): Promise<void> {
    const pending = [...this.active.values()].map((run) => {
      if (!run.controller.signal.aborted) run.controller.abort('shutdown' satisfies StopReason);
      return run.done;
    });
    await Promise.race([Promise.allSettled(pending), delay(SETTLE_WAIT_MS)]);
  }

  /** The run still producing a reply in this session, if any. */
  activeRunOfSession(sessionId: string): string | undefined {
    const rows = this.core.db.select({ id: runs.id }).from(runs).where(eq(runs.sessionId, sessionId)).all();
    return rows.find((row) => this.active.has(row.id))?.id;
  }

  isActive(runId: string): boolean {
    return this.active.has(runId);
  }

  /** The prepared agent and place in its tree of an active run; undefined once it has ended. */
  lineage(runId: string): RunLineage | undefined {
    const run = this.active.get(runId);
    return run
      ? { prepared: run.prepared, rootRunId: run.rootRunId, depth: run.depth, meterScope: run.meterScope }
      : undefined;
  }

  /** Active sub-agent runs spawned by this run. */
  activeChildren(runId: string): string[] {
    return [...this.active.entries()].filter(([, run]) => run.parentRunId === runId).map(([id]) => id);
  }

  activeCount(): number {
    return this.active.size;
  }

  /** Resolves when the run settles (immediately for a finished run); undefined for unknown runs. */
  wait(runId: string): Promise<RunOutcome> | undefined {
    return this.active.get(runId)?.done;
  }

  /**
   * The events of one run as subscribers receive them: replayed from the store after `afterSeq`, then live,
   * ending after the terminal event (completed / failed / cancelled) or when `signal` aborts. Nothing is lost
   * between replay and tail and nothing repeats, so a reconnect resumes exactly. NotFoundError for unknown runs.
   */
  async *subscribe(runIdOrPrefix: string, options: RunSubscribeOptions = {}): AsyncGenerator<RunStreamEvent> {
    const run = this.get(runIdOrPrefix);
    const afterSeq = options.afterSeq ?? 0;
    // A finished run the subscriber has fully seen: nothing will ever follow.
    if (run.status !== 'running' && afterSeq >= run.last_seq) return;
    const events = this.events.subscribe(run.id, {
      afterSeq,
      signal: options.signal,
      isTerminal: (event) => isTerminalRunEvent(event.type),
    });
    for await (const event of events) {
      yield {
        run_id: run.id,
        seq: event.seq,
        session_id: run.session_id,
        message_id: run.message_id,
        timestamp: event.createdAt,
        kind: kindOf(event),
      };
    }
  }

  resolveId(idOrPrefix: string): string {
    return resolveIdIn(this.core.db, 'runs', 'Run', idOrPrefix);
  }

  get(runIdOrPrefix: string): RunInfo {
    const runId = this.resolveId(runIdOrPrefix);
    const row = this.core.db.select().from(runs).where(eq(runs.id, runId)).get();
    if (!row) throw new NotFoundError('Run', runIdOrPrefix);
    return this.toInfo(row);
  }

  list(filter: RunListFilter & { limit?: number } = {}): RunInfo[] {
    return this.core.db
      .select()
      .from(runs)
      .where(and(...this.listConditions(filter)))
      .orderBy(desc(runs.startedAt), desc(runs.id))
      .limit(filter.limit ?? 50)
      .all()
      .map((row) => this.toInfo(row));
  }

  /**
   * One page of the list, newest first: `cursor` is the `next_cursor` of the page before (keyset on started_at
   * and id, through runs_started_idx and the per-session / per-agent indexes).
   */
  listPage(filter: RunListFilter & { cursor?: string; limit?: number } = {}): Page<RunInfo> {
    const page = newestFirstPage(
      this.core.db,
      runs,
      { columns: [runs.startedAt, runs.id], shape: ['number', 'string'], of: (r) => [r.startedAt, r.id] },
      this.listConditions(filter),
      filter.cursor,
      pageSize(filter.limit),
    );
    return { items: page.items.map((row) => this.toInfo(row)), next_cursor: page.next_cursor };
  }

  private listConditions(filter: RunListFilter): SQL[] {
    const conditions: (SQL | undefined)[] = [
      ...(filter.sessionId ? [eq(runs.sessionId, filter.sessionId)] : []),
      ...(filter.taskId ? [eq(runs.taskId, filter.taskId)] : []),
      ...(filter.agentId ? [eq(runs.agentId, filter.agentId)] : []),
      ...(filter.status ? [eq(runs.status, filter.status)] : []),
      ...(filter.parentRunId ? [eq(runs.parentRunId, this.resolveId(filter.parentRunId))] : []),
      // Runs from before sub-agents existed have no root: a top-level run is its own.
      ...(filter.rootRunId
        ? [or(eq(runs.rootRunId, this.resolveId(filter.rootRunId)), eq(runs.id, this.resolveId(filter.rootRunId)))]
        : []),
    ];
    return conditions.filter((c): c is SQL => c !== undefined);
  }

  /**
   * A run and every sub-agent run below it, depth-first (children oldest first), each with its depth below the
   * run asked for. NotFoundError for unknown runs.
   */
  tree(runIdOrPrefix: string): RunTreeNode[] {
    const top = this.get(runIdOrPrefix);
    const nodes: RunTreeNode[] = [];
    const visit = (run: RunInfo, depth: number) => {
      nodes.push({ ...run, depth });
      const children = this.core.db
        .select()
        .from(runs)
        .where(eq(runs.parentRunId, run.id))
        .orderBy(runs.startedAt)
        .all();
      for (const child of children) visit(this.toInfo(child), depth + 1);
    };
    visit(top, 0);
    return nodes;
  }

  private toInfo(row: RunRow): RunInfo {
    const last = this.core.events.lastSummary(row.id);
    const errorCode = last?.errorCode;
    const usage = this.usage?.ofRun(row.id) ?? emptyTotals();
    return {
      id: row.id,
      kind: row.kind,
      status: row.status,
      agent_id: row.agentId,
      session_id: row.sessionId,
      task_id: row.taskId,
      message_id: row.messageId,
      started_at: row.startedAt,
      finished_at: row.finishedAt,
      error: row.error,
      error_code: typeof errorCode === 'string' ? errorCode : null,
      last_seq: last?.seq ?? 0,
      usage,
      parent_run_id: row.parentRunId,
      root_run_id: row.rootRunId ?? row.id,
      agent_name: row.agentName,
      usage_total: this.usage?.ofRunTree(row.id) ?? usage,
    };
  }

  /**
   * Daemon start: runs still marked running were cut off by a crash or kill. Each gets a `failed` event (so
   * subscribers complete), the interrupted status, and its assistant message keeps the partial answer.
   */
  recoverInterrupted(): number {
    const { core } = this;
    // Runs active here were re-attached (docs/workers.md): they are not cut off.
    const open = core.db
      .select()
      .from(runs)
      .where(eq(runs.status, 'running'))
      .all()
      .filter((row) => !this.active.has(row.id));
    for (const row of open) {
      const { partial, steps, tokens } = replayProgress(this.events.listAfter(row.id, 0, 1_000_000));
      const now = core.clock.now();
      if (row.messageId) {
        try {
          this.messages.updateMessage(row.messageId, {
            content: partial,
            execution: {
              steps,
              duration_ms: Math.max(0, now - row.startedAt),
              tokens_used: tokens,
              status: 'failed',
              error: INTERRUPTED_ERROR,
            },
          });
        } catch {
          // The session may have been deleted meanwhile; the run record is still closed below.
        }
      }
      core.db
        .update(runs)
        .set({ status: 'interrupted', finishedAt: now, error: INTERRUPTED_ERROR })
        .where(eq(runs.id, row.id))
        .run();
      this.events.append(row.id, 'failed', {
        error: INTERRUPTED_ERROR,
        ...(partial ? { partial_content: partial } : {}),
      });
      core.events.forget(row.id);
    }
    return open.length;
  }
}

/** What a run had produced before it was cut off, rebuilt from its stored events by the clients' own fold. */
function replayProgress(events: StoredRunEvent[]): { partial: string; steps: ExecutionStepInfo[]; tokens: number } {
  const view = reduceRunEvents(events.map((event) => ({ seq: event.seq, kind: kindOf(event) })));
  // A tool still running when the daemon stopped never finished: it counts as failed.
  const steps = view.tools.map(
    (tool): ExecutionStepInfo => ({
      step_type: 'tool_call',
      name: tool.name,
      status: tool.success ? 'completed' : 'failed',
    }),
  );
  return { partial: view.content, steps, tokens: view.tokenCount };
}

const formatSeconds = (ms: number) => `${Number((ms / 1000).toFixed(3))} s`;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
