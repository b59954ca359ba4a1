import type { CoreContext } from '../core-context.ts';
import { findExecutable } from './find-executable.ts';

/** What the daemon's host offers the agent tools, asked of the daemon's own environment. */
export class HostToolsService {
  constructor(private readonly core: Pick<CoreContext, 'env'>) {}

  /** python3 is on the daemon's PATH (what run_python needs). */
  pythonReady(): boolean {
    return findExecutable('python3', this.core.env) !== undefined;
  }
}
