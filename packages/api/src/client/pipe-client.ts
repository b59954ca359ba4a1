// The SDK's untyped client over the pipe. tRPC's own client runs every query and mutation through its link chain
// as observables and turns the result into a promise with an AbortController that it aborts after every answer
// (and so builds a DOMException with a stack trace per call): about half of a client's CPU per call over the pipe
// (bench/RESULTS.md, "the client's share"). The pipe is the SDK's one link, so queries and mutations go straight to
// the connection as promises, and a subscription's events straight to its callbacks, as tRPC's client calls them
// (onStarted, onData, onError, onComplete; after an error or the end, nothing more; unsubscribe stops it).
import { type OperationContext, type TRPCRequestOptions, TRPCUntypedClient } from '@trpc/client';
import type { Unsubscribable } from '@trpc/server/observable';
import type { AppRouter } from '../root.ts';
import { abortedError, type PipeConnection, pipeLink } from './pipe-link.ts';

/** The callbacks and options of tRPC's `subscription` (its observer type is not exported). */
type SubscriptionOptions = Parameters<TRPCUntypedClient<AppRouter>['subscription']>[2];

export class PipeClient extends TRPCUntypedClient<AppRouter> {
  /** The operations' ids, as tRPC's client numbers them (the wire's ids are the connection's own). */
  private operations = 0;

  constructor(private readonly connection: PipeConnection) {
    super({ links: [pipeLink<AppRouter>(connection)] });
  }

  override query(path: string, input?: unknown, opts?: TRPCRequestOptions): Promise<unknown> {
    return this.request('query', path, input, opts);
  }

  override mutation(path: string, input?: unknown, opts?: TRPCRequestOptions): Promise<unknown> {
    return this.request('mutation', path, input, opts);
  }

  override subscription(path: string, input: unknown, opts: SubscriptionOptions): Unsubscribable {
    const signal = opts.signal ?? null;
    let ended = false;
    const end = () => {
      ended = true;
      signal?.removeEventListener('abort', onAbort);
      stop();
    };
    const onAbort = () => {
      if (ended) return;
      end();
      opts.onError?.(abortedError());
    };
    const stop = this.connection.start({
      op: { id: ++this.operations, type: 'subscription', path, input, context: opts.context ?? {}, signal },
      observer: {
        next: (envelope) => {
          if (ended) return;
          if (envelope.result.type === 'started') opts.onStarted?.({ context: undefined });
          else opts.onData?.(envelope.result.data);
        },
        error: (error) => {
          if (ended) return;
          opts.onError?.(error);
          end();
        },
        complete: () => {
          if (ended) return;
          opts.onComplete?.();
          end();
        },
      },
    });
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    return {
      unsubscribe: () => {
        if (!ended) end();
      },
    };
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
