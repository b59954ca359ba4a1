// The searches that may run on another thread (the daemon's search thread, docs/lifecycle.md#the-search-thread):
// each domain's reads that need the database only, with plain data in and out, so that a call crosses a thread
// boundary as it is. A service runs a read through readOffThread: on the thread when it has one, else (or when the
// thread gives no answer) on its own database connection, so that a failing read throws its own error here.
import type { Db } from '@restflow/db';
import { MemoryReads } from './memory/memory-reads.ts';
import { ChatSessionReads } from './sessions/chat-session-reads.ts';

export interface ThreadReads {
  memory: MemoryReads;
  sessions: ChatSessionReads;
}

export function threadReads(db: Db): ThreadReads {
  return { memory: new MemoryReads(db), sessions: new ChatSessionReads(db) };
}

export type ReadDomain = keyof ThreadReads;
/** The reads a thread may be asked for: plain data in and out (others, such as rowsWhere, take SQL). */
export type ReadName<D extends ReadDomain> = D extends 'memory'
  ? 'search' | 'ranked' | 'unifiedWithChat'
  : 'searchHits';
type ReadMethod<D extends ReadDomain, K> = K extends keyof ThreadReads[D] ? ThreadReads[D][K] : never;
type ArgsOf<F> = F extends (...args: infer A) => unknown ? A : never;
type AnswerOf<F> = F extends (...args: never[]) => infer R ? R : never;
export type ReadArgs<D extends ReadDomain, K extends ReadName<D>> = ArgsOf<ReadMethod<D, K>>;
export type ReadAnswer<D extends ReadDomain, K extends ReadName<D>> = AnswerOf<ReadMethod<D, K>>;

/** Runs reads on a thread of its own; resolves undefined for one it did not answer (stopped, or it failed there). */
export interface ReadThread {
  read<D extends ReadDomain, K extends ReadName<D>>(
    domain: D,
    name: K,
    args: ReadArgs<D, K>,
  ): Promise<ReadAnswer<D, K> | undefined>;
}

/** Runs `reads[domain][name](...args)` (the thread's side, and the fallback of readOffThread). */
export function runRead<D extends ReadDomain, K extends ReadName<D>>(
  reads: Pick<ThreadReads, D>,
  domain: D,
  name: K,
  args: ReadArgs<D, K>,
): ReadAnswer<D, K> {
  const target = reads[domain] as unknown as Record<K, (...all: ReadArgs<D, K>) => ReadAnswer<D, K>>;
  return target[name].apply(target, args);
}

/** The read on `thread` when there is one and it answers, else here. */
export async function readOffThread<D extends ReadDomain, K extends ReadName<D>>(
  thread: ReadThread | undefined,
  reads: Pick<ThreadReads, D>,
  domain: D,
  name: K,
  args: ReadArgs<D, K>,
): Promise<ReadAnswer<D, K>> {
  const answer = await thread?.read(domain, name, args);
  return answer ?? runRead(reads, domain, name, args);
}
