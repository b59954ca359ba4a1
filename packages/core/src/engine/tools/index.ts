// The one tool registry of the engine, filtered by an agent's allow-list (docs/engine.md#allow-list,
// aliases included). An absent or empty allow-list means no tools.
import type { ToolSandbox } from '../../security/sandbox.ts';
import { noSandbox } from '../../security/sandbox.ts';
import type { EnvGrant } from '../../security/tool-env.ts';
import type { CommandSecurityPort, McpPort, MemoryPort, SecretPort, SkillPort, SubAgentPort } from '../ports.ts';
import { listAgentsTool, spawnAgentTool, waitAgentsTool } from './agents.ts';
import { bashTool } from './bash.ts';
import { fileTool } from './file.ts';
import { httpRequestTool } from './http-request.ts';
import { type McpGrant, parseMcpGrant } from './mcp.ts';
import { memorySearchTool, memoryStoreTool } from './memory.ts';
import type { ProcessToolDeps } from './process-sandbox.ts';
import { ToolRegistry } from './registry.ts';
import { runPythonTool } from './run-python.ts';
import { skillTool } from './skill.ts';
import { telegramSendTool } from './telegram-send.ts';
import type { ToolDefinition } from './types.ts';

export interface ToolDeps {
  security: CommandSecurityPort;
  skills: SkillPort;
  memory: MemoryPort;
  secrets: SecretPort;
  /** Directories file tools may use besides the agent workspace. */
  extraPaths: string[];
  allowPrivateNetwork: boolean;
  telegramApiBase?: string;
  pythonBin?: string;
  /** How bash and run_python are confined; absent: unsandboxed (unit tests). */
  sandbox?: ToolSandbox;
  /** Never usable by tools (protected-paths.ts). */
  protectedPaths?: readonly string[];
  /** The daemon's environment; tools get only its allow-listed part plus the agent's grants. */
  baseEnv?: NodeJS.ProcessEnv;
  /** Redacts known secret values from results before the model, the stream or the database sees them. */
  redact?: (text: string) => string;
  /** True when a text holds a known secret value (outgoing http_request). */
  containsSecret?: (text: string) => boolean;
  /** External MCP servers (`mcp:<server>:<tool>` entries); absent: such entries only warn. */
  mcp?: McpPort;
  /** Sub-agent runs (spawn_agent, wait_agents, list_agents); absent: those tools are left out. */
  agents?: SubAgentPort;
}

/** The tool settings of one agent (agent node `env`, `sandbox`, `allowed_hosts`). */
export interface AgentToolConfig {
  env?: Record<string, EnvGrant>;
  sandbox?: { network?: boolean };
  allowed_hosts?: string[];
}

type ToolKey =
  | 'bash'
  | 'file_read'
  | 'file_write'
  | 'http_request'
  | 'run_python'
  | 'skill'
  | 'memory_search'
  | 'memory_store'
  | 'telegram_send'
  | 'spawn_agent'
  | 'wait_agents'
  | 'list_agents';

const SUB_AGENT_TOOLS: ToolKey[] = ['spawn_agent', 'wait_agents', 'list_agents'];

/** Allow-list name → the tools it grants. */
const ALIASES: Record<string, ToolKey[]> = {
  bash: ['bash'],
  shell: ['bash'],
  file: ['file_write'],
  write: ['file_write'],
  read: ['file_read'],
  http: ['http_request'],
  http_request: ['http_request'],
  python: ['run_python'],
  run_python: ['run_python'],
  skill: ['skill'],
  use_skill: ['skill'],
  memory: ['memory_search', 'memory_store'],
  memory_search: ['memory_search'],
  memory_store: ['memory_store'],
  telegram: ['telegram_send'],
  telegram_send: ['telegram_send'],
  agents: SUB_AGENT_TOOLS,
  subagents: SUB_AGENT_TOOLS,
  spawn_agent: SUB_AGENT_TOOLS,
  wait_agents: ['wait_agents'],
  list_agents: ['list_agents'],
};

export const KNOWN_TOOL_NAMES = Object.keys(ALIASES);

/**
 * Tools that use the daemon's own services (its store, its run manager, its MCP clients) or its secrets (the
 * Telegram bot's token, which a worker never holds).
 */
const DAEMON_TOOLS = new Set<string>(['memory_search', 'memory_store', 'telegram_send', ...SUB_AGENT_TOOLS]);

