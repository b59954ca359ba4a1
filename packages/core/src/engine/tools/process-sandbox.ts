// What bash and run_python share: the confined workdir, the scrubbed environment, the approval round-trip and
// the sandboxed spawn.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isInside, realPathOf } from '../../security/protected-paths.ts';
import { sandboxRules, type ToolSandbox } from '../../security/sandbox.ts';
import { type EnvGrant, toolEnv } from '../../security/tool-env.ts';
import type { CommandSecurityPort } from '../ports.ts';
import { type ProcessResult, runProcess } from './subprocess.ts';
import { type ToolContext, ToolError } from './types.ts';

/** What every process-running tool needs to confine what it starts. */
export interface ProcessToolDeps {
  security: CommandSecurityPort;
  sandbox: ToolSandbox;
  /** Data dir, credential stores and configured extras (protected-paths.ts). */
  protectedPaths: readonly string[];
  /** RESTFLOW_TOOL_PATHS: writable besides the workspace. */
  extraPaths: string[];
  /** The daemon's environment; only the allow-listed part reaches a tool. */
  baseEnv: NodeJS.ProcessEnv;
  /** Resolves `{ secret }` env grants. */
  secret: (key: string) => string | undefined;
}

/** The per-agent part (agent node `env`, `sandbox.network`). */
export interface AgentProcessConfig {
  env?: Record<string, EnvGrant>;
  network?: boolean;
}

// Config that makes an allow-listed git command read-only in fact: no fsmonitor or hook program, no pager,
// no signature program, whatever the repository's own .git/config says.
const GIT_SAFE_CONFIG: [string, string][] = [
  ['core.fsmonitor', 'false'],
  ['core.hooksPath', '/dev/null'],
  ['core.pager', 'cat'],
  ['log.showSignature', 'false'],
  ['diff.external', ''],
];

export function gitSafeEnv(): Record<string, string> {
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(GIT_SAFE_CONFIG.length), GIT_TERMINAL_PROMPT: '0' };
  GIT_SAFE_CONFIG.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}

/** `workdir` relative to the workspace; refused when it (or a symlink in it) leads outside. */
export function confinedWorkdir(workspace: string, requested: string | undefined): string {
  fs.mkdirSync(workspace, { recursive: true });
  const workdir = path.resolve(workspace, requested ?? '.');
  if (!isInside(realPathOf(workspace), realPathOf(workdir))) {
    throw new ToolError(`workdir ${requested} is outside the agent workspace (${workspace})`);
  }
  fs.mkdirSync(workdir, { recursive: true });
  return workdir;
}

export interface ApprovalRequestInfo {
  command: string;
  workdir: string;
}

/** Queues an approval and waits; returns an error text when it was not granted. */
export async function awaitApproval(
  security: CommandSecurityPort,
  request: ApprovalRequestInfo,
  ctx: ToolContext,
): Promise<string | undefined> {
  const approval = await security.createApproval({
    command: request.command,
    workdir: request.workdir,
    agentId: ctx.agentId,
    runId: ctx.runId,
    taskId: ctx.taskId,
  });
  ctx.events.emit('approval_required', { approval });
  ctx.events.emit('step', { step_type: 'approval', name: request.command, status: 'pending' });
  const outcome = await security.waitForDecision(approval.id, ctx.signal);
  if (outcome.status !== 'approved') {
    ctx.events.emit('step', { step_type: 'approval', name: request.command, status: 'failed' });
    const why = outcome.status === 'expired' ? 'the approval expired' : 'the command was rejected';
    return `${why}${outcome.reason ? `: ${outcome.reason}` : ''} (approval ${approval.id})`;
  }
  ctx.events.emit('step', { step_type: 'approval', name: request.command, status: 'completed' });
  return undefined;
}

export interface SandboxedResult extends ProcessResult {
  /** How the process was confined: a test or a user can check it really was. */
  sandbox: ToolSandbox['kind'];
}

export async function runConfined(
  deps: ProcessToolDeps,
  agent: AgentProcessConfig,
  command: string,
  args: string[],
  options: {
    workspace: string;
    workdir: string;
    signal: AbortSignal;
    timeoutMs: number;
    extraEnv?: Record<string, string>;
  },
): Promise<SandboxedResult> {
  const env = toolEnv({
    base: { HOME: os.homedir(), ...deps.baseEnv },
    ...(agent.env ? { grants: agent.env } : {}),
    secret: deps.secret,
    ...(options.extraEnv ? { extra: options.extraEnv } : {}),
  });
  const wrapped = deps.sandbox.wrap(
    command,
    args,
    sandboxRules({
      workspace: options.workspace,
      extraWritable: deps.extraPaths,
      protectedPaths: deps.protectedPaths,
      network: agent.network ?? false,
      workdir: options.workdir,
    }),
  );
  const result = await runProcess(wrapped.command, wrapped.args, {
    cwd: options.workdir,
    env,
    signal: options.signal,
    timeoutMs: options.timeoutMs,
  });
  return { ...result, sandbox: deps.sandbox.kind };
}
