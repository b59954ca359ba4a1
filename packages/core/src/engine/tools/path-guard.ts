import fs from 'node:fs';
import path from 'node:path';
import { ToolError } from './types.ts';

/** The real path of `target`, resolving symlinks in the longest part that exists (the rest may be created). */
function realPathOf(target: string): string {
  let existing = target;
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(fs.realpathSync(existing), ...rest.reverse());
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      const parent = path.dirname(existing);
      if (parent === existing) return target;
      rest.push(path.basename(existing));
      existing = parent;
    }
  }
}

const isInside = (root: string, candidate: string) => {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
};

/**
 * Confines file tools to a set of directories: relative paths start at the first root, `..` and symlinks are
 * resolved before the check, so neither can lead outside.
 */
export class PathGuard {
  private readonly roots: string[];

  constructor(roots: string[]) {
    this.roots = roots.map((root) => path.resolve(root));
  }

  get workspace(): string {
    return this.roots[0] as string;
  }

  resolve(requested: string): string {
    if (requested.includes('\0')) throw new ToolError('path contains a NUL byte');
    const absolute = path.resolve(this.workspace, requested);
    const real = realPathOf(absolute);
    for (const root of this.roots) {
      if (isInside(realPathOf(root), real)) return real;
    }
    throw new ToolError(`path ${requested} is outside the allowed directories (${this.roots.join(', ')})`);
  }
}
