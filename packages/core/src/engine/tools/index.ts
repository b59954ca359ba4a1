// The one tool registry of the engine, filtered by an agent's allow-list (docs/engine.md#allow-list,
// aliases included). An absent or empty allow-list means no tools.
import type { CommandSecurityPort, MemoryPort, SecretPort, SkillPort } from '../ports.ts';
import { bashTool } from './bash.ts';
import { fileTool } from './file.ts';
import { httpRequestTool } from './http-request.ts';
import { memorySearchTool, memoryStoreTool } from './memory.ts';
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
  | 'telegram_send';

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
};

export const KNOWN_TOOL_NAMES = Object.keys(ALIASES);

export interface ResolvedAllowList {
  keys: Set<ToolKey>;
  unknown: string[];
}

export function resolveAllowList(allowList: readonly string[] | undefined): ResolvedAllowList {
  const keys = new Set<ToolKey>();
  const unknown: string[] = [];
  for (const raw of allowList ?? []) {
    const granted = ALIASES[raw.trim().toLowerCase()];
    if (granted) for (const key of granted) keys.add(key);
    else unknown.push(raw);
  }
  // Read access is part of write access: one `file` tool, with the wider action set.
  if (keys.has('file_write')) keys.delete('file_read');
  return { keys, unknown };
}

function build(key: ToolKey, deps: ToolDeps): ToolDefinition {
  switch (key) {
    case 'bash':
      return bashTool(deps.security);
    case 'file_read':
      return fileTool('read', deps.extraPaths);
    case 'file_write':
      return fileTool('write', deps.extraPaths);
    case 'http_request':
      return httpRequestTool({ allowPrivateNetwork: deps.allowPrivateNetwork });
    case 'run_python':
      return runPythonTool(deps.pythonBin);
    case 'skill':
      return skillTool(deps.skills);
    case 'memory_search':
      return memorySearchTool(deps.memory);
    case 'memory_store':
      return memoryStoreTool(deps.memory);
    case 'telegram_send':
      return telegramSendTool(deps.secrets, deps.telegramApiBase);
  }
}

export function buildToolRegistry(
  allowList: readonly string[] | undefined,
  deps: ToolDeps,
  limits: { timeoutMs: number; maxResultChars: number },
): ToolRegistry {
  const { keys } = resolveAllowList(allowList);
  return new ToolRegistry(
    [...keys].map((key) => build(key, deps)),
    limits,
  );
}

export { type ToolCallResult, ToolRegistry } from './registry.ts';
export type { ToolContext, ToolDefinition, ToolOutput } from './types.ts';
