// Reads a command line the way bash will: the line is parsed by mvdan/sh's bash parser (the `mvdan-sh` build, the
// parser behind shfmt), then every simple command is listed with its words unquoted and unescaped, so quoting
// (`-e'x'ec`, `--o\utput=`) cannot hide an option or a redirection from the policy. Nothing is expanded or run:
// parts whose value is only known at run time (parameters, substitutions, brace expansion, ANSI-C quotes) are
// flagged so the policy can refuse to vouch for them. A line the parser rejects is reported, never guessed at.
import { createRequire } from 'node:module';
import type sh from 'mvdan-sh';

type Node = sh.Node;
type Syntax = typeof sh.syntax;

// Loaded on the first scan, not at import: the GopherJS build takes ~0.2–0.8 s to load, which every daemon start
// and every process importing core would otherwise pay.
let loaded: { syntax: Syntax; parser: sh.Parser } | undefined;
function shellSyntax(): { syntax: Syntax; parser: sh.Parser } {
  if (!loaded) {
    const { syntax } = createRequire(import.meta.url)('mvdan-sh') as typeof sh;
    loaded = { syntax, parser: syntax.NewParser() };
  }
  return loaded;
}

export interface ScannedWord {
  /** The word as bash passes it to the program, when it is static; otherwise the source text of the dynamic part. */
  text: string;
  /** Contains `$VAR`/`${…}` (other than $HOME/$PWD), `$((…))`, `$'…'` escapes or brace expansion. */
  dynamic: boolean;
  /** Contains an unquoted `*`, `?`, `[` or extended glob: bash may replace it with file names. */
  glob: boolean;
  /** Contains `$(…)`, backticks or `<(…)`/`>(…)`. */
  substitutes: boolean;
  /** Starts with a `~`/`$HOME`/`$PWD` that was expanded (text holds the result). */
  expanded?: boolean;
}

export interface ScannedSegment {
  /** The simple command with unquoted words, single-spaced (assignments first), without redirections. */
  text: string;
  /** Assignment prefixes and arguments (program first); empty for a bare assignment. */
  words: ScannedWord[];
  /** Output redirection targets that are real files (`> out.txt`, `>> log`, `&> f`); `/dev/null` etc. excluded. */
  writes: string[];
  /** Input redirection sources (`< file`, `<> file`). */
  reads: string[];
  /** Any word or redirection target of the segment runs a substitution. */
  substitutes: boolean;
  /** Why some word's value is only known at run time, if so. */
  dynamic?: string;
}

export interface ScannedCommand {
  segments: ScannedSegment[];
  /** The inner text of every `$(…)`, backtick and `<(…)`/`>(…)` (their commands are segments too). */
  substitutions: string[];
  /** Set when the line is not valid bash; the caller must not allow it. */
  parseError?: string;
}

export interface ScanOptions {
  /** Value of `~` and `$HOME` in words; without it they stay dynamic. */
  home?: string;
  /** Value of `$PWD`. */
  workdir?: string;
}

const HARMLESS_TARGETS = new Set(['/dev/null', '/dev/stdout', '/dev/stderr', '/dev/tty']);

// mvdan/sh's redirection operators (token values of the JS build; pinned by the scanner tests).
const RDR = {
  out: 54,
  append: 55,
  in: 56,
  inOut: 57,
  dupIn: 58,
  dupOut: 59,
  clobber: 60,
  all: 64,
  appendAll: 65,
} as const;
const WRITING = new Set<number>([RDR.out, RDR.append, RDR.inOut, RDR.clobber, RDR.all, RDR.appendAll]);
const READING = new Set<number>([RDR.in, RDR.inOut]);

