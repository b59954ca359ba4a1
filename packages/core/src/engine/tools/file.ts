import fs from 'node:fs/promises';
import path from 'node:path';
import { headOf } from '../../text-cut.ts';
import { PathGuard } from './path-guard.ts';
import { catalogueSpec } from './spec.ts';
import { ok, type ToolDefinition, ToolError } from './types.ts';

export type FileAccess = 'read' | 'write';

const READ_ACTIONS = ['read', 'list', 'exists'];
const MAX_READ_CHARS = 200_000;
const MAX_LIST_ENTRIES = 1000;

/**
 * `access` "read" (allow-list `read`) offers read/list/exists; "write" (`file`, `write`) adds write and delete.
 * Paths are confined to the agent workspace plus `extraRoots`.
 */
/**
 * A repository's .git directory holds config and hooks that git turns into commands (`core.fsmonitor`, hooks,
 * filters): an agent changes a repository through git, never by editing these files.
 */
function assertNotGitInternals(target: string, requested: string): void {
  if (target.split(path.sep).includes('.git')) {
    throw new ToolError(`path ${requested} is inside a .git directory; the file tool does not write there (use git)`);
  }
}

export function fileTool(
  access: FileAccess,
  extraRoots: string[] = [],
  protectedPaths: readonly string[] = [],
): ToolDefinition {
  const spec = catalogueSpec('file');
  const properties = spec.parameters.properties as Record<string, { enum?: string[] }>;
  if (access === 'read') {
    properties.action = { ...properties.action, enum: READ_ACTIONS };
    delete properties.content;
    delete properties.append;
  }
  const where = extraRoots.length > 0 ? ` Allowed: the agent workspace and ${extraRoots.join(', ')}.` : '';
  return {
    ...spec,
    description: `${spec.description} Relative paths start in the agent workspace.${where}`,
    async execute(args, ctx) {
      await fs.mkdir(ctx.workspaceDir, { recursive: true });
      const target = new PathGuard([ctx.workspaceDir, ...extraRoots], protectedPaths).resolve(args.path as string);
      if (args.action === 'write' || args.action === 'delete') assertNotGitInternals(target, args.path as string);
      switch (args.action) {
        case 'read': {
          const text = await fs.readFile(target, 'utf8');
          return ok(headOf(text, MAX_READ_CHARS));
        }
        case 'write': {
          if (typeof args.content !== 'string') throw new ToolError('write needs "content"');
          await fs.mkdir(path.dirname(target), { recursive: true });
          if (args.append === true) await fs.appendFile(target, args.content, 'utf8');
          else await fs.writeFile(target, args.content, 'utf8');
          return ok({ path: target, bytes: Buffer.byteLength(args.content), appended: args.append === true });
        }
        case 'list': {
          const dirents = await fs.readdir(target, { withFileTypes: true });
          const entries = dirents.slice(0, MAX_LIST_ENTRIES).map((d) => ({
            name: d.name,
            type: d.isDirectory() ? 'dir' : d.isSymbolicLink() ? 'symlink' : 'file',
          }));
          return ok({ path: target, entries, ...(dirents.length > MAX_LIST_ENTRIES ? { truncated: true } : {}) });
        }
        case 'exists':
          return ok({
            path: target,
            exists: await fs.stat(target).then(
              () => true,
              () => false,
            ),
          });
        case 'delete':
          await fs.rm(target, { recursive: true });
          return ok({ path: target, deleted: true });
        default:
          throw new ToolError(`unknown action ${String(args.action)}`);
      }
    },
  };
}
