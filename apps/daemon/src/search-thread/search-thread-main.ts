// Runs in the search thread (search-thread.ts): memory's and chat sessions' searches through a read-only connection
// to the daemon's database. A search that throws is answered without an answer: the daemon runs it itself, so the
// caller gets the error with its own class and code.
import { parentPort, workerData } from 'node:worker_threads';
// The searches alone, not the whole of core: the thread loads no more than it runs.
import { runRead, threadReads } from '@restflow/core/read-thread';
import { createDb } from '@restflow/db';
import type { SearchReply, SearchRequest, SearchThreadData } from './search-thread.ts';

const port = parentPort;
if (!port) throw new Error('search-thread-main.ts runs in a worker thread only');
const { database } = workerData as SearchThreadData;
const db = createDb(database, { readonly: true });
const reads = threadReads(db);
// One read transaction per search: its statements (the page's ids, their rows, the total) see one snapshot, as on
// the daemon's thread, where no write can come between them. Nothing is left open between searches.
const readWhole = db.$client.transaction(({ domain, name, args }: SearchRequest) =>
  runRead(reads, domain, name as never, args as never),
);
const reply = (message: SearchReply) => port.postMessage(message);
port.on('message', (request: SearchRequest) => {
  const { id } = request;
  try {
    reply({ id, answer: readWhole(request) });
  } catch {
    reply({ id });
  }
});
reply({ type: 'ready' });
