// Adapts the neighbouring services to the engine's narrow ports and builds the engine, run manager and chat
// service once, for createServices.
import path from 'node:path';
import type { AgentService } from '../agents/agent.service.ts';
import type { AuthProfileService } from '../auth/auth-profile.service.ts';
import { type ConfigService, DEFAULT_SYSTEM_CONFIG } from '../config/config.service.ts';
import type { CoreContext } from '../core-context.ts';
import { createModelClientResolver } from '../llm/model-client.ts';
import type { LlmClientFactory } from '../llm/types.ts';
import type { McpClientPool } from '../mcp/mcp-client-pool.ts';
import type { MemoryService } from '../memory/memory.service.ts';
import type { SecretService } from '../secrets/secret.service.ts';
import { protectedPaths } from '../security/protected-paths.ts';
import type { SecurityService } from '../security/security.service.ts';
import type { ChatSessionService } from '../sessions/chat-session.service.ts';
import type { SkillService } from '../skills/skill.service.ts';
import type { UsageService } from '../usage/usage.service.ts';
import { AgentEngine, type LlmResolver } from './agent-engine.ts';
import { ChatService } from './chat.service.ts';
import type { DeltaBatcherOptions } from './delta-batcher.ts';
import { type EngineLimits, limitsFromEnv } from './limits.ts';
import type {
  CommandSecurityPort,
  McpPort,
  MemoryPort,
  SecretPort,
  SessionPort,
  SkillPort,
  SubAgentPort,
} from './ports.ts';
import { RunManager } from './run-manager.ts';
import { RunRecordings } from './run-recordings.ts';
import { SubAgentService } from './sub-agents/sub-agent.service.ts';

export interface AgentRuntimeDeps {
  agents: AgentService;
  sessions: ChatSessionService;
  security: SecurityService;
  skills: SkillService;
  memory: MemoryService;
  secrets: SecretService;
  auth: AuthProfileService;
  /** Builds provider clients (tests pass a fake). */
  llm: LlmClientFactory;
  /** Overrides the provider resolution altogether (tests). */
  resolver?: LlmResolver;
  limits?: Partial<EngineLimits>;
  batching?: DeltaBatcherOptions;
  /** External MCP servers for `mcp:<server>:<tool>` allow-list entries. */
  mcpTools?: McpPort;
  /** Meters provider calls and enforces budgets. */
  usage?: UsageService;
  /** Sub-agent limits (`subagent_*` keys); absent: the defaults. */
  config?: Pick<ConfigService, 'get'>;
}

export interface AgentRuntime {
  engine: AgentEngine;
  runs: RunManager;
  chat: ChatService;
  subAgents: SubAgentService;
  recordings: RunRecordings;
}

const pathList = (value: string | undefined): string[] => (value ? value.split(path.delimiter).filter(Boolean) : []);

export function sessionPort(sessions: ChatSessionService): SessionPort {
  return {
    get: (id) => sessions.get(id),
    create: (agentId, model) => sessions.create({ agent_id: agentId, ...(model ? { model } : {}) }),
    appendMessage: (id, message) => sessions.appendMessage(id, message),
    updateMessage: (id, patch) => {
      sessions.updateMessage(id, patch);
    },
    recentMessages: (id, n) => sessions.recentMessages(id, n),
  };
}

export function securityPort(security: SecurityService): CommandSecurityPort {
  return {
    evaluate: (command, context) => {
      const { agentId: _agent, ...where } = context;
      const evaluation = security.evaluate(command, where);
      return evaluation.action === 'block'
        ? { action: 'block', reason: evaluation.reason }
        : { action: evaluation.action };
    },
    evaluateTool: (name) => {
      const evaluation = security.evaluateTool(name);
      return evaluation.action === 'block'
        ? { action: 'block', reason: evaluation.reason }
        : { action: evaluation.action };
    },
    createApproval: (request) =>
      security.createApproval(request.command, {
        run_id: request.runId,
        ...(request.agentId ? { agent_id: request.agentId } : {}),
        ...(request.taskId ? { task_id: request.taskId } : {}),
        ...(request.workdir ? { workdir: request.workdir } : {}),
      }) as unknown as ReturnType<CommandSecurityPort['createApproval']>,
    waitForDecision: async (id, signal) => {
      const status = await security.waitForDecision(id, signal);
      return { status, reason: status === 'rejected' ? security.approvals.get(id).rejection_reason : undefined };
    },
  };
}

