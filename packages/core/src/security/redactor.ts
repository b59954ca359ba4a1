// The last line of defence: every known secret value (stored secrets and auth-profile credentials, provider keys
// from the daemon's environment, the master key, the console token) is replaced before tool output, run events
// or log lines are persisted, streamed or sent to a provider. One combined regular expression, rebuilt only when
// the set of values changes, so a redaction is a single scan of the text.

export const REDACTED = '[redacted]';
/**
 * Values shorter than this are not redacted: a 4-character secret would blank out ordinary words and numbers all
 * over tool output, and short values are not credentials worth the name.
 */
export const MIN_REDACTED_LENGTH = 8;

/** Env var names of the daemon whose values count as secrets. */
const SECRET_ENV_NAME = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH)/i;

/**
 * Above this many characters of alternatives V8 may refuse to compile the combined expression ("regular expression
 * too large", e.g. a few 64 KB secrets times their encoded forms): such sets are scanned form by form instead.
 */
const MAX_PATTERN_CHARS = 100_000;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The forms a value takes in text: itself, JSON-escaped (inside serialized payloads and log lines), and base64 at
 * each of the three byte alignments (so `base64 file` output holding the value is caught too).
 */
export function secretForms(value: string): string[] {
  const forms = new Set<string>([value]);
  const json = JSON.stringify(value).slice(1, -1);
  forms.add(json);
  const bytes = Buffer.from(value, 'utf8');
  for (let skip = 0; skip < 3; skip++) {
    const usable = Math.floor((bytes.length - skip) / 3) * 3;
    if (usable < 6) continue;
    const chunk = bytes.subarray(skip, skip + usable);
    forms.add(chunk.toString('base64'));
    forms.add(chunk.toString('base64url'));
  }
  return [...forms].filter((form) => form.length >= MIN_REDACTED_LENGTH);
}

export class Redactor {
  private readonly sources = new Map<string, string[]>();
  private pattern: RegExp | null = null;
  /** The forms, longest first, when they are scanned one by one instead of by `pattern`. */
  private scanned: string[] | null = null;
  private sorted: string[] = [];
  private forms = new Set<string>();

  /** Replaces the values of one source (e.g. `secrets`, `env`, `console_token`); empty or short ones are ignored. */
  set(source: string, values: Iterable<string | null | undefined>): void {
    const kept: string[] = [];
    for (const value of values) {
      if (typeof value !== 'string') continue;
      const trimmed = value.trim();
      if (trimmed.length >= MIN_REDACTED_LENGTH) kept.push(trimmed);
    }
    this.sources.set(source, kept);
    this.rebuild();
  }

  /** The secret-looking variables of an environment (provider keys, tokens, RESTFLOW_MASTER_KEY …). */
  setFromEnv(source: string, env: NodeJS.ProcessEnv): void {
    this.set(
      source,
      Object.entries(env)
        .filter(([name]) => SECRET_ENV_NAME.test(name))
        .map(([, value]) => value),
    );
  }

  /** How many distinct forms are matched (for tests and status). */
  get size(): number {
    return this.forms.size;
  }

  redact(text: string): string {
    if (text.length < MIN_REDACTED_LENGTH) return text;
    if (this.pattern) {
      try {
        return text.replace(this.pattern, REDACTED);
      } catch {
        this.scanInstead();
      }
    }
    if (!this.scanned) return text;
    let out = text;
    for (const form of this.scanned) if (out.includes(form)) out = out.split(form).join(REDACTED);
    return out;
  }

  contains(text: string): boolean {
    if (text.length < MIN_REDACTED_LENGTH) return false;
    if (this.pattern) {
      try {
        this.pattern.lastIndex = 0;
        const found = this.pattern.test(text);
        this.pattern.lastIndex = 0;
        return found;
      } catch {
        this.scanInstead();
      }
    }
    return this.scanned?.some((form) => text.includes(form)) ?? false;
  }

  /** A copy of `value` with every string inside redacted (objects and arrays walked; others as they are). */
  redactDeep<T>(value: T): T {
    if (!this.pattern && !this.scanned) return value;
    return this.walk(value) as T;
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (Array.isArray(value)) return value.map((item) => this.walk(item));
    if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[key] = this.walk(item);
      return out;
    }
    return value;
  }

  private rebuild(): void {
    const forms = new Set<string>();
    for (const values of this.sources.values())
      for (const value of values) for (const f of secretForms(value)) forms.add(f);
    this.forms = forms;
    // Longest first, so a value that contains another is replaced whole.
    this.sorted = [...forms].sort((a, b) => b.length - a.length);
    this.pattern = null;
    this.scanned = null;
    const chars = this.sorted.reduce((sum, form) => sum + form.length, 0);
    if (chars > MAX_PATTERN_CHARS) this.scanned = this.sorted;
    else if (this.sorted.length > 0) this.pattern = new RegExp(this.sorted.map(escapeRegExp).join('|'), 'g');
  }

  /** V8 compiles an expression on first use and may refuse it there: fall back to scanning for good. */
  private scanInstead(): void {
    this.pattern = null;
    this.scanned = this.sorted;
  }
}
