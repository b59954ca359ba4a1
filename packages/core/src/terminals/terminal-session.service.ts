import type { CoreContext } from '../core-context.ts';

// Placeholder: filled in by the terminals work.
export class TerminalSessionService {
  constructor(protected readonly core: CoreContext) {}
}
