import type { CoreContext } from '../core-context.ts';

// Placeholder: filled in by the shared work.
export class SharedSpaceService {
  constructor(protected readonly core: CoreContext) {}
}
