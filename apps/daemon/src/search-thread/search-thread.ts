// The daemon's search thread: memory.search runs there, through a read-only connection of its own, so a search
// (~0.5 ms at 300 chunks, ~20 ms at 1M) no longer holds the event loop that answers every other call
// (docs/lifecycle.md#the-search-thread). The thread runs the daemon's own entry (boot.ts starts
// search-thread-main.ts when it finds itself in a thread with SEARCH_THREAD_ROLE): the same code, bundled or not.
import { Worker } from 'node:worker_threads';
import type { MemorySearchResult, MemorySearchThread, ResolvedSearchQuery } from '@restflow/core';

export const SEARCH_THREAD_ROLE = 'restflow-search-thread';

export interface SearchThreadData {
  role: typeof SEARCH_THREAD_ROLE;
  database: string;
}

/** To the thread: a search. From it: its answer, or that it failed (the daemon runs it then, for its error). */
export type SearchRequest = { id: number; query: ResolvedSearchQuery };
export type SearchReply = { type: 'ready' } | { id: number; result?: MemorySearchResult };

export interface SearchThread extends MemorySearchThread {
  /** Ends the thread; searches still waiting resolve undefined (the daemon answers them). */
  stop(): Promise<void>;
}

export interface SearchThreadOptions {
  /** The daemon's entry file (the process's `argv[1]`), which the thread runs too. */
  entry: string;
  database: string;
  /** The thread failed after it was ready: the daemon searches on its own thread again. */
  onError?: (error: Error) => void;
}

/** Resolves once the thread has opened the database and takes searches; rejects if it fails before that. */
export function startSearchThread(options: SearchThreadOptions): Promise<SearchThread> {
  const workerData: SearchThreadData = { role: SEARCH_THREAD_ROLE, database: options.database };
  const worker = new Worker(options.entry, { workerData });
  // The daemon's exit does not wait for the thread.
  worker.unref();
  const waiting = new Map<number, (result: MemorySearchResult | undefined) => void>();
  let nextId = 0;
  let running = true;
  const end = () => {
    running = false;
    for (const answer of waiting.values()) answer(undefined);
    waiting.clear();
  };
  const thread: SearchThread = {
    search: (query) => {
      if (!running) return Promise.resolve(undefined);
      const id = nextId++;
      const request: SearchRequest = { id, query };
      worker.postMessage(request);
      return new Promise((resolve) => waiting.set(id, resolve));
    },
    stop: async () => {
      end();
      await worker.terminate();
    },
  };
  return new Promise((resolve, reject) => {
    let ready = false;
    const fail = (error: Error) => {
      const wasRunning = running;
      end();
      if (!ready) reject(error);
      else if (wasRunning) options.onError?.(error);
    };
    worker.on('message', (reply: SearchReply) => {
      if ('type' in reply) {
        ready = true;
        resolve(thread);
        return;
      }
      const answer = waiting.get(reply.id);
      waiting.delete(reply.id);
      answer?.(reply.result);
    });
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the search thread exited (code ${code})`)));
  });
}
