export interface DeltaBatcherOptions {
  /** A pending batch is written at the latest this long after its first delta. */
  intervalMs: number;
  /** …or as soon as it holds this many characters. */
  maxChars: number;
}

export const DEFAULT_BATCHING: DeltaBatcherOptions = { intervalMs: 30, maxChars: 2000 };

/**
 * Coalesces streamed deltas (one provider chunk is often a single token) so a long answer becomes tens of
 * stored events, not thousands, while a reader still sees text within `intervalMs`. Deltas of different kinds
 * (text, thinking) are never merged: switching kind writes the pending batch first, keeping the order.
 */
export class DeltaBatcher<K extends string> {
  private kind: K | undefined;
  private pending = '';
  private deltas = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly write: (kind: K, text: string, deltas: number) => void,
    private readonly options: DeltaBatcherOptions = DEFAULT_BATCHING,
  ) {}

  push(kind: K, text: string): void {
    if (this.kind !== undefined && this.kind !== kind) this.flush();
    this.kind = kind;
    this.pending += text;
    this.deltas += 1;
    if (this.pending.length >= this.options.maxChars || this.options.intervalMs <= 0) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.options.intervalMs);
  }

  /** Writes whatever is pending now (before any other event, and at the end of a run). */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.kind === undefined || this.pending.length === 0) return;
    const { kind, pending, deltas } = this;
    this.pending = '';
    this.deltas = 0;
    this.kind = undefined;
    this.write(kind, pending, deltas);
  }
}
