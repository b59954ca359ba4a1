import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type CommandContext, defaultSecurityPolicy, evaluateCommand } from '../src/security/command-policy.ts';
import { scanCommand } from '../src/security/command-scanner.ts';
import { protectedPaths } from '../src/security/protected-paths.ts';

const policy = defaultSecurityPolicy();
const actionOf = (command: string, context: CommandContext = {}) => evaluateCommand(policy, command, context).action;

describe('quoting cannot hide an option from the policy', () => {
  it.each([
    'find . -exe\\c touch X \\;',
    "find . -e'x'ec touch X \\;",
    'find . -e"x"ec touch X \\;',
    'find -fpr\\int FILE',
    'git show --o\\utput=FILE',
    "git show '--output'=FILE HEAD",
  ])('%s needs approval', (command) => {
    expect(actionOf(command)).toBe('require_approval');
  });

  it.each([
    ['brace expansion', 'find . -e{x,}ec touch X \\;'],
    ['ANSI-C quoting', "find . $'-e\\x78ec' touch X \\;"],
    ['a parameter', 'find . $OPT touch X'],
    ['arithmetic', 'echo $((1+2))'],
  ])('a word only known at run time (%s) needs approval', (_, command) => {
    const result = evaluateCommand(policy, command);
    expect(result.action).toBe('require_approval');
    expect(result.segments.some((s) => s.rule === 'dynamic' || s.rule === 'approval_required')).toBe(true);
  });

  it('still allows plainly read-only lines', () => {
    expect(actionOf('git status --short && ls -la | wc -l')).toBe('allow');
    expect(actionOf("grep -rn 'a b' src")).toBe('allow');
    expect(actionOf('find . -name "*.ts"')).toBe('allow');
  });

  it('pins the redirection operators of the parser', () => {
    const writes = (line: string) => scanCommand(line).segments.flatMap((s) => s.writes);
    const reads = (line: string) => scanCommand(line).segments.flatMap((s) => s.reads);
    expect(writes('a > f; b >> g; c >| h; d &> i; e &>> j; k <> l; m >&n')).toEqual([
      'f',
      'g',
      'h',
      'i',
      'j',
      'l',
      'n',
    ]);
    expect(reads('a < f; b <> g; c <&3; d << E\nx\nE')).toEqual(['f', 'g']);
    expect(writes('{ cat a; } > out')).toEqual(['out']);
  });
});

describe('a glob that expands to an option', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-glob-'));
    fs.writeFileSync(path.join(dir, '-exec'), '');
    fs.writeFileSync(path.join(dir, 'notes.md'), '');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('needs approval when a file named like an option matches it', () => {
    const result = evaluateCommand(policy, 'find . -exe? touch X', { workdir: dir });
    expect(result.action).toBe('require_approval');
    expect(result.segments[0]?.rule).toBe('glob');
    expect(actionOf('cat *', { workdir: dir })).toBe('require_approval');
  });

  it('is allowed when nothing of the kind is there', () => {
    expect(actionOf('cat *.md', { workdir: dir })).toBe('allow');
    expect(actionOf('ls ./*', { workdir: dir })).toBe('allow');
  });
});

describe('unsandboxed: protected paths', () => {
  let root: string;
  let home: string;
  let dataDir: string;
  let workspace: string;
  let context: CommandContext;
  beforeAll(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rf-protect-')));
    home = path.join(root, 'home');
    dataDir = path.join(home, '.restflow');
    workspace = path.join(dataDir, 'workspaces', 'agent-1');
    fs.mkdirSync(path.join(home, '.ssh'), { recursive: true });
    fs.writeFileSync(path.join(home, '.ssh', 'id_ed25519'), 'PRIVATE');
    fs.mkdirSync(workspace, { recursive: true });
    fs.mkdirSync(path.join(dataDir, 'workspaces', 'agent-2'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'master.key'), 'KEY');
    fs.symlinkSync(dataDir, path.join(workspace, 'link'));
    fs.writeFileSync(path.join(workspace, 'notes.txt'), 'hi');
    context = {
      workdir: workspace,
      home,
      protectedPaths: [...protectedPaths({ dataDir, env: { RESTFLOW_PROTECTED_PATHS: '/proc' }, home })],
      allowedPaths: [workspace],
    };
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it.each([
    'cat ~/.ssh/id_ed25519',
    'cat $HOME/.ssh/id_ed25519',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion, not a template
    'cat "${HOME}/.ssh/id_ed25519"',
    'cat link/master.key',
    'cat ../../master.key',
    'cat ../agent-2/x',
    'cat < ../../master.key',
    'cat ~/.s*/id_*',
    'cat /proc/1/environ',
    'cat /proc/self/environ',
    'grep --file=../../master.key x',
    'echo K=$OPENAI_API_KEY; cat ~/.ssh/id_ed25519',
  ])('%s is blocked', (command) => {
    const result = evaluateCommand(policy, command, context);
    expect(result.action).toBe('block');
  });

  it.each(['grep -r BEGIN ~', 'ls /', 'cat $D/master.key'])('%s needs approval', (command) => {
    expect(evaluateCommand(policy, command, context).action).toBe('require_approval');
  });

  it('leaves the workspace usable', () => {
    expect(actionOf('cat notes.txt', context)).toBe('allow');
    expect(actionOf(`cat ${workspace}/notes.txt && ls -la`, context)).toBe('allow');
    expect(actionOf('git status', context)).toBe('allow');
  });
});
