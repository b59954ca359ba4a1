// The daemon's side of its search thread: started a moment after the daemon is ready, it takes memory's and chat
// sessions' searches once it has opened the database; until then, once the daemon stops it, and should it fail,
// the services run their searches on the daemon's thread.
import type { ReadThread, RestflowServices } from '@restflow/core';
import type { Logger } from '../logger.ts';
import { type SearchThreadOptions, startSearchThread } from './search-thread.ts';

/** What the daemon logs once the thread takes searches (tests and benchmarks wait for it). */
export const SEARCH_THREAD_READY = 'searches run on the search thread';

/** Starts the thread for `services`; returns the function that stops it (and gives the searches back). */
export function searchesOnThread(
  services: Pick<RestflowServices, 'memory' | 'sessions'>,
  thread: Pick<SearchThreadOptions, 'entry' | 'env' | 'database'>,
  logger: Logger,
): () => Promise<void> {
  let stopped = false;
  const use = (on: ReadThread | undefined) => {
    services.memory.useReadThread(on);
    services.sessions.useReadThread(on);
  };
  const failed = (err: unknown) => {
    use(undefined);
    logger.warn({ err }, "the search thread failed: searches run on the daemon's thread again");
  };
  const starting = startSearchThread({
    ...thread,
    onError: failed,
    // Only the kind of search: its query is the user's text.
    onUnanswered: (search) => logger.debug({ search }, "a search failed on the search thread: run on the daemon's"),
  });
  starting.ready.then(
    (ready) => {
      if (stopped) return;
      use(ready);
      logger.info(SEARCH_THREAD_READY);
    },
    (err: unknown) => {
      if (!stopped) failed(err);
    },
  );
  return async () => {
    stopped = true;
    use(undefined);
    await starting.stop();
  };
}
