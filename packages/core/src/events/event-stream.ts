import type { EventBus } from './event-bus.ts';
import { replayThenTail } from './replay-then-tail.ts';
import type { RunEventLog, StoredEvent } from './run-event-log.ts';

type Types<M> = keyof M & string;

/** A stored event whose payload is the one its type names, in a stream whose vocabulary is `M`. */
export type TypedEvent<M> = {
  [K in Types<M>]: Omit<StoredEvent, 'type' | 'payload'> & { type: K; payload: M[K] };
}[Types<M>];

/** The flat `{type, ...payload}` form clients receive. */
export type EventKind<M> = { [K in Types<M>]: { type: K } & M[K] }[Types<M>];

/** `{type, ...payload}` of a typed event (TypeScript cannot follow the type/payload pairing through a spread). */
export const kindOf = <M>(event: TypedEvent<M>): EventKind<M> =>
  ({ type: event.type, ...event.payload }) as EventKind<M>;

export interface SubscribeOptions<M> {
  /** Last seq the subscriber has seen (0 or undefined = from the start). */
  afterSeq?: number;
  signal?: AbortSignal;
  /** Ends the stream after yielding an event for which this returns true. */
  isTerminal?: (event: TypedEvent<M>) => boolean;
}

/**
 * The run event log seen through one stream vocabulary: appends take the payload of their type, reads return
 * events typed by payload. Every writer of these streams goes through `append`, so a stored row's payload is the
 * one its type names — this is the one place that trusts it.
 */
export class EventStream<M extends { [K in keyof M]: object }> {
  constructor(
    private readonly log: RunEventLog,
    private readonly bus: EventBus,
  ) {}

  append<K extends Types<M>>(streamId: string, type: K, payload: M[K]): TypedEvent<M> {
    return this.log.append(streamId, type, payload as Record<string, unknown>) as unknown as TypedEvent<M>;
  }

  listAfter(streamId: string, afterSeq = 0, limit?: number): TypedEvent<M>[] {
    return this.log.listAfter(streamId, afterSeq, limit) as unknown as TypedEvent<M>[];
  }

  /** Events of every stream whose id starts with `streamIdPrefix`, after a global event id, oldest first. */
  listAfterId(streamIdPrefix: string, afterId = 0, limit?: number): TypedEvent<M>[] {
    return this.log.listAfterId(streamIdPrefix, afterId, limit) as unknown as TypedEvent<M>[];
  }

  last(streamId: string): TypedEvent<M> | undefined {
    return this.log.last(streamId) as unknown as TypedEvent<M> | undefined;
  }

  /** A live event of this vocabulary's streams, seen on a shared bus channel (the caller checks its stream id). */
  typed(event: StoredEvent): TypedEvent<M> {
    return event as unknown as TypedEvent<M>;
  }

  /** Replay-then-tail (see replayThenTail): listen, replay after the cursor, tail live, de-duplicated by seq. */
  subscribe(streamId: string, options: SubscribeOptions<M> = {}): AsyncGenerator<TypedEvent<M>> {
    const { isTerminal } = options;
    return replayThenTail(this.log, this.bus, {
      runId: streamId,
      afterSeq: options.afterSeq,
      signal: options.signal,
      isTerminal: isTerminal && ((event) => isTerminal(event as unknown as TypedEvent<M>)),
    }) as AsyncGenerator<unknown> as AsyncGenerator<TypedEvent<M>>;
  }
}
