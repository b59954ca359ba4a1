import type { CoreContext } from '../core-context.ts';

// Placeholder: filled in by the tasks work.
export class TaskService {
  constructor(protected readonly core: CoreContext) {}
}
