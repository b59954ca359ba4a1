// The SDK's untyped client over the pipe. tRPC's own client runs every query and mutation through its link chain
// as observables and turns the result into a promise with an AbortController that it aborts after every answer
// (and so builds a DOMException with a stack trace per call): about half of a client's CPU per call over the pipe
// (bench/RESULTS.md, "the client's share, and what survives a scavenge"). The pipe is the SDK's one link, so queries
// and mutations go straight to the connection as promises. Subscriptions keep tRPC's path through the link (their
// callbacks, lastEventId, unsubscribe): a direct path for their events made no measurable difference.
import { type OperationContext, type TRPCRequestOptions, TRPCUntypedClient } from '@trpc/client';
import type { AppRouter } from '../root.ts';
import { type PipeConnection, pipeLink } from './pipe-link.ts';

export class PipeClient extends TRPCUntypedClient<AppRouter> {
  /** The operations' ids, as tRPC's client numbers them (the wire's ids are the connection's own). */
  private operations = 0;

  constructor(private readonly connection: PipeConnection) {
    // The link carries the subscriptions (tRPC's own `subscription`).
    super({ links: [pipeLink<AppRouter>(connection)] });
  }

  override query(path: string, input?: unknown, opts?: TRPCRequestOptions): Promise<unknown> {
    return this.request('query', path, input, opts);
  }

  override mutation(path: string, input?: unknown, opts?: TRPCRequestOptions): Promise<unknown> {
    return this.request('mutation', path, input, opts);
  }

  private request(
    type: 'query' | 'mutation',
    path: string,
    input: unknown,
    opts: TRPCRequestOptions | undefined,
  ): Promise<unknown> {
    const context: OperationContext = opts?.context ?? {};
    return this.connection.request({ id: ++this.operations, type, path, input, context, signal: opts?.signal ?? null });
  }
}
