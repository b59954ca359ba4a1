// The places an agent's tools must never touch: RestFlow's own data dir (keys, token, database; the agent's
// workspace under it excepted) and the user's credential stores. The sandbox masks them; without a sandbox the
// command policy and the path-taking tools refuse them (docs/security.md).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ScannedSegment, ScannedWord } from './command-scanner.ts';

/** Credential locations under the home directory, masked or refused by default. */
export const DEFAULT_CREDENTIAL_PATHS: readonly string[] = Object.freeze([
  '~/.ssh',
  '~/.aws',
  '~/.azure',
  '~/.config/gcloud',
  '~/.gnupg',
  '~/.netrc',
  '~/.git-credentials',
  '~/.config/gh',
  '~/.docker/config.json',
  '~/.kube',
  '~/.npmrc',
  '~/.pypirc',
  '~/.cargo/credentials.toml',
  '~/.claude',
  '~/.claude.json',
  '~/.codex',
  '~/.config/google-chrome',
  '~/.config/chromium',
  '~/.mozilla',
  '~/.password-store',
  '~/Library/Keychains',
  '~/Library/Application Support/Google/Chrome',
  '~/Library/Application Support/Firefox',
  '~/Library/Cookies',
]);

/** Env var with more paths to protect (path-delimited, `~` allowed), added to the defaults. */
export const PROTECTED_PATHS_ENV = 'RESTFLOW_PROTECTED_PATHS';

export const expandHome = (entry: string, home: string): string =>
  entry === '~' ? home : entry.startsWith('~/') ? path.join(home, entry.slice(2)) : entry;

export interface ProtectedPathOptions {
  dataDir?: string;
  env: NodeJS.ProcessEnv;
  home?: string;
}

/** Absolute protected paths: the data dir, the credential list and `RESTFLOW_PROTECTED_PATHS`. */
export function protectedPaths(options: ProtectedPathOptions): string[] {
  const home = options.home ?? os.homedir();
  const extra = (options.env[PROTECTED_PATHS_ENV] ?? '').split(path.delimiter).filter(Boolean);
  const list = [...(options.dataDir ? [options.dataDir] : []), ...DEFAULT_CREDENTIAL_PATHS, ...extra];
  return [...new Set(list.map((entry) => path.resolve(expandHome(entry, home))))];
}

/**
 * Where `target` really leads: every symlink on the way is followed, a dangling one too (a write through it would
 * create its target), and the part that does not exist yet is kept as written.
 */
export function realPathOf(target: string): string {
  let resolved = path.parse(path.resolve(target)).root;
  const pending = path.resolve(target).split(path.sep).filter(Boolean);
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    const next = path.join(resolved, part);
    let link: string | undefined;
    try {
      if (fs.lstatSync(next).isSymbolicLink()) link = fs.readlinkSync(next);
    } catch {
      // Missing (or unreadable): nothing to follow from here on.
      return path.join(next, ...pending);
    }
    if (link === undefined) {
      resolved = next;
      continue;
    }
    if (++hops > 40) throw Object.assign(new Error(`too many symlinks in ${target}`), { code: 'ELOOP' });
    const linked = path.resolve(resolved, link);
    pending.unshift(...linked.split(path.sep).filter(Boolean));
    resolved = path.parse(linked).root;
  }
  return resolved;
}

export const isInside = (root: string, candidate: string): boolean => {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
};

/** Both the path as written and as resolved (a protected dir may itself be a symlink, e.g. /tmp on macOS). */
const forms = (p: string): string[] => {
  const real = realPathOf(p);
  return real === p ? [p] : [p, real];
};

export interface PathVerdict {
  action: 'block' | 'require_approval';
  reason: string;
}

/** Whether `target` (absolute) lies in a protected path (block) or contains one (needs approval). */
export function judgePath(
  target: string,
  protectedList: readonly string[],
  allowedList: readonly string[],
): PathVerdict | undefined {
  const candidates = forms(target);
  const allowed = allowedList.flatMap(forms);
  // Allowed by where it really leads: a symlink in the workspace to the data dir is not the workspace.
  const real = candidates[candidates.length - 1] as string;
  if (allowed.some((a) => isInside(a, real))) return undefined;
  for (const guarded of protectedList) {
    for (const g of forms(guarded)) {
      if (candidates.some((c) => isInside(g, c))) {
        return { action: 'block', reason: `blocked: ${target} is a protected path (${guarded})` };
      }
    }
  }
  for (const guarded of protectedList) {
    for (const g of forms(guarded)) {
      if (candidates.some((c) => isInside(c, g) && !allowed.some((a) => isInside(a, g)))) {
        return {
          action: 'require_approval',
          reason: `needs approval: ${target} contains the protected path ${guarded}`,
        };
      }
    }
  }
  return undefined;
}

