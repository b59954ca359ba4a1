import type { EventBus } from './event-bus.ts';
import { OnePerTurn } from './one-per-turn.ts';

export const CHANGES_CHANNEL = 'changes';

export const CHANGE_ENTITIES = [
  'agents',
  'skills',
  'sessions',
  'tasks',
  'memory',
  'secrets',
  'auth',
  'config',
  'security',
  'terminals',
  'shared',
  'mcp',
] as const;
export type ChangeEntity = (typeof CHANGE_ENTITIES)[number];
export type ChangeAction = 'created' | 'updated' | 'deleted';

/**
 * "Something of this kind changed": an invalidation hint for clients (the console refetches the matching
 * queries). It names the record, never its content — a secret change carries only its key.
 */
export interface Change {
  entity: ChangeEntity;
  id: string;
  action: ChangeAction;
}

/**
 * Live change notifications on the bus, published by services after a write succeeded. Deliberately not
 * persisted: a client that was away refetches everything on reconnect, so there is nothing to replay.
 */
export class ChangeFeed {
  /** Each listener is handed a change on its own turn of the event loop (one-per-turn.ts says why). */
  private readonly deliveries = new OnePerTurn();

  constructor(private readonly bus: EventBus) {}

  publish(change: Change): void {
    // A copy, so no listener can alter what the next one sees.
    this.bus.publish(CHANGES_CHANNEL, { entity: change.entity, id: change.id, action: change.action });
  }

  /** Buffered async iteration, in publishing order, until `signal` aborts. */
  async *listen(signal?: AbortSignal): AsyncGenerator<Change> {
    if (signal?.aborted) return;
    const buffered: Change[] = [];
    let wake: (() => void) | undefined;
    const ready = () => {
      wake?.();
      wake = undefined;
    };
    const unsubscribe = this.bus.subscribe(CHANGES_CHANNEL, (event) =>
      this.deliveries.push(() => {
        buffered.push(event as Change);
        ready();
      }),
    );
    signal?.addEventListener('abort', ready, { once: true });
    try {
      while (!signal?.aborted) {
        const next = buffered.shift();
        if (next) yield next;
        else await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      unsubscribe();
      signal?.removeEventListener('abort', ready);
    }
  }
}
