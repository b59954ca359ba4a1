import type { CoreContext } from '../core-context.ts';

// Placeholder: filled in by the skills work.
export class SkillService {
  constructor(protected readonly core: CoreContext) {}
}
