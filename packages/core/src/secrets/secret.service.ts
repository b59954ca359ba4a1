import type { CoreContext } from '../core-context.ts';

// Placeholder: filled in by the secrets work.
export class SecretService {
  constructor(protected readonly core: CoreContext) {}
}