function globSegmentRegExp(segment: string): RegExp {
  let source = '';
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i] as string;
    if (ch === '\\') {
      source += (segment[i + 1] ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i++;
    } else if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else if (ch === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close === -1) source += '\\[';
      else {
        source += `[${segment
          .slice(i + 1, close)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else source += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

/** Whether an absolute glob could name a protected path (block) or one of its ancestors (needs approval). */
function judgeGlob(
  pattern: string,
  protectedList: readonly string[],
  allowedList: readonly string[],
): PathVerdict | undefined {
  const parts = pattern.split('/').filter(Boolean);
  for (const guarded of protectedList) {
    if (allowedList.some((a) => isInside(a, guarded))) continue;
    for (const g of forms(guarded)) {
      const gParts = g.split('/').filter(Boolean);
      const n = Math.min(parts.length, gParts.length);
      let matches = true;
      for (let i = 0; i < n && matches; i++) matches = globSegmentRegExp(parts[i] as string).test(gParts[i] as string);
      if (!matches) continue;
      if (parts.length >= gParts.length) {
        return { action: 'block', reason: `blocked: ${pattern} may name the protected path ${guarded}` };
      }
      return {
        action: 'require_approval',
        reason: `needs approval: ${pattern} may name a directory holding ${guarded}`,
      };
    }
  }
  return undefined;
}

/** The parts of a word that may be a path: the word, what follows `=` and an attached option value (`-o/x`). */
function pathCandidates(text: string): string[] {
  const out = [text];
  const eq = text.indexOf('=');
  if (eq !== -1) out.push(text.slice(eq + 1));
  if (text.startsWith('-')) {
    const slash = text.search(/[/~]/);
    if (slash > 0) out.push(text.slice(slash));
  }
  return out.filter((c) => c !== '');
}

export interface ProtectedPathContext {
  protectedPaths: readonly string[];
  allowedPaths: readonly string[];
  workdir?: string;
}

/**
 * The unsandboxed line of defence: every word and redirection target of a command is resolved as a path (from
 * the workdir, through symlinks) and checked. A word whose value is only known at run time needs approval.
 */
export function checkProtectedPaths(segment: ScannedSegment, context: ProtectedPathContext): PathVerdict | undefined {
  if (segment.dynamic) {
    return {
      action: 'require_approval',
      reason: `needs approval: ${segment.dynamic} may name any path (tools run unsandboxed)`,
    };
  }
  const words = [
    ...segment.words.map((w) => ({ text: w.text, glob: w.glob })),
    ...segment.reads.map((r) => ({ text: r, glob: false })),
    ...segment.writes.map((r) => ({ text: r, glob: false })),
  ];
  let worst: PathVerdict | undefined;
  for (const word of words) {
    for (const candidate of pathCandidates(word.text)) {
      if (!path.isAbsolute(candidate) && !context.workdir) continue;
      const absolute = path.resolve(context.workdir ?? '/', candidate);
      const verdict = word.glob
        ? judgeGlob(absolute, context.protectedPaths, context.allowedPaths)
        : judgePath(absolute, context.protectedPaths, context.allowedPaths);
      if (verdict?.action === 'block') return verdict;
      worst ??= verdict;
    }
  }
  return worst;
}

/**
 * An unquoted glob whose first path segment matches a file in `workdir` named like an option (`-exec`,
 * `--output=x`): bash would pass that name as an option to an allow-listed program.
 */
export function globMayYieldOption(word: ScannedWord, workdir: string): boolean {
  if (!word.glob || word.expanded) return false;
  const first = word.text.split('/')[0] as string;
  if (first === '' || first.startsWith('.') || !/[*?[]/.test(first)) return false;
  let names: string[];
  try {
    names = fs.readdirSync(workdir);
  } catch {
    return false;
  }
  const regex = globSegmentRegExp(first);
  return names.some((name) => name.startsWith('-') && regex.test(name));
}
