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
    if (!this.pattern || text.length < MIN_REDACTED_LENGTH) return text;
    return text.replace(this.pattern, REDACTED);
  }

  contains(text: string): boolean {
    if (!this.pattern || text.length < MIN_REDACTED_LENGTH) return false;
    this.pattern.lastIndex = 0;
    const found = this.pattern.test(text);
    this.pattern.lastIndex = 0;
    return found;
  }

  /** A copy of `value` with every string inside redacted (objects and arrays walked; others as they are). */
  redactDeep<T>(value: T): T {
    if (!this.pattern) return value;
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
    const sorted = [...forms].sort((a, b) => b.length - a.length);
    this.pattern = sorted.length > 0 ? new RegExp(sorted.map(escapeRegExp).join('|'), 'g') : null;
  }
}
