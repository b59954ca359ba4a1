import fs from 'node:fs';
import path from 'node:path';
import type { CommandSecurityPort } from '../ports.ts';
import { catalogueSpec } from './spec.ts';
import { runProcess } from './subprocess.ts';
import { fail, ok, type ToolDefinition } from './types.ts';

/** Never run, whatever the policy says; the policy adds the user's rules. */
const ALWAYS_BLOCKED: { pattern: RegExp; reason: string }[] = [
  { pattern: /\brm\s+-[a-z]*r[a-z]*f?[a-z]*\s+\/(\s|$|\*)/i, reason: 'deletes the root filesystem' },
  { pattern: /\bmkfs(\.\w+)?\b/, reason: 'formats a filesystem' },
  { pattern: /\bdd\s+if=\/dev\//, reason: 'raw device copy' },
  { pattern: /(^|[\s;&|(])sudo\b/, reason: 'privilege escalation (sudo)' },
];

export function bashTool(security: CommandSecurityPort): ToolDefinition {
  return {
    ...catalogueSpec('bash'),
    // The approval wait must not eat the command's time budget.
    selfTimed: true,
    async execute(args, ctx) {
      const command = args.command as string;
      const hard = ALWAYS_BLOCKED.find((rule) => rule.pattern.test(command));
      if (hard) return fail(`command blocked: ${hard.reason}`);
      const workdir = path.resolve(ctx.workspaceDir, (args.workdir as string | undefined) ?? '.');
      const decision = security.evaluate(command, { agentId: ctx.agentId });
      if (decision.action === 'block') {
        return fail(`command blocked by the security policy${decision.reason ? `: ${decision.reason}` : ''}`);
      }
      if (decision.action === 'require_approval') {
        const approval = security.createApproval({
          command,
          workdir,
          agentId: ctx.agentId,
          runId: ctx.runId,
          taskId: ctx.taskId,
        });
        ctx.events.emit('approval_required', { approval });
        ctx.events.emit('step', { step_type: 'approval', name: command, status: 'pending' });
        const outcome = await security.waitForDecision(approval.id, ctx.signal);
        if (outcome.status !== 'approved') {
          ctx.events.emit('step', { step_type: 'approval', name: command, status: 'failed' });
          const why = outcome.status === 'expired' ? 'the approval expired' : 'the command was rejected';
          return fail(`${why}${outcome.reason ? `: ${outcome.reason}` : ''} (approval ${approval.id})`);
        }
        ctx.events.emit('step', { step_type: 'approval', name: command, status: 'completed' });
      }
      fs.mkdirSync(workdir, { recursive: true });
      // An explicit `timeout` from the model wins (long builds); otherwise the engine's tool timeout applies.
      const timeoutMs = typeof args.timeout === 'number' ? args.timeout * 1000 : ctx.timeoutMs;
      const result = await runProcess('bash', ['-c', command], { cwd: workdir, signal: ctx.signal, timeoutMs });
      return result.exit_code === 0 && !result.timed_out ? ok(result) : fail(result);
    },
  };
}
