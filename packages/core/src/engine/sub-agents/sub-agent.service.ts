// Sub-agents (docs/engine.md#sub-agents): a run's agent starts other agents as runs of their own — real runs of
// the one run manager, with persisted events, linked to the spawning run (`parent_run_id`, `root_run_id`),
// stopped with it, bounded in number, time and depth by the system config.
import type { AgentNode } from '@restflow/db';
import { InvalidInputError, NotFoundError } from '../../errors.ts';
import type { AgentEngine, AgentRef, PreparedAgent } from '../agent-engine.ts';
import type { SubAgentChoice, SubAgentPort, SubAgentState } from '../ports.ts';
import type { RunManager, RunOutcome } from '../run-manager.ts';
import { ToolError } from '../tools/types.ts';
import { BUILTIN_SUB_AGENTS, findBuiltinSubAgent } from './definitions.ts';

export interface SubAgentSettings {
  /** Sub-agents one run may have running at once. */
  maxParallel: number;
  /** Default time budget of a sub-agent, and of a wait_agents call. */
  timeoutSeconds: number;
  /** Levels of sub-agents below a top-level run. */
  maxDepth: number;
}

export interface SubAgentDeps {
  engine: Pick<AgentEngine, 'prepare'>;
  runs: Pick<RunManager, 'start' | 'lineage' | 'activeChildren' | 'get' | 'list'>;
  /** Stored agents: by id, name or unique prefix (`get` throws NotFoundError), and all of them. */
  agents: {
    get(ref: string): { id: string; name: string; agent: AgentNode };
    list(): { id: string; name: string; agent: AgentNode }[];
  };
  /** Read at each call, so a config change applies to the next spawn. */
  settings: () => SubAgentSettings;
}

interface Spawned {
  parentRunId: string;
  agent: string;
  task: string;
  done: Promise<RunOutcome>;
  outcome?: RunOutcome;
}

const stateOf = (outcome: RunOutcome): Pick<SubAgentState, 'status' | 'output' | 'error'> => {
  if (outcome.status === 'completed') return { status: 'completed', output: outcome.answer || outcome.content };
  if (outcome.error_code === 'timeout') return { status: 'timed_out', error: outcome.error ?? 'timed out' };
  if (outcome.status === 'cancelled') return { status: 'cancelled', error: 'cancelled' };
  return { status: outcome.status, error: outcome.error ?? outcome.status };
};

export class SubAgentService implements SubAgentPort {
  /** Sub-agents of runs still active; an entry goes once its parent run has ended. */
  private readonly spawned = new Map<string, Spawned>();

  constructor(private readonly deps: SubAgentDeps) {}

  async spawn(
    parentRunId: string,
    request: { agent: string; task: string; timeoutSecs?: number },
  ): Promise<SubAgentState> {
    this.forgetEnded();
    const { runs } = this.deps;
    const settings = this.deps.settings();
    const parent = runs.lineage(parentRunId);
    if (!parent) throw new ToolError(`run ${parentRunId} is not running; only a running agent spawns sub-agents`);
    if (parent.depth + 1 > settings.maxDepth) {
      throw new ToolError(
        `sub-agent depth limit reached: this run is already ${parent.depth} level(s) below its top-level run and ` +
          `sub-agents may go ${settings.maxDepth} deep (config subagent_max_depth); do the task yourself`,
      );
    }
    const { name, prepared } = await this.prepare(request.agent, parent.prepared);
    // Counted after the await, right before the start: spawns of one turn run at once and must not both pass.
    const running = runs.activeChildren(parentRunId).length;
    if (running >= settings.maxParallel) {
      throw new ToolError(
        `this run already has ${running} sub-agent(s) running, the most allowed at once (config ` +
          `subagent_max_parallel = ${settings.maxParallel}); wait for them with wait_agents first`,
      );
    }
    if (!runs.lineage(parentRunId)) throw new ToolError(`run ${parentRunId} has ended`);
    const timeoutSecs = request.timeoutSecs ?? settings.timeoutSeconds;
    // Budgets and usage reports see through sub-agents: their calls count for the task of the tree, and a
    // built-in one's (which has no agent of its own) for the agent that spawned it.
    const agentId = prepared.agent.id ?? parent.meterScope.agentId;
    const handle = runs.start({
      kind: 'exec',
      prepared,
      history: [],
      input: request.task,
      parentRunId,
      agentName: name,
      timeoutMs: timeoutSecs * 1000,
      meterScope: {
        ...(agentId ? { agentId } : {}),
        ...(parent.meterScope.taskId ? { taskId: parent.meterScope.taskId } : {}),
      },
    });
    const entry: Spawned = { parentRunId, agent: name, task: request.task, done: handle.done };
    this.spawned.set(handle.runId, entry);
    void handle.done.then((outcome) => {
      entry.outcome = outcome;
    });
    return { id: handle.runId, agent: name, task: request.task, status: 'running' };
  }

