import os from 'node:os';
import type { CommandPattern, SecurityAction } from '@restflow/db';
import { InvalidInputError } from '../errors.ts';
import { effectiveCommand, type ScannedSegment, scanCommand } from './command-scanner.ts';
import { checkProtectedPaths, globMayYieldOption } from './protected-paths.ts';

export type { CommandPattern, SecurityAction } from '@restflow/db';

export const SECURITY_ACTIONS = ['allow', 'block', 'require_approval'] as const satisfies readonly SecurityAction[];

/** The daemon-wide command policy (docs/entities.md#security-policy-and-approvals). */
export interface SecurityPolicy {
  default_action: SecurityAction;
  allowlist: CommandPattern[];
  blocklist: CommandPattern[];
  approval_required: CommandPattern[];
  approval_timeout_secs: number;
}

const p = (pattern: string, description?: string): CommandPattern =>
  description ? { pattern, description } : { pattern };

/**
 * Commands that only read. Test runners and package scripts (`npm test`, `cargo test`) are left out on purpose:
 * they execute project code, so they are not read-only whatever their name says. `env`/`printenv` are left out
 * because they print secrets from the environment.
 */
export const DEFAULT_ALLOWLIST: readonly CommandPattern[] = Object.freeze([
  p('ls *', 'List directory contents'),
  p('pwd', 'Print working directory'),
  p('echo *', 'Print text'),
  p('cat *', 'Print file contents'),
  p('head *', 'First lines of a file'),
  p('tail *', 'Last lines of a file'),
  p('wc *', 'Count lines, words, bytes'),
  p('grep *', 'Search text'),
  p('find *', 'Find files (-exec, -delete and friends need approval)'),
  p('tree *', 'Directory tree'),
  p('file *', 'Identify file types'),
  p('stat *', 'File metadata'),
  p('du *', 'Disk usage'),
  p('df *', 'Free disk space'),
  p('diff *', 'Compare files'),
  p('sort', 'Sort standard input'),
  p('uniq', 'Drop repeated lines of standard input'),
  p('uniq -c', 'Count repeated lines of standard input'),
  p('basename *', 'Strip directory from a path'),
  p('dirname *', 'Directory part of a path'),
  p('realpath *', 'Resolve a path'),
  p('which *', 'Locate a program'),
  p('whoami', 'Current user'),
  p('date', 'Current date'),
  p('uname *', 'System information'),
  p('hostname', 'Host name'),
  p('git status *', 'Working tree status'),
  p('git log *', 'Commit history'),
  p('git diff *', 'Show changes'),
  p('git show *', 'Show an object'),
  p('git branch', 'List branches'),
  p('git branch --list *', 'List branches'),
  p('git remote -v', 'List remotes'),
  p('git rev-parse *', 'Resolve revisions'),
  p('git ls-files *', 'List tracked files'),
  p('git blame *', 'Line-by-line history'),
]);

/**
 * Never run, even with approval. Deny-side matching also sees through `VAR=x`, `env`, `nohup`… prefixes and a
 * directory on the program (`/usr/bin/sudo`), but it is best effort: keep `default_action` at `require_approval`.
 */
export const DEFAULT_BLOCKLIST: readonly CommandPattern[] = Object.freeze([
  p('sudo *', 'Privilege escalation'),
  p('su', 'Privilege escalation'),
  p('su *', 'Privilege escalation'),
  p('doas *', 'Privilege escalation'),
  p('rm -rf / *', 'Delete the root file system'),
  p('rm -fr / *', 'Delete the root file system'),
  p('rm -rf ~ *', 'Delete the home directory'),
  p('rm -rf ~/', 'Delete the home directory'),
  p('mkfs*', 'Format a file system'),
  p('dd * of=/dev/*', 'Overwrite a device'),
  p('shutdown *', 'Power off the machine'),
  p('reboot *', 'Restart the machine'),
  p('halt *', 'Power off the machine'),
  p('poweroff *', 'Power off the machine'),
  p('chmod -R 777 /', 'Open up the whole file system'),
]);

/**
 * Always asked for, even when `default_action` is `allow` or the allowlist would match: flags that turn
 * read-only commands into writers or runners, and commands with effects outside the machine or the workspace.
 */