export function memoryPort(memory: MemoryService): MemoryPort {
  return {
    search: async ({ agentId, query, limit }) =>
      (await memory.searchUnifiedOffThread({ agent_id: agentId, query, limit })).results.map((r) => ({
        id: r.id,
        content: r.content,
        score: r.score,
        created_at: r.timestamp,
      })),
    store: ({ agentId, content, tags, toolName }) =>
      memory.storeChunk({ agent_id: agentId, content, tags, source: { type: 'agent_generated', tool_name: toolName } }),
  };
}

export const skillPort = (skills: SkillService): SkillPort => ({
  list: () => skills.list(),
  find: (id) => skills.find(id),
});

export const mcpPort = (pool: McpClientPool): McpPort => ({
  listTools: (server, signal) => pool.tools(server, signal),
  callTool: (server, tool, args, options) => pool.call(server, tool, args, options),
});

export const secretPort = (secrets: SecretService): SecretPort => ({ get: (key) => secrets.getValue(key) });

export function createAgentRuntime(core: CoreContext, deps: AgentRuntimeDeps): AgentRuntime {
  const secrets = secretPort(deps.secrets);
  const resolver =
    deps.resolver ??
    createModelClientResolver({ llm: deps.llm, env: core.env, secrets: deps.secrets, auth: deps.auth });
  const skills = skillPort(deps.skills);
  // The sub-agent tools need the run manager, which needs the engine: the port forwards once both exist.
  let subAgents: SubAgentService | undefined;
  const subAgentsReady = () => {
    if (!subAgents) throw new Error('sub-agents are not wired yet');
    return subAgents;
  };
  const agentsPort: SubAgentPort = {
    spawn: (parent, request) => subAgentsReady().spawn(parent, request),
    wait: (parent, ids, timeoutMs, signal) => subAgentsReady().wait(parent, ids, timeoutMs, signal),
    list: (parent) => subAgentsReady().list(parent),
  };
  const engine = new AgentEngine({
    llm: resolver,
    skills,
    limits: { ...limitsFromEnv(core.env), ...deps.limits },
    workspaceRoot: core.paths ? path.join(core.paths.dataDir, 'workspaces') : undefined,
    now: () => core.clock.now(),
    tools: {
      security: securityPort(deps.security),
      skills,
      memory: memoryPort(deps.memory),
      secrets,
      extraPaths: pathList(core.env.RESTFLOW_TOOL_PATHS),
      allowPrivateNetwork: core.env.RESTFLOW_TOOL_ALLOW_PRIVATE_NETWORK === '1',
      telegramApiBase: core.env.TELEGRAM_API_BASE ?? core.env.TELEGRAM_API_BASE_URL,
      sandbox: core.sandbox,
      protectedPaths: protectedPaths({ dataDir: core.paths?.dataDir, env: core.env }),
      baseEnv: core.env,
      redact: (text) => core.redactor.redact(text),
      containsSecret: (text) => core.redactor.contains(text),
      ...(deps.mcpTools ? { mcp: deps.mcpTools } : {}),
      agents: agentsPort,
    },
  });
  const sessions = sessionPort(deps.sessions);
  const runs = new RunManager(core, engine, sessions, deps.batching, deps.usage);
  const recordings = new RunRecordings(core, engine, runs, deps.agents);
  const chat = new ChatService(engine, runs, deps.agents, sessions, core.ids, recordings);
  subAgents = new SubAgentService({
    engine,
    runs,
    agents: deps.agents,
    settings: () => {
      const config = deps.config?.get() ?? DEFAULT_SYSTEM_CONFIG;
      return {
        maxParallel: config.subagent_max_parallel,
        timeoutSeconds: config.subagent_timeout_seconds,
        maxDepth: config.subagent_max_depth,
      };
    },
  });
  return { engine, runs, chat, subAgents, recordings };
}
