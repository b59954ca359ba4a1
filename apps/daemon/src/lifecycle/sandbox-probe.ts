// This process's probe of the tools sandbox (a bubblewrap child that must prove it starts). The entry (boot.ts)
// begins it before the daemon's code loads, so the child runs while the modules are parsed instead of after;
// main.ts hands the same probe to startDaemon, which awaits it before any service exists. A bubblewrap an earlier
// start proved, on this boot and unchanged since, is remembered in the per-user cache and not probed again.
import path from 'node:path';
import { probeSandbox, type ToolSandbox } from '@restflow/core/sandbox';
import { cacheDir } from '@restflow/paths';

let probe: Promise<ToolSandbox> | undefined;

export function processSandboxProbe(): Promise<ToolSandbox> {
  probe ??= probeSandbox(process.env, process.platform, {
    provenFile: path.join(cacheDir(process.env), 'sandbox-proven.json'),
  });
  return probe;
}
