// yargs internals this CLI reaches into, pinned with yargs' exact version (test/skip-help-cache.test.ts checks them).
import type { Argv } from 'yargs';

interface YargsUsage {
  cacheHelpMessage?: () => void;
  hasCachedHelpMessage?: () => boolean;
}

interface YargsInternals {
  getInternalMethods?: () => { getUsageInstance?: () => YargsUsage };
}

export const usageOf = (cli: Argv): YargsUsage | undefined =>
  (cli as YargsInternals).getInternalMethods?.().getUsageInstance?.();

/**
 * Once a command's handler has started, yargs renders that command's whole help text and keeps it for a failure
 * it would print with help. This CLI's .fail() prints a hint instead and never reads it, and rendering costs every
 * command a few ms at start (cliui measures each line), so the cache is left empty.
 */
export function skipHelpCache(cli: Argv): void {
  const usage = usageOf(cli);
  if (usage?.cacheHelpMessage) usage.cacheHelpMessage = () => {};
}