export const DEFAULT_APPROVAL_REQUIRED: readonly CommandPattern[] = Object.freeze([
  p('find *-exec*', 'find that runs commands'),
  p('find *-ok*', 'find that runs commands'),
  p('find *-delete*', 'find that deletes files'),
  p('find *-fprint*', 'find that writes files'),
  p('find *-fls*', 'find that writes files'),
  p('git *--output*', 'git writing its output to a file'),
  p('rm *', 'Delete files'),
  p('git push *', 'Publish commits'),
  p('git reset *', 'Move branch heads'),
  p('git clean *', 'Delete untracked files'),
  p('curl *', 'Network access'),
  p('wget *', 'Network access'),
  p('chmod *', 'Change permissions'),
  p('chown *', 'Change ownership'),
  p('kill *', 'Signal processes'),
  p('npm publish *', 'Publish a package'),
]);

export const DEFAULT_APPROVAL_TIMEOUT_SECS = 300;

export function defaultSecurityPolicy(): SecurityPolicy {
  return {
    default_action: 'require_approval',
    allowlist: DEFAULT_ALLOWLIST.map((c) => ({ ...c })),
    blocklist: DEFAULT_BLOCKLIST.map((c) => ({ ...c })),
    approval_required: DEFAULT_APPROVAL_REQUIRED.map((c) => ({ ...c })),
    approval_timeout_secs: DEFAULT_APPROVAL_TIMEOUT_SECS,
  };
}

const regexCache = new Map<string, RegExp>();

/**
 * Glob with `*` as the only wildcard (any text, including none). A ` *` that stands as a whole word also
 * matches nothing at all, so `ls *` matches bare `ls` but not `lsof`. Whitespace runs count as one space.
 */
