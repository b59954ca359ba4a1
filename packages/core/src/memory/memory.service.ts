import type { CoreContext } from '../core-context.ts';

// Placeholder: filled in by the memory work.
export class MemoryService {
  constructor(protected readonly core: CoreContext) {}
}
