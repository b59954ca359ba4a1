import { EventEmitter, on } from 'node:events';

/**
 * In-process publish/subscribe. Streams are persisted before they are published (see RunEventLog), so a
 * listener that misses something can always replay it from the store.
 */
export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Every open subscription is a listener; hundreds are normal for a busy console.
    this.emitter.setMaxListeners(0);
  }

  publish(channel: string, event: unknown): void {
    this.emitter.emit(channel, event);
  }

  subscribe(channel: string, listener: (event: unknown) => void): () => void {
    this.emitter.on(channel, listener);
    return () => this.emitter.off(channel, listener);
  }

  /** Buffered async iteration over one channel until `signal` aborts. */
  async *listen<T>(channel: string, signal?: AbortSignal): AsyncGenerator<T> {
    try {
      for await (const [event] of on(this.emitter, channel, { signal })) yield event as T;
    } catch (error) {
      if ((error as { name?: string }).name !== 'AbortError') throw error;
    }
  }

  listenerCount(channel: string): number {
    return this.emitter.listenerCount(channel);
  }
}