/**
 * Whether a tool (by the name the model calls it) needs the daemon itself: a remote worker calls the daemon to run
 * it (docs/workers.md) rather than running it on its own machine. MCP tools are `mcp__<server>__<tool>`.
 */
export function isDaemonTool(name: string): boolean {
  return DAEMON_TOOLS.has(name) || name.startsWith('mcp__');
}

export interface ResolvedAllowList {
  keys: Set<ToolKey>;
  /** `mcp:<server>:<tool>` / `mcp:<server>:*` entries (engine/tools/mcp.ts). */
  mcp: McpGrant[];
  unknown: string[];
}

export function resolveAllowList(allowList: readonly string[] | undefined): ResolvedAllowList {
  const keys = new Set<ToolKey>();
  const unknown: string[] = [];
  const mcp: McpGrant[] = [];
  for (const raw of allowList ?? []) {
    const granted = ALIASES[raw.trim().toLowerCase()];
    const mcpGrant = granted ? undefined : parseMcpGrant(raw);
    if (granted) for (const key of granted) keys.add(key);
    else if (mcpGrant) mcp.push(mcpGrant);
    else unknown.push(raw);
  }
  // Read access is part of write access: one `file` tool, with the wider action set.
  if (keys.has('file_write')) keys.delete('file_read');
  return { keys, mcp, unknown };
}

function processDeps(deps: ToolDeps): ProcessToolDeps {
  return {
    security: deps.security,
    sandbox: deps.sandbox ?? noSandbox('no sandbox configured'),
    protectedPaths: deps.protectedPaths ?? [],
    extraPaths: deps.extraPaths,
    baseEnv: deps.baseEnv ?? process.env,
    secret: (key) => deps.secrets.get(key),
  };
}

function build(key: ToolKey, deps: ToolDeps, agent: AgentToolConfig): ToolDefinition {
  const processAgent = { ...(agent.env ? { env: agent.env } : {}), network: agent.sandbox?.network ?? false };
  switch (key) {
    case 'bash':
      return bashTool(processDeps(deps), processAgent);
    case 'file_read':
      return fileTool('read', deps.extraPaths, deps.protectedPaths);
    case 'file_write':
      return fileTool('write', deps.extraPaths, deps.protectedPaths);
    case 'http_request':
      return httpRequestTool({
        allowPrivateNetwork: deps.allowPrivateNetwork,
        ...(agent.allowed_hosts ? { allowedHosts: agent.allowed_hosts } : {}),
        ...(deps.containsSecret ? { containsSecret: deps.containsSecret } : {}),
      });
    case 'run_python':
      return runPythonTool(processDeps(deps), processAgent, deps.pythonBin);
    case 'skill':
      return skillTool(deps.skills);
    case 'memory_search':
      return memorySearchTool(deps.memory);
    case 'memory_store':
      return memoryStoreTool(deps.memory);
    case 'telegram_send':
      return telegramSendTool(deps.secrets, deps.telegramApiBase);
    case 'spawn_agent':
      return spawnAgentTool(deps.agents as SubAgentPort);
    case 'wait_agents':
      return waitAgentsTool(deps.agents as SubAgentPort);
    case 'list_agents':
      return listAgentsTool(deps.agents as SubAgentPort);
  }
}

export function buildToolRegistry(
  allowList: readonly string[] | undefined,
  deps: ToolDeps,
  limits: { timeoutMs: number; maxResultChars: number },
  agent: AgentToolConfig = {},
  /** Tools resolved elsewhere (an agent's MCP tools, engine/tools/mcp.ts). */
  extra: ToolDefinition[] = [],
): ToolRegistry {
  const { keys } = resolveAllowList(allowList);
  const usable = [...keys].filter((key) => deps.agents || !SUB_AGENT_TOOLS.includes(key));
  return new ToolRegistry(
    [...usable.map((key) => build(key, deps, agent)), ...extra],
    deps.redact ? { ...limits, redact: deps.redact } : limits,
  );
}

export { type McpGrant, mcpToolName, mcpTools, parseMcpGrant } from './mcp.ts';
export { type ToolCallResult, ToolRegistry, type ToolRunner } from './registry.ts';
export type { ToolContext, ToolDefinition, ToolOutput } from './types.ts';
