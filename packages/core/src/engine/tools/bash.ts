import {
  type AgentProcessConfig,
  awaitApproval,
  confinedWorkdir,
  gitSafeEnv,
  type ProcessToolDeps,
  runConfined,
} from './process-sandbox.ts';
import { catalogueSpec } from './spec.ts';
import { fail, ok, type ToolDefinition } from './types.ts';

/** Never run, whatever the policy says; the policy adds the user's rules. */
const ALWAYS_BLOCKED: { pattern: RegExp; reason: string }[] = [
  { pattern: /\brm\s+-[a-z]*r[a-z]*f?[a-z]*\s+\/(\s|$|\*)/i, reason: 'deletes the root filesystem' },
  { pattern: /\bmkfs(\.\w+)?\b/, reason: 'formats a filesystem' },
  { pattern: /\bdd\s+if=\/dev\//, reason: 'raw device copy' },
  { pattern: /(^|[\s;&|(])sudo\b/, reason: 'privilege escalation (sudo)' },
];

export function bashTool(deps: ProcessToolDeps, agent: AgentProcessConfig = {}): ToolDefinition {
  return {
    ...catalogueSpec('bash'),
    // The approval wait must not eat the command's time budget.
    selfTimed: true,
    async execute(args, ctx) {
      const command = args.command as string;
      const hard = ALWAYS_BLOCKED.find((rule) => rule.pattern.test(command));
      if (hard) return fail(`command blocked: ${hard.reason}`);
      const workdir = confinedWorkdir(ctx.workspaceDir, args.workdir as string | undefined);
      // Without a sandbox the policy is the boundary, so it also refuses the protected paths.
      const unsandboxed = deps.sandbox.kind === 'none';
      const decision = deps.security.evaluate(command, {
        agentId: ctx.agentId,
        workdir,
        ...(unsandboxed
          ? {
              // Also /proc: the daemon's /proc/<pid>/environ holds every key it was started with.
              protectedPaths: [...deps.protectedPaths, '/proc'],
              allowedPaths: [ctx.workspaceDir, ...deps.extraPaths],
            }
          : {}),
      });
      if (decision.action === 'block') {
        return fail(`command blocked by the security policy${decision.reason ? `: ${decision.reason}` : ''}`);
      }
      if (decision.action === 'require_approval') {
        const refused = await awaitApproval(deps.security, { command, workdir }, ctx);
        if (refused) return fail(refused);
      }
      // An explicit `timeout` from the model wins (long builds); otherwise the engine's tool timeout applies.
      const timeoutMs = typeof args.timeout === 'number' ? args.timeout * 1000 : ctx.timeoutMs;
      const result = await runConfined(deps, agent, 'bash', ['-c', command], {
        workspace: ctx.workspaceDir,
        workdir,
        signal: ctx.signal,
        timeoutMs,
        // What ran without a human's approval gets git without hooks, fsmonitor or pager programs.
        ...(decision.action === 'allow' ? { extraEnv: gitSafeEnv() } : {}),
      });
      return result.exit_code === 0 && !result.timed_out ? ok(result) : fail(result);
    },
  };
}
