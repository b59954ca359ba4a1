import type { CoreContext } from '../core-context.ts';

// Placeholder: filled in by the security work.
export class SecurityService {
  constructor(protected readonly core: CoreContext) {}
}
