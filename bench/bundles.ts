// Benchmarks time the bundles people run. A bin whose bundle is missing or older than one of its sources runs the
// TypeScript sources instead (scripts/pick-entry.cjs): without the bundle's tRPC patches and code cache, so another
// program, a slower one. A bench that starts the daemon, the CLI or a worker through their bins refuses to run then.
import { createRequire } from 'node:module';
import path from 'node:path';
import { repoRoot } from '@restflow/testkit';

export const DAEMON_BUNDLE = 'apps/daemon/dist/restflow-daemon.cjs';
export const CLI_BUNDLE = 'apps/cli/dist/restflow.cjs';
export const WORKER_BUNDLE = 'apps/daemon/dist/restflow-worker.cjs';

const require = createRequire(import.meta.url);
const { isCurrent } = require(path.join(repoRoot, 'scripts/pick-entry.cjs')) as { isCurrent(p: string): boolean };

/** The bundles (repo-relative) that are missing or older than one of their sources. */
export function staleBundles(bundles: readonly string[]): string[] {
  return bundles.filter((bundle) => !isCurrent(path.join(repoRoot, bundle)));
}

/** Exits with a message naming what to build unless every bundle given is current. */
export function exitUnlessBundled(...bundles: string[]): void {
  const stale = staleBundles(bundles);
  if (stale.length === 0) return;
  console.error(
    `${stale.join(', ')}: missing or older than its sources, so the bins would run the TypeScript sources; ` +
      'npm run build -w @restflow/cli -w @restflow/daemon',
  );
  process.exit(1);
}
