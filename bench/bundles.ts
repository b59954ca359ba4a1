// Benchmarks time the bundles people run. A bin whose bundle is missing or older than one of its sources runs the
// TypeScript sources instead (scripts/pick-entry.cjs): without the bundle's tRPC patches and code cache, so another
// program, a slower one. A bench that starts the daemon, the CLI or a worker through their bins refuses to run then.
import { isBundleCurrent } from '@restflow/testkit';

export {
  cliBundle as CLI_BUNDLE,
  daemonBundle as DAEMON_BUNDLE,
  workerBundle as WORKER_BUNDLE,
} from '@restflow/testkit';

/** What builds the bundles the benchmarks run. */
export const BUILD_BUNDLES = ['npm', 'run', 'build', '-w', '@restflow/cli', '-w', '@restflow/daemon'];

/** The bundles (repo-relative) that are missing or older than one of their sources. */
export function staleBundles(bundles: readonly string[]): string[] {
  return bundles.filter((bundle) => !isBundleCurrent(bundle));
}

/** Exits with a message naming what to build unless every bundle given is current. */
export function exitUnlessBundled(...bundles: string[]): void {
  const stale = staleBundles(bundles);
  if (stale.length === 0) return;
  console.error(
    `${stale.join(', ')}: missing or older than its sources, so the bins would run the TypeScript sources; ` +
      BUILD_BUNDLES.join(' '),
  );
  process.exit(1);
}