  async wait(
    parentRunId: string,
    ids: string[] | undefined,
    timeoutMs: number | undefined,
    signal: AbortSignal,
  ): Promise<{ agents: SubAgentState[]; all_done: boolean }> {
    const mine = [...this.spawned.entries()].filter(([, entry]) => entry.parentRunId === parentRunId);
    const wanted = ids ?? mine.map(([id]) => id);
    const unknown = wanted.filter((id) => this.spawned.get(id)?.parentRunId !== parentRunId);
    if (unknown.length > 0) {
      throw new ToolError(
        `not sub-agents of this run: ${unknown.join(', ')} (this run started: ${mine.map(([id]) => id).join(', ') || 'none'})`,
      );
    }
    const limit = timeoutMs ?? this.deps.settings().timeoutSeconds * 1000;
    let timer: NodeJS.Timeout | undefined;
    let onAbort = () => {};
    const gaveUp = new Promise<void>((resolve) => {
      if (Number.isFinite(limit)) timer = setTimeout(resolve, limit);
      onAbort = () => resolve();
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([Promise.allSettled(wanted.map((id) => this.spawned.get(id)?.done)), gaveUp]);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
    const agents = wanted.map((id) => this.state(id));
    return { agents, all_done: agents.every((agent) => agent.status !== 'running') };
  }

  list(parentRunId: string): { available: SubAgentChoice[]; spawned: SubAgentState[] } {
    const builtin = BUILTIN_SUB_AGENTS.map(
      (definition): SubAgentChoice => ({
        name: definition.name,
        description: definition.description,
        kind: 'builtin',
        tools: [...definition.tools],
      }),
    );
    const stored = this.deps.agents.list().map(
      (agent): SubAgentChoice => ({
        name: agent.name,
        description: agent.agent.prompt ? agent.agent.prompt.slice(0, 200) : '(no prompt)',
        kind: 'agent',
        tools: agent.agent.tools ?? [],
      }),
    );
    const spawned = [...this.spawned.entries()]
      .filter(([, entry]) => entry.parentRunId === parentRunId)
      .map(([id]) => this.state(id));
    return { available: [...builtin, ...stored], spawned };
  }

  /** A stored agent of that name or id wins over a built-in definition: the user's own agent is meant. */
  private async prepare(
    wanted: string,
    parent: PreparedAgent,
  ): Promise<{ ref: AgentRef; name: string; prepared: PreparedAgent }> {
    let stored: { id: string; name: string; agent: AgentNode } | undefined;
    try {
      stored = this.deps.agents.get(wanted);
    } catch (error) {
      if (!(error instanceof NotFoundError) && !(error instanceof InvalidInputError)) throw error;
    }
    if (stored) {
      const ref = { id: stored.id, name: stored.name, node: stored.agent };
      return { ref, name: stored.name, prepared: await this.prepareOrToolError(ref) };
    }
    const definition = findBuiltinSubAgent(wanted);
    if (!definition) {
      const names = [...BUILTIN_SUB_AGENTS.map((d) => d.name), ...this.deps.agents.list().map((a) => a.name)];
      throw new ToolError(`no agent named "${wanted}" (available: ${names.join(', ')})`);
    }
    // A built-in sub-agent works for its parent: same model and key, same workspace.
    const node: AgentNode = {
      ...(parent.agent.node.model ? { model: parent.agent.node.model } : {}),
      ...(parent.agent.node.api_key_config ? { api_key_config: parent.agent.node.api_key_config } : {}),
      prompt: definition.prompt,
      tools: [...definition.tools],
    };
    const ref: AgentRef = { name: definition.name, node };
    const prepared = await this.prepareOrToolError(ref);
    return {
      ref,
      name: definition.name,
      prepared: { ...prepared, workspaceDir: parent.workspaceDir, maxIterations: definition.max_iterations },
    };
  }

  private async prepareOrToolError(ref: AgentRef): Promise<PreparedAgent> {
    try {
      return await this.deps.engine.prepare(ref);
    } catch (error) {
      throw new ToolError(`cannot start ${ref.name ?? 'the sub-agent'}: ${(error as Error).message}`);
    }
  }

  private state(id: string): SubAgentState {
    const entry = this.spawned.get(id);
    if (!entry) throw new ToolError(`unknown sub-agent ${id}`);
    const base = { id, agent: entry.agent, task: entry.task };
    if (!entry.outcome) return { ...base, status: 'running' };
    return {
      ...base,
      ...stateOf(entry.outcome),
      duration_ms: entry.outcome.duration_ms,
      total_tokens: entry.outcome.total_tokens,
    };
  }

  /** Sub-agents whose parent has ended can no longer be waited for: their entries go. */
  private forgetEnded(): void {
    for (const [id, entry] of this.spawned) {
      if (entry.outcome && !this.deps.runs.lineage(entry.parentRunId)) this.spawned.delete(id);
    }
  }
}