export function patternToRegExp(pattern: string): RegExp {
  const normalised = pattern.trim().replace(/\s+/g, ' ');
  const cached = regexCache.get(normalised);
  if (cached) return cached;
  let source = '';
  for (let i = 0; i < normalised.length; i++) {
    const ch = normalised[i] as string;
    if (ch === ' ' && normalised[i + 1] === '*' && (i + 2 === normalised.length || normalised[i + 2] === ' ')) {
      source += '(?: .*)?';
      i++;
    } else if (ch === '*') source += '.*';
    else source += ch.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  const regex = new RegExp(`^${source}$`, 's');
  if (regexCache.size > 1000) regexCache.clear();
  regexCache.set(normalised, regex);
  return regex;
}

export function matchesPattern(pattern: string, command: string): boolean {
  return patternToRegExp(pattern).test(command.trim().replace(/\s+/g, ' '));
}

export type SegmentRule =
  | 'blocklist'
  | 'protected_path'
  | 'dynamic'
  | 'glob'
  | 'approval_required'
  | 'substitution'
  | 'redirect'
  | 'parse_error'
  | 'allowlist'
  | 'default';

export interface SegmentEvaluation {
  command: string;
  action: SecurityAction;
  rule: SegmentRule;
  matched?: CommandPattern;
  reason: string;
}

export interface CommandEvaluation {
  action: SecurityAction;
  /** The pattern that decided the outcome, when one pattern did. */
  matched?: CommandPattern;
  reason: string;
  /** One entry per simple command found (including those inside substitutions), in order. */
  segments: SegmentEvaluation[];
}

const find = (list: readonly CommandPattern[], command: string) => list.find((c) => matchesPattern(c.pattern, command));
const describe = (c: CommandPattern) => `"${c.pattern}"${c.description ? ` (${c.description})` : ''}`;

/** Where a command will run, for the checks that depend on it (all optional: without it they are skipped). */
export interface CommandContext {
  /** The directory the command starts in. */
  workdir?: string;
  /** Value of `~` and `$HOME`. */
  home?: string;
  /**
   * Set when tools run unsandboxed: a command naming one of these paths (after expanding `~`, `$HOME`, `..`,
   * symlinks and globs) is blocked, and one naming an ancestor of them, or a path only known at run time, needs
   * approval.
   */
  protectedPaths?: readonly string[];
  /** Paths inside protected ones that stay usable (the agent's own workspace under the data dir). */
  allowedPaths?: readonly string[];
}

function evaluateSegment(policy: SecurityPolicy, segment: ScannedSegment, context: CommandContext): SegmentEvaluation {
  const text = segment.text;
  const effective = effectiveCommand(text);
  const blocked = find(policy.blocklist, text) ?? find(policy.blocklist, effective);
  if (blocked) {
    return {
      command: text,
      action: 'block',
      rule: 'blocklist',
      matched: blocked,
      reason: `blocked by ${describe(blocked)}`,
    };
  }
  if (context.protectedPaths) {
    const hit = checkProtectedPaths(segment, {
      protectedPaths: context.protectedPaths,
      allowedPaths: context.allowedPaths ?? [],
      ...(context.workdir ? { workdir: context.workdir } : {}),
    });
    if (hit) return { command: text, action: hit.action, rule: 'protected_path', reason: hit.reason };
  }
  const asked = find(policy.approval_required, text) ?? find(policy.approval_required, effective);
  if (asked) {
    return {
      command: text,
      action: 'require_approval',
      rule: 'approval_required',
      matched: asked,
      reason: `needs approval: matches ${describe(asked)}`,
    };
  }
  if (segment.substitutes) {
    return {
      command: text,
      action: 'require_approval',
      rule: 'substitution',
      reason: 'needs approval: runs a command substitution ($(…), backticks or <(…))',
    };
  }
  if (segment.dynamic) {
    // Its words are only known when bash runs it, so no list can vouch for it.
    return {
      command: text,
      action: policy.default_action === 'block' ? 'block' : 'require_approval',
      rule: 'dynamic',
      reason: `needs approval: ${segment.dynamic} is only known at run time`,
    };
  }
  const optionGlob = context.workdir ? segment.words.find((w) => globMayYieldOption(w, context.workdir!)) : undefined;
  if (optionGlob) {
    return {
      command: text,
      action: 'require_approval',
      rule: 'glob',
      reason: `needs approval: ${optionGlob.text} matches a file name that starts with "-" (it would be read as an option)`,
    };
  }
  const allowed = segment.writes.length === 0 ? find(policy.allowlist, text) : undefined;
  if (allowed) {
    return {
      command: text,
      action: 'allow',
      rule: 'allowlist',
      matched: allowed,
      reason: `allowed by ${describe(allowed)}`,
    };
  }
  const fallback = policy.default_action;
  const verdict = fallback === 'allow' ? 'allowed' : fallback === 'block' ? 'blocked' : 'needs approval';
  if (segment.writes.length > 0) {
    return {
      command: text,
      action: fallback,
      rule: 'redirect',
      reason: `${verdict}: writes to ${segment.writes.join(', ')} by redirection, so the allowlist does not apply (default action is ${fallback})`,
    };
  }
  return {
    command: text,
    action: fallback,
    rule: 'default',
    reason: `${verdict}: not in the allowlist (default action is ${fallback})`,
  };
}

const SEVERITY: Record<SecurityAction, number> = { allow: 0, require_approval: 1, block: 2 };

/**
 * Decides what to do with a shell command line. The line is parsed as bash (command-scanner.ts) and every simple
 * command is judged, those inside `$(…)`/backticks/`<(…)` included: any block → block; any approval rule,
 * substitution, run-time expansion or default → require_approval; only an all-allowlisted line is allowed. A line
 * that does not parse needs approval.
 */
export function evaluateCommand(
  policy: SecurityPolicy,
  command: string,
  context: CommandContext = {},
): CommandEvaluation {
  if (command.trim() === '') throw InvalidInputError.field('command', 'must not be empty');
  const scanned = scanCommand(command, {
    home: context.home ?? os.homedir(),
    ...(context.workdir ? { workdir: context.workdir } : {}),
  });
  const segments = scanned.segments.map((segment) => evaluateSegment(policy, segment, context));
  if (scanned.parseError) {
    segments.push({
      command: command.trim(),
      action: 'require_approval',
      rule: 'parse_error',
      reason: `needs approval: could not be parsed as bash (${scanned.parseError})`,
    });
  }
  if (segments.length === 0) {
    // Only separators or closing words (`;`, `}`): nothing runs, but nothing vouches for it either.
    segments.push({
      command: command.trim(),
      action: policy.default_action === 'allow' ? 'allow' : 'require_approval',
      rule: 'default',
      reason: 'no command found in the line',
    });
  }

  const action = segments.reduce<SecurityAction>(
    (worst, s) => (SEVERITY[s.action] > SEVERITY[worst] ? s.action : worst),
    'allow',
  );
  const deciding = segments.filter((s) => s.action === action);
  const first = deciding[0] as SegmentEvaluation;
  const matched = deciding.find((s) => s.matched)?.matched;
  let reason: string;
  if (segments.length === 1) reason = first.reason;
  else if (action === 'allow') reason = `all ${segments.length} commands are allowlisted`;
  else {
    const count = deciding.length > 1 ? ` (and ${deciding.length - 1} more)` : '';
    reason = `"${first.command}" ${first.reason}${count}`;
  }
  return matched ? { action, matched, reason, segments } : { action, reason, segments };
}
