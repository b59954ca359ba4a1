/**
 * Runs queued tasks one per turn of the event loop, in order. A change announced to many subscribers becomes one
 * short task per subscriber (its frame shaped and written) instead of one long task for all of them: between two
 * deliveries the loop reads the sockets again, so a call that arrives meanwhile is answered after one delivery,
 * not after the whole fan-out (docs/streams.md#the-change-feed).
 */
export class OnePerTurn {
  private queue: (() => void)[] = [];
  private head = 0;
  private scheduled = false;

  /** `task` runs on a later turn, after the tasks queued before it. It must not throw. */
  push(task: () => void): void {
    this.queue.push(task);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.runOne);
    }
  }

  get pending(): number {
    return this.queue.length - this.head;
  }

  private readonly runOne = (): void => {
    const task = this.queue[this.head];
    this.queue[this.head] = undefined as never;
    this.head++;
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    // An immediate queued from within an immediate runs on the next turn: the sockets are polled in between.
    if (this.pending > 0) setImmediate(this.runOne);
    else this.scheduled = false;
    task?.();
  };
}
