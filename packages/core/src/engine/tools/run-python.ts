import fs from 'node:fs/promises';
import path from 'node:path';
import { type AgentProcessConfig, awaitApproval, type ProcessToolDeps, runConfined } from './process-sandbox.ts';
import { catalogueSpec } from './spec.ts';
import { fail, ok, type ToolDefinition } from './types.ts';

export function runPythonTool(
  deps: ProcessToolDeps,
  agent: AgentProcessConfig = {},
  pythonBin = 'python3',
): ToolDefinition {
  return {
    ...catalogueSpec('run_python'),
    selfTimed: true,
    async execute(args, ctx) {
      await fs.mkdir(ctx.workspaceDir, { recursive: true });
      const code = args.code as string;
      // Python can read any file; without a sandbox nothing but a human can vouch for the code.
      if (deps.sandbox.kind === 'none') {
        const refused = await awaitApproval(
          deps.security,
          { command: `${pythonBin} - <<'PY'\n${code}\nPY`, workdir: ctx.workspaceDir },
          ctx,
        );
        if (refused) return fail(refused);
      }
      const script = path.join(ctx.workspaceDir, `.run-${ctx.runId.slice(0, 8)}-${process.hrtime.bigint()}.py`);
      await fs.writeFile(script, code, 'utf8');
      try {
        const timeoutMs = typeof args.timeout_seconds === 'number' ? args.timeout_seconds * 1000 : ctx.timeoutMs;
        const result = await runConfined(deps, agent, pythonBin, [script], {
          workspace: ctx.workspaceDir,
          workdir: ctx.workspaceDir,
          signal: ctx.signal,
          timeoutMs,
        });
        return result.exit_code === 0 && !result.timed_out ? ok(result) : fail(result);
      } finally {
        await fs.rm(script, { force: true });
      }
    },
  };
}
