// Runs in the search thread (search-thread.ts): memory searches through a read-only connection to the daemon's
// database. A search that throws is answered without a result: the daemon runs it itself, so the caller gets
// the error with its own class and code.
import { parentPort, workerData } from 'node:worker_threads';
// The search's own module, not the whole of core: the thread loads no more than it runs.
import { MemorySearch } from '@restflow/core/memory-search';
import { createDb } from '@restflow/db';
import type { SearchReply, SearchRequest, SearchThreadData } from './search-thread.ts';

const port = parentPort;
if (!port) throw new Error('search-thread-main.ts runs in a worker thread only');
const { database } = workerData as SearchThreadData;
const finder = new MemorySearch(createDb(database, { readonly: true }));
const reply = (message: SearchReply) => port.postMessage(message);
port.on('message', ({ id, query }: SearchRequest) => {
  try {
    reply({ id, result: finder.search(query) });
  } catch {
    reply({ id });
  }
});
reply({ type: 'ready' });
