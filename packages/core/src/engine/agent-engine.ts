// Turns an agent definition into something runnable (model, client, tools, system prompt) and runs it. The one
// engine behind chat, task runs, channels and MCP: they differ only in where input comes from and results go.
import os from 'node:os';
import path from 'node:path';
import type { AgentNode } from '@restflow/db';
import { UnavailableError } from '../errors.ts';
import type { LlmClient, LlmMessage } from '../llm/types.ts';
import { findModel, type ModelMetadata, modelLifecycle } from '../models/catalogue.ts';
import type { RunMeter } from '../usage/usage.service.ts';
import { type AgentLoopResult, runAgentLoop } from './agent-loop.ts';
import { DEFAULT_LIMITS, type EngineLimits } from './limits.ts';
import type { SkillPort, SkillRecord } from './ports.ts';
import type { RunEventSink } from './run-events.ts';
import { buildSystemPrompt } from './system-prompt.ts';
import { buildToolRegistry, mcpTools, resolveAllowList, type ToolDeps, type ToolRunner } from './tools/index.ts';

/** Picks the provider client for an agent: key resolution and client construction live in the llm domain. */
export interface LlmResolver {
  resolve(agent: { id?: string; node: AgentNode; model: ModelMetadata }): Promise<LlmClient>;
}

export interface AgentRef {
  /** Absent for inline agents. */
  id?: string;
  name?: string;
  node: AgentNode;
}

export interface PreparedAgent {
  agent: AgentRef;
  model: ModelMetadata;
  client: LlmClient;
  systemPrompt: string;
  tools: ToolRunner;
  temperature: number | undefined;
  workspaceDir: string;
  /** Allow-list entries that named no known tool, and skills that do not exist. */
  warnings: string[];
  /** Model turns before the run must answer; the engine's limit when absent (set for built-in sub-agents). */
  maxIterations?: number;
}

export interface EngineRunRequest {
  runId: string;
  taskId?: string;
  /** Earlier turns, oldest first (already cut to the history window). */
  history: LlmMessage[];
  input: string;
  signal: AbortSignal;
  sink: RunEventSink;
  meter?: RunMeter;
}

export interface AgentEngineDeps {
  llm: LlmResolver;
  skills: SkillPort;
  tools: ToolDeps;
  limits?: Partial<EngineLimits>;
  /** Parent of every agent's workspace directory. */
  workspaceRoot?: string;
  /** Decides which models have retired (default: the wall clock). */
  now?: () => number;
}

export class AgentEngine {
  readonly limits: EngineLimits;
  private readonly workspaceRoot: string;

  constructor(private readonly deps: AgentEngineDeps) {
    this.limits = { ...DEFAULT_LIMITS, ...deps.limits };
    this.workspaceRoot = deps.workspaceRoot ?? path.join(os.tmpdir(), 'restflow-workspaces');
  }

  /**
   * Fails fast, before anything is written, when the agent cannot run (no model, no key). `client` replaces the
   * provider client (and so the key resolution): a replay serves the provider's answers from a recording.
   */
  async prepare(agent: AgentRef, options: { client?: LlmClient } = {}): Promise<PreparedAgent> {
    const label = agent.id ? `Agent ${agent.name ?? agent.id} (${agent.id})` : 'The inline agent';
    const agentDetails = agent.id ? { agent_id: agent.id, agent_name: agent.name ?? null } : {};
    if (!agent.node.model) {
      throw new UnavailableError(`${label} has no model; choose one for it`, {
        reason: 'NO_MODEL',
        details: agentDetails,
      });
    }
    const lifecycle = modelLifecycle(agent.node.model, (this.deps.now ?? Date.now)());
    if (lifecycle?.status === 'retired') {
      throw new UnavailableError(
        `${label} uses ${lifecycle.model}, which its provider retired on ${lifecycle.retired_on}; ` +
          `switch it to ${lifecycle.replacement}`,
        {
          reason: 'MODEL_RETIRED',
          details: {
            ...agentDetails,
            model: agent.node.model,
            retired_on: lifecycle.retired_on,
            replacement: lifecycle.replacement,
          },
        },
      );
    }
    const model = findModel(agent.node.model);
    if (!model) {
      throw new UnavailableError(`${label} uses the unknown model "${agent.node.model}"`, {
        reason: 'UNKNOWN_MODEL',
        details: { ...agentDetails, model: agent.node.model },
      });
    }
    const client = options.client ?? (await this.deps.llm.resolve({ id: agent.id, node: agent.node, model }));
    const allowList = resolveAllowList(agent.node.tools);
    const mcp = await mcpTools(allowList.mcp, this.deps.tools.mcp, this.deps.tools.security);
    const tools = buildToolRegistry(
      agent.node.tools,
      this.deps.tools,
      { timeoutMs: this.limits.toolTimeoutMs, maxResultChars: this.limits.maxToolResultChars },
      {
        ...(agent.node.env ? { env: agent.node.env } : {}),
        ...(agent.node.sandbox ? { sandbox: agent.node.sandbox } : {}),
        ...(agent.node.allowed_hosts ? { allowed_hosts: agent.node.allowed_hosts } : {}),
      },
      mcp.tools,
    );
    const warnings: string[] = [...mcp.warnings];
    const skills: SkillRecord[] = [];
    for (const id of agent.node.skills ?? []) {
      const skill = this.deps.skills.find(id);
      if (skill) skills.push(skill);
      else warnings.push(`skill ${id} not found`);
    }
    for (const name of allowList.unknown) warnings.push(`unknown tool ${name}`);
    if (lifecycle?.status === 'deprecated') {
      warnings.push(`${lifecycle.model} retires on ${lifecycle.retires_on}; switch to ${lifecycle.replacement}`);
    }
    return {
      agent,
      model,
      client,
      systemPrompt: buildSystemPrompt({ agent: agent.node, skills, tools: tools.specs() }),
      tools,
      temperature: model.supports_temperature ? (agent.node.temperature ?? this.limits.defaultTemperature) : undefined,
      workspaceDir: path.join(this.workspaceRoot, agent.id ?? 'inline'),
      warnings,
    };
  }

  run(prepared: PreparedAgent, request: EngineRunRequest): Promise<AgentLoopResult> {
    const messages: LlmMessage[] = [
      { role: 'system', content: prepared.systemPrompt },
      ...request.history.slice(-this.limits.historyWindow),
      { role: 'user', content: request.input },
    ];
    return runAgentLoop({
      client: prepared.client,
      model: prepared.model.api_model,
      messages,
      tools: prepared.tools,
      toolContext: {
        runId: request.runId,
        agentId: prepared.agent.id,
        taskId: request.taskId,
        workspaceDir: prepared.workspaceDir,
      },
      temperature: prepared.temperature,
      maxTokens: this.limits.maxTokens,
      maxIterations: prepared.maxIterations ?? this.limits.maxIterations,
      signal: request.signal,
      sink: request.sink,
      ...(request.meter ? { meter: request.meter } : {}),
    });
  }
}
