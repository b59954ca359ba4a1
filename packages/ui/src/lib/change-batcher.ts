/**
 * Collects the entities named by `system.onChanges` and flushes them once per window, so a burst (a task run
 * touching its task and session several times, a skill folder sync) costs one refetch per kind of record.
 * A fixed window from the first change, not a sliding debounce: a steady trickle still flushes every `delayMs`.
 */
export class ChangeBatcher<Entity extends string> {
  private pending = new Set<Entity>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly flush: (entities: ReadonlySet<Entity>) => void,
    private readonly delayMs = 100,
  ) {}

  add(entity: Entity): void {
    this.pending.add(entity);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const batch = this.pending;
      this.pending = new Set();
      this.flush(batch);
    }, this.delayMs);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }
}
