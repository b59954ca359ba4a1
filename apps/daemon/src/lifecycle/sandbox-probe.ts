// This process's probe of the tools sandbox (a bubblewrap child that must prove it starts). The entry (boot.ts)
// begins it before the daemon's code loads, so the child runs while the modules are parsed instead of after;
// main.ts hands the same probe to startDaemon, which awaits it before any service exists.
import { probeSandbox, type ToolSandbox } from '@restflow/core/sandbox';

let probe: Promise<ToolSandbox> | undefined;

export function processSandboxProbe(): Promise<ToolSandbox> {
  probe ??= probeSandbox(process.env);
  return probe;
}
