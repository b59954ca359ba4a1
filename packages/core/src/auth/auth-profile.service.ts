import type { CoreContext } from '../core-context.ts';

// Placeholder: filled in by the auth work.
export class AuthProfileService {
  constructor(protected readonly core: CoreContext) {}
}
