// `restflow-daemon`'s entry: starts what can run beside the loading of the daemon's code (the sandbox probe's
// child process), then loads and runs main.ts. Kept to light imports: everything it imports loads first.
// The daemon's search thread runs this entry too (search-thread/search-thread.ts): there it runs the thread's code.
import { isMainThread, workerData } from 'node:worker_threads';
import { processSandboxProbe } from './lifecycle/sandbox-probe.ts';
import { SEARCH_THREAD_ROLE, type SearchThreadData } from './search-thread/search-thread.ts';

if (!isMainThread && (workerData as SearchThreadData | null)?.role === SEARCH_THREAD_ROLE) {
  void import('./search-thread/search-thread-main.ts');
} else {
  void processSandboxProbe();
  void import('./main.ts');
}
