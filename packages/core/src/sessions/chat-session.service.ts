import type { CoreContext } from '../core-context.ts';

// Placeholder: filled in by the sessions work.
export class ChatSessionService {
  constructor(protected readonly core: CoreContext) {}
}