/** `\x` → `x` and `\<newline>` → nothing, outside quotes. */
const unescapeBare = (raw: string) => raw.replace(/\\(\n|.)/gs, (_, c: string) => (c === '\n' ? '' : c));
/** Inside double quotes only `\$ \` \" \\` and `\<newline>` are escapes. */
const unescapeDouble = (raw: string) => raw.replace(/\\([$`"\\\n])/g, (_, c: string) => (c === '\n' ? '' : c));

/** Unquoted glob characters or a brace expansion (`{a,b}`, `{1..3}`) not escaped by a backslash. */
function bareSpecials(raw: string): { glob: boolean; brace: boolean } {
  let glob = false;
  let braceOpen = -1;
  let brace = false;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (ch === '*' || ch === '?' || ch === '[') glob = true;
    else if (ch === '{') braceOpen = i;
    else if (ch === '}' && braceOpen >= 0) {
      const inner = raw.slice(braceOpen + 1, i);
      if (inner.includes(',') || inner.includes('..')) brace = true;
    }
  }
  return { glob, brace };
}

interface WordScan {
  word: ScannedWord;
  dynamicReason?: string;
}

const PLAIN_PARAM = (node: sh.ParamExp) =>
  !node.Exp && !node.Index && !node.Slice && !node.Repl && !node.Length && !node.Excl && !node.Width && !node.Names;

function scanWord(line: string, word: sh.Word, options: ScanOptions): WordScan {
  const { syntax } = shellSyntax();
  const source = (n: Node) => line.slice(n.Pos().Offset(), n.End().Offset());
  let text = '';
  let dynamic: string | undefined;
  let glob = false;
  let substitutes = false;
  let expanded = false;
  const param = (node: sh.ParamExp, first: boolean) => {
    const name = node.Param?.Value;
    const known = name === 'HOME' ? options.home : name === 'PWD' ? options.workdir : undefined;
    if (PLAIN_PARAM(node) && known !== undefined) {
      text += known;
      if (first) expanded = true;
    } else {
      text += source(node);
      dynamic ??= `parameter expansion ${source(node)}`;
    }
  };
  const parts = word.Parts as Node[];
  parts.forEach((part, index) => {
    const kind = syntax.NodeType(part);
    switch (kind) {
      case 'Lit': {
        const raw = (part as sh.Lit).Value;
        const specials = bareSpecials(raw);
        if (specials.glob) glob = true;
        if (specials.brace) dynamic ??= `brace expansion in ${raw}`;
        let value = unescapeBare(raw);
        if (index === 0 && raw.startsWith('~')) {
          const slash = value.indexOf('/');
          const user = slash === -1 ? value.slice(1) : value.slice(1, slash);
          if (user === '' && options.home !== undefined) {
            value = options.home + (slash === -1 ? '' : value.slice(slash));
            expanded = true;
          } else dynamic ??= `tilde expansion ${raw}`;
        }
        text += value;
        break;
      }
      case 'SglQuoted': {
        const node = part as sh.SglQuoted;
        // `$'…'` decodes escapes (`$'\x2d'` is `-`); rather than decode every form, do not vouch for it.
        if (node.Dollar && node.Value.includes('\\')) dynamic ??= `ANSI-C quoting ${source(part)}`;
        text += node.Value;
        break;
      }
      case 'DblQuoted':
        for (const inner of (part as sh.DblQuoted).Parts as Node[]) {
          const innerKind = syntax.NodeType(inner);
          if (innerKind === 'Lit') text += unescapeDouble((inner as sh.Lit).Value);
          else if (innerKind === 'ParamExp') param(inner as sh.ParamExp, index === 0 && text === '');
          else if (innerKind === 'CmdSubst') {
            substitutes = true;
            text += source(inner);
          } else {
            text += source(inner);
            dynamic ??= `expansion ${source(inner)}`;
          }
        }
        break;
      case 'ParamExp':
        param(part as sh.ParamExp, index === 0);
        break;
      case 'CmdSubst':
      case 'ProcSubst':
        substitutes = true;
        text += source(part);
        break;
      case 'ExtGlob':
        glob = true;
        text += source(part);
        break;
      default:
        text += source(part);
        dynamic ??= `expansion ${source(part)}`;
    }
  });
  const result: ScannedWord = { text, dynamic: dynamic !== undefined, glob, substitutes };
  if (expanded) result.expanded = true;
  return dynamic ? { word: result, dynamicReason: dynamic } : { word: result };
}

const parseErrorText = (error: unknown): string => {
  const e = error as { Error?: () => string; message?: string };
  const text = typeof e?.Error === 'function' ? e.Error() : (e?.message ?? String(error));
  // "x:1:6: reached EOF…" → "1:6: reached EOF…"
  return text.replace(/^x:/, '');
};

export function scanCommand(line: string, options: ScanOptions = {}): ScannedCommand {
  const { syntax, parser } = shellSyntax();
  let file: sh.File;
  try {
    file = parser.Parse(line, 'x');
  } catch (error) {
    return { segments: [], substitutions: [], parseError: parseErrorText(error) };
  }
  const segments: ScannedSegment[] = [];
  const substitutions: string[] = [];
  syntax.Walk(file, (node) => {
    if (!node) return true;
    const kind = syntax.NodeType(node);
    if (kind === 'CmdSubst' || kind === 'ProcSubst') {
      const stmts = (node as sh.CmdSubst).Stmts.filter(Boolean) as sh.Stmt[];
      const first = stmts[0];
      const last = stmts[stmts.length - 1];
      substitutions.push(first && last ? line.slice(first.Pos().Offset(), last.End().Offset()) : '');
      return true;
    }
    if (kind !== 'Stmt') return true;
    const stmt = node as sh.Stmt;
    const cmd = stmt.Cmd as Node | null;
    const cmdKind = cmd ? syntax.NodeType(cmd) : 'none';
    const words: ScannedWord[] = [];
    let dynamic: string | undefined;
    let substitutes = false;
    const add = (scan: WordScan) => {
      words.push(scan.word);
      if (scan.word.substitutes) substitutes = true;
      dynamic ??= scan.dynamicReason;
    };
    if (cmdKind === 'CallExpr') {
      const call = cmd as sh.CallExpr;
      for (const assign of call.Assigns) {
        if (!assign) continue;
        const value = assign.Value ? scanWord(line, assign.Value, options) : undefined;
        const name = assign.Name?.Value ?? '';
        const text = `${name}${assign.Append ? '+=' : '='}${value?.word.text ?? ''}`;
        add({
          word: { ...(value?.word ?? { dynamic: false, glob: false, substitutes: false }), text },
          ...(value?.dynamicReason ? { dynamicReason: value.dynamicReason } : {}),
        });
        if (assign.Array || assign.Index) dynamic ??= `array assignment to ${name}`;
      }
      for (const arg of call.Args) if (arg) add(scanWord(line, arg, options));
    } else if (cmdKind === 'DeclClause') {
      // `export X=…`, `declare -x …`: judged as text by the lists (never allow-listed by default).
      const decl = cmd as sh.DeclClause;
      add({ word: { text: decl.Variant?.Value ?? 'declare', dynamic: false, glob: false, substitutes: false } });
      for (const assign of decl.Args) {
        if (!assign) continue;
        const value = assign.Value ? scanWord(line, assign.Value, options) : undefined;
        const name = assign.Name?.Value;
        const text = name ? `${name}=${value?.word.text ?? ''}` : (value?.word.text ?? '');
        add({
          word: { ...(value?.word ?? { dynamic: false, glob: false, substitutes: false }), text },
          ...(value?.dynamicReason ? { dynamicReason: value.dynamicReason } : {}),
        });
      }
    } else if (cmdKind !== 'none' && stmt.Redirs.length === 0) {
      // Compound commands (`if`, loops, blocks, subshells, functions, `[[ ]]`, `(( ))`, `let`, `time`): their
      // inner statements are segments of their own; tests and arithmetic are judged as written.
      if (cmdKind === 'TestClause' || cmdKind === 'ArithmCmd' || cmdKind === 'LetClause') {
        add({
          word: {
            text: line.slice(cmd!.Pos().Offset(), cmd!.End().Offset()),
            dynamic: false,
            glob: false,
            substitutes: false,
          },
        });
      } else return true;
    }
    const writes: string[] = [];
    const reads: string[] = [];
    for (const redirect of stmt.Redirs) {
      if (!redirect?.Word) continue;
      const target = scanWord(line, redirect.Word, options);
      if (target.word.substitutes) substitutes = true;
      dynamic ??= target.dynamicReason;
      const op = redirect.Op as number;
      if (op === RDR.dupOut || op === RDR.dupIn) {
        // `>&2`, `2>&1`, `<&3` duplicate a descriptor; `>&file` writes a file.
        if (!/^\d+-?$|^-$/.test(target.word.text)) (op === RDR.dupOut ? writes : reads).push(target.word.text);
        continue;
      }
      if (WRITING.has(op) && !HARMLESS_TARGETS.has(target.word.text)) writes.push(target.word.text || '(empty)');
      if (READING.has(op)) reads.push(target.word.text);
    }
    if (words.length === 0 && writes.length === 0 && reads.length === 0 && !substitutes) {
      return true;
    }
    const text =
      words.length > 0 ? words.map((w) => w.text).join(' ') : line.slice(stmt.Pos().Offset(), stmt.End().Offset());
    segments.push({
      text: text.trim().replace(/\s+/g, ' '),
      words,
      writes,
      reads,
      substitutes,
      ...(dynamic ? { dynamic } : {}),
    });
    return true;
  });
  return { segments, substitutions };
}

/**
 * The command a segment really runs, for deny-side matching only: leading `VAR=value` assignments, `env`,
 * `command`, `builtin`, `exec`, `nohup`, `time` wrappers and a directory prefix on the program are dropped, so
 * `FOO=1 /usr/bin/sudo x` still meets a `sudo *` block. Never used to *allow* a command (`./ls` is not `ls`).
 */
export function effectiveCommand(text: string): string {
  const words = text.split(' ');
  let k = 0;
  while (k < words.length) {
    const w = words[k] as string;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w) || ['env', 'command', 'builtin', 'exec', 'nohup', 'time'].includes(w)) k++;
    else break;
  }
  const rest = words.slice(k);
  if (rest.length === 0) return text;
  const program = rest[0] as string;
  if (program.includes('/') && !program.endsWith('/')) rest[0] = program.slice(program.lastIndexOf('/') + 1);
  return rest.join(' ');
}
