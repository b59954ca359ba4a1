import type { EventBus } from './event-bus.ts';

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
  constructor(private readonly bus: EventBus) {}

  publish(change: Change): void {
    // A copy, so no listener can alter what the next one sees.
    this.bus.publish(CHANGES_CHANNEL, { entity: change.entity, id: change.id, action: change.action });
  }

  /** Buffered async iteration until `signal` aborts. */
  listen(signal?: AbortSignal): AsyncGenerator<Change> {
    return this.bus.listen<Change>(CHANGES_CHANNEL, signal);
  }
}
