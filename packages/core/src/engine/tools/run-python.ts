import fs from 'node:fs/promises';
import path from 'node:path';
import { catalogueSpec } from './spec.ts';
import { runProcess } from './subprocess.ts';
import { fail, ok, type ToolDefinition } from './types.ts';

export function runPythonTool(pythonBin = 'python3'): ToolDefinition {
  return {
    ...catalogueSpec('run_python'),
    selfTimed: true,
    async execute(args, ctx) {
      await fs.mkdir(ctx.workspaceDir, { recursive: true });
      const script = path.join(ctx.workspaceDir, `.run-${ctx.runId.slice(0, 8)}-${process.hrtime.bigint()}.py`);
      await fs.writeFile(script, args.code as string, 'utf8');
      try {
        const timeoutMs = typeof args.timeout_seconds === 'number' ? args.timeout_seconds * 1000 : ctx.timeoutMs;
        const result = await runProcess(pythonBin, [script], { cwd: ctx.workspaceDir, signal: ctx.signal, timeoutMs });
        return result.exit_code === 0 && !result.timed_out ? ok(result) : fail(result);
      } finally {
        await fs.rm(script, { force: true });
      }
    },
  };
}
