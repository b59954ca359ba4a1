import path from 'node:path';
import { isInside, judgePath, realPathOf } from '../../security/protected-paths.ts';
import { ToolError } from './types.ts';

/**
 * Confines file tools to a set of directories: relative paths start at the first root; `..` and symlinks (dangling
 * ones too: a write would create their target) are resolved before the check, so neither can lead outside. The
 * protected paths (data dir, credential stores) are refused even inside a root, the workspace itself excepted.
 */
export class PathGuard {
  private readonly roots: string[];

  constructor(
    roots: string[],
    private readonly protectedPaths: readonly string[] = [],
  ) {
    this.roots = roots.map((root) => path.resolve(root));
  }

  get workspace(): string {
    return this.roots[0] as string;
  }

  resolve(requested: string): string {
    if (requested.includes('\0')) throw new ToolError('path contains a NUL byte');
    const absolute = path.resolve(this.workspace, requested);
    const real = realPathOf(absolute);
    const root = this.roots.find((r) => isInside(realPathOf(r), real));
    if (!root) {
      throw new ToolError(`path ${requested} is outside the allowed directories (${this.roots.join(', ')})`);
    }
    const verdict = judgePath(real, this.protectedPaths, [this.workspace]);
    if (verdict?.action === 'block') throw new ToolError(`path ${requested} is protected: tools may not use it`);
    return real;
  }
}
