// The daemon's search thread: memory's and chat sessions' searches (core's read-thread.ts) run there, through a
// read-only connection of its own, so a search (~0.5 ms at 300 chunks, ~20 ms at 1M, seconds for a regex over a
// large memory) no longer holds the event loop that answers every other call (docs/lifecycle.md#the-search-thread).
// The thread runs the daemon's own entry (boot.ts starts search-thread-main.ts when it finds itself in a thread
// with SEARCH_THREAD_ROLE): the same code, bundled or not.
import { Worker } from 'node:worker_threads';
import type { ReadAnswer, ReadArgs, ReadDomain, ReadName, ReadThread } from '@restflow/core';

export const SEARCH_THREAD_ROLE = 'restflow-search-thread';

export interface SearchThreadData {
  role: typeof SEARCH_THREAD_ROLE;
  database: string;
}

/** To the thread: a search. From it: its answer, or that it failed (the daemon runs it then, for its error). */
export type SearchRequest = { id: number; domain: ReadDomain; name: string; args: unknown[] };
/** `answer` is missing for a search that failed on the thread. */
export type SearchReply = { type: 'ready' } | { id: number; answer?: unknown };

export interface SearchThreadOptions {
  /** The daemon's entry file (the process's `argv[1]`), which the thread runs too. */
  entry: string;
  /** Added to the thread's copy of the environment. */
  env?: Record<string, string>;
  database: string;
  /** The thread failed after it was ready: the daemon searches on its own thread again. */
  onError?: (error: Error) => void;
  /** A search failed on the thread (bad input, say): the daemon runs it again, for its error. */
  onUnanswered?: (search: string) => void;
}

/** A thread being started: `ready` once it has opened the database and takes searches. */
export interface StartingSearchThread {
  /** Rejects if the thread fails, or is stopped, before it is ready. */
  ready: Promise<ReadThread>;
  /** Ends the thread, ready or not; searches still waiting resolve undefined (the daemon answers them). */
  stop(): Promise<void>;
}

export function startSearchThread(options: SearchThreadOptions): StartingSearchThread {
  const workerData: SearchThreadData = { role: SEARCH_THREAD_ROLE, database: options.database };
  const worker = new Worker(options.entry, {
    workerData,
    ...(options.env ? { env: { ...process.env, ...options.env } } : {}),
  });
  // The daemon's exit does not wait for the thread.
  worker.unref();
  /** Each waiting search: who takes its answer, and its kind (`memory.search`) for onUnanswered. */
  const waiting = new Map<number, { answer: (answer: unknown) => void; kind: string }>();
  let nextId = 0;
  let running = true;
  let isReady = false;
  let notReady: (error: Error) => void = () => {};
  const end = () => {
    running = false;
    for (const search of waiting.values()) search.answer(undefined);
    waiting.clear();
  };
  const stop = async () => {
    if (!isReady) notReady(new Error('the search thread was stopped before it was ready'));
    end();
    await worker.terminate();
  };
  const thread: ReadThread = {
    read: <D extends ReadDomain, K extends ReadName<D>>(domain: D, name: K, args: ReadArgs<D, K>) => {
      if (!running) return Promise.resolve(undefined);
      const id = nextId++;
      const request: SearchRequest = { id, domain, name, args };
      try {
        worker.postMessage(request);
      } catch {
        // Arguments that cannot be cloned (never from a validated call): the daemon runs the search.
        return Promise.resolve(undefined);
      }
      return new Promise<ReadAnswer<D, K> | undefined>((resolve) =>
        waiting.set(id, { answer: resolve as (answer: unknown) => void, kind: `${domain}.${name}` }),
      );
    },
  };
  const ready = new Promise<ReadThread>((resolve, reject) => {
    notReady = reject;
    const fail = (error: Error) => {
      const wasRunning = running;
      end();
      if (!isReady) reject(error);
      else if (wasRunning) options.onError?.(error);
    };
    worker.on('message', (reply: SearchReply) => {
      if ('type' in reply) {
        isReady = true;
        resolve(thread);
        return;
      }
      const search = waiting.get(reply.id);
      if (!search) return;
      waiting.delete(reply.id);
      if (!('answer' in reply)) options.onUnanswered?.(search.kind);
      search.answer(reply.answer);
    });
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the search thread exited (code ${code})`)));
  });
  return { ready, stop };
}
