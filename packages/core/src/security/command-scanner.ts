// A small, deliberately conservative scanner of POSIX shell command lines: it finds the simple commands a line
// would run, the command substitutions hidden in it and the redirections that write files. It does not expand or
// execute anything. Hand-written rather than `shell-quote`: that library expands `$VAR` to '' by default, ignores
// backticks and loses the original text, all of which a security check needs to see exactly.

export interface ScannedSegment {
  /** The simple command as written (whitespace-normalised), without control operators. */
  text: string;
  /** Output redirection targets that are real files (`> out.txt`, `>> log`, `&> f`); `/dev/null` etc. excluded. */
  writes: string[];
  /** The segment contains `$(…)`, backticks or `<(…)`/`>(…)`: its arguments come from running other commands. */
  substitutes: boolean;
}

export interface ScannedCommand {
  segments: ScannedSegment[];
  /** The inner command lines of every substitution, scanned recursively by the caller. */
  substitutions: string[];
  /** Set when the line is not well-formed (unterminated quote or substitution); the caller must not allow it. */
  parseError?: string;
}

const HARMLESS_TARGETS = new Set(['/dev/null', '/dev/stdout', '/dev/stderr', '/dev/tty']);

// Words that only introduce or close a control structure; the command after them is what runs.
const LEADING_KEYWORDS = new Set(['{', '}', '!', 'if', 'then', 'else', 'elif', 'do', 'while', 'until']);
const CLOSING_WORDS = new Set(['}', 'fi', 'done', 'esac', '']);

/** Index just past the `)` that closes a `(` opened before `start`, honouring quotes; -1 if unterminated. */
function findClosingParen(line: string, start: number): number {
  let depth = 1;
  let quote: '"' | "'" | null = null;
  for (let i = start; i < line.length; i++) {
    const ch = line[i];
    if (quote === "'") {
      if (ch === "'") quote = null;
      continue;
    }
    if (ch === '\\') {
      i++;
      continue;
    }
    if (quote === '"') {
      if (ch === '"') quote = null;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i + 1;
  }
  return -1;
}

function findClosingBacktick(line: string, start: number): number {
  for (let i = start; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === '`') return i + 1;
  }
  return -1;
}

/** Reads the redirection target word starting at `start` (after optional blanks); returns [word, end]. */
function readWord(line: string, start: number): [string, number] {
  let i = start;
  while (line[i] === ' ' || line[i] === '\t') i++;
  let word = '';
  let quote: '"' | "'" | null = null;
  for (; i < line.length; i++) {
    const ch = line[i] as string;
    if (quote) {
      if (ch === quote) quote = null;
      else word += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      continue;
    }
    if (/[\s;&|()<>]/.test(ch)) break;
    word += ch;
  }
  return [word, i];
}

function normalise(text: string): string {
  let words = text.trim().split(/\s+/);
  while (words.length > 0 && LEADING_KEYWORDS.has(words[0] as string)) words = words.slice(1);
  const joined = words.join(' ');
  return CLOSING_WORDS.has(joined) ? '' : joined;
}

export function scanCommand(line: string): ScannedCommand {
  const segments: ScannedSegment[] = [];
  const substitutions: string[] = [];
  let parseError: string | undefined;
  let buffer = '';
  let writes: string[] = [];
  let substitutes = false;
  let quote: '"' | "'" | null = null;

  const endSegment = () => {
    const text = normalise(buffer);
    if (text) segments.push({ text, writes, substitutes });
    else if (writes.length > 0 || substitutes) segments.push({ text: buffer.trim(), writes, substitutes });
    buffer = '';
    writes = [];
    substitutes = false;
  };
  const substitution = (openEnd: number, kind: 'paren' | 'backtick'): number => {
    const end = kind === 'paren' ? findClosingParen(line, openEnd) : findClosingBacktick(line, openEnd);
    if (end === -1) {
      parseError ??= kind === 'paren' ? 'unterminated $( or <( substitution' : 'unterminated backtick substitution';
      substitutes = true;
      buffer += line.slice(openEnd - (kind === 'paren' ? 2 : 1));
      return line.length;
    }
    substitutions.push(line.slice(openEnd, end - 1));
    substitutes = true;
    buffer += line.slice(openEnd - (kind === 'paren' ? 2 : 1), end);
    return end;
  };

  let i = 0;
  while (i < line.length) {
    const ch = line[i] as string;
    const next = line[i + 1];
    if (quote === "'") {
      buffer += ch;
      if (ch === "'") quote = null;
      i++;
      continue;
    }
    if (ch === '\\') {
      buffer += line.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (ch === '`') {
      i = substitution(i + 1, 'backtick');
      continue;
    }
    if (ch === '$' && next === '(') {
      i = substitution(i + 2, 'paren');
      continue;
    }
    if (quote === '"') {
      buffer += ch;
      if (ch === '"') quote = null;
      i++;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      buffer += ch;
      i++;
      continue;
    }
    if ((ch === '<' || ch === '>') && next === '(') {
      i = substitution(i + 2, 'paren');
      continue;
    }
    if (ch === '>' || (ch === '&' && next === '>')) {
      // `>f`, `>>f`, `>|f`, `&>f`, `&>>f`; `>&2` / `2>&1` only duplicate a descriptor.
      let j = ch === '&' ? i + 2 : i + 1;
      if (line[j] === '>' || line[j] === '|') j++;
      if (line[j] === '&') {
        const [fd, end] = readWord(line, j + 1);
        if (!/^\d+$|^-$/.test(fd)) writes.push(fd);
        buffer += line.slice(i, end);
        i = end;
        continue;
      }
      const [target, end] = readWord(line, j);
      if (!HARMLESS_TARGETS.has(target)) writes.push(target || '(missing target)');
      buffer += line.slice(i, end);
      i = end;
      continue;
    }
    if (ch === '<') {
      // Input redirection and here-docs only read; keep them as written.
      buffer += ch;
      i++;
      continue;
    }
    if (ch === ';' || ch === '|' || ch === '&' || ch === '\n' || ch === '(' || ch === ')') {
      endSegment();
      i +=
        (ch === '|' && (next === '|' || next === '&')) || (ch === '&' && next === '&') || (ch === ';' && next === ';')
          ? 2
          : 1;
      continue;
    }
    buffer += ch;
    i++;
  }
  if (quote) parseError ??= `unterminated ${quote === '"' ? 'double' : 'single'} quote`;
  endSegment();
  return parseError ? { segments, substitutions, parseError } : { segments, substitutions };
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
