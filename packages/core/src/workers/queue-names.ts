// How runs are routed to workers with BullMQ, which has no per-job routing of its own: a run that requires tags
// goes to the queue named by its sorted tag set, and a worker listens on the queue of every subset of its tags
// (the empty set being the base queue). A job thus waits until a worker carrying all its tags is there.

/** Tags are short lower-case words; more than this many on one worker would mean too many queues to watch. */
export const MAX_WORKER_TAGS = 6;
const TAG = /^[a-z0-9][a-z0-9_-]{0,31}$/;

export function normalizeTags(tags: readonly string[]): string[] {
  const unique = [...new Set(tags.map((tag) => tag.trim().toLowerCase()).filter(Boolean))].sort();
  for (const tag of unique) {
    if (!TAG.test(tag)) throw new Error(`worker tag "${tag}" must be a lower-case word (a-z, 0-9, _ and -)`);
  }
  return unique;
}

/** The queue a run requiring `tags` is added to. */
export function queueFor(base: string, tags: readonly string[] = []): string {
  const sorted = normalizeTags(tags);
  return sorted.length === 0 ? base : `${base}.${sorted.join('+')}`;
}

/** Every queue a worker with `tags` takes jobs from. */
export function queuesServing(base: string, tags: readonly string[]): string[] {
  const sorted = normalizeTags(tags);
  if (sorted.length > MAX_WORKER_TAGS) throw new Error(`a worker takes at most ${MAX_WORKER_TAGS} tags`);
  const names: string[] = [];
  for (let mask = 0; mask < 1 << sorted.length; mask++) {
    names.push(
      queueFor(
        base,
        sorted.filter((_, i) => mask & (1 << i)),
      ),
    );
  }
  return names;
}

/** BullMQ job ids may not contain `:` (its key separator). */
export function jobIdFor(key: string): string {
  return key.replaceAll(':', '_');
}

/** The Redis pub/sub channel that carries cancels to the workers of a queue prefix. */
export const cancelChannel = (prefix: string) => `${prefix}:restflow-cancel`;

/** What a scheduled task attempt's job key says: its slot, its retry number and the model it was tried with. */
export interface TaskJobKey {
  taskId: string;
  slot: number;
  retry: number;
  /** Undefined: the agent's own model. */
  model?: string;
}

/** The job key of one attempt of a scheduled slot: the same attempt is never started twice. */
export function taskJobKey(key: TaskJobKey): string {
  return `task-${key.taskId}-slot-${key.slot}-try-${key.retry}-${key.model ?? 'agent'}`;
}

export function parseTaskJobKey(key: string): TaskJobKey | undefined {
  const match = /^task-(.+?)-slot-(\d+)-try-(\d+)-(.+)$/.exec(key);
  if (!match) return undefined;
  const [, taskId, slot, retry, model] = match as unknown as [string, string, string, string, string];
  return { taskId, slot: Number(slot), retry: Number(retry), ...(model === 'agent' ? {} : { model }) };
}
