// Turns `task create/update` flags into wire values (schedules, execution modes) and formats them back.
import type { RouterInputs, RouterOutputs } from '@restflow/api/client';
import { CliError } from '../daemon-connection.ts';
import { formatTime } from '../output.ts';

type Task = RouterOutputs['tasks']['get'];
export type ScheduleInput = NonNullable<RouterInputs['tasks']['create']['schedule']>;
export type ExecutionModeInput = NonNullable<RouterInputs['tasks']['create']['execution_mode']>;

const usage = (message: string) => new CliError(message, 2);

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "30s", "5m", "1h30m", "1.5h", "2d" → milliseconds. A bare number is refused: its unit would be a guess. */
export function parseDuration(text: string): number {
  const compact = text.trim().toLowerCase();
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;
  let total = 0;
  let consumed = 0;
  for (let match = part.exec(compact); match; match = part.exec(compact)) {
    total += Number(match[1]) * (UNIT_MS[match[2] as string] as number);
    consumed = part.lastIndex;
  }
  if (compact.length === 0 || consumed !== compact.length) {
    throw usage(`invalid duration "${text}": use a number with a unit, e.g. 30s, 5m, 1h, 1h30m, 2d`);
  }
  return Math.round(total);
}

export function formatDuration(ms: number): string {
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
  let rest = ms;
  const parts: string[] = [];
  for (const [unit, size] of units) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0 || parts.length === 0) parts.push(`${rest}ms`);
  return parts.join('');
}

/** Run durations in history: "850 ms", "12.3 s". */
export function formatRunDuration(ms: number | undefined): string | undefined {
  if (ms === undefined) return undefined;
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function parseTime(text: string, flag: string): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw usage(`invalid ${flag} "${text}": use an ISO time such as 2026-05-01T09:00:00Z`);
  return ms;
}

/** Splits `--args` like a shell would: whitespace separates, quotes group, backslash escapes. */
export function splitArgs(text: string): string[] {
  const args: string[] = [];
  let current = '';
  let started = false;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < text.length) current += text[++i];
      else current += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      started = true;
    } else if (c === '\\' && i + 1 < text.length) {
      current += text[++i];
      started = true;
    } else if (/\s/.test(c)) {
      if (started) args.push(current);
      current = '';
      started = false;
    } else {
      current += c;
      started = true;
    }
  }
  if (quote) throw usage(`unterminated ${quote} quote in --args`);
  if (started) args.push(current);
  return args;
}

export interface ScheduleFlags {
  cron?: string;
  tz?: string;
  every?: string;
  at?: string;
}

/** The schedule named by the flags, or undefined when none is given (`current` lets `--tz` alone edit a cron). */
export function scheduleFromFlags(flags: ScheduleFlags, current?: Task['schedule']): ScheduleInput | undefined {
  const given = [flags.cron, flags.every, flags.at].filter((f) => f !== undefined).length;
  if (given > 1) throw usage('give only one of --cron, --every, --at');
  if (flags.tz !== undefined && flags.cron === undefined && current?.type !== 'cron') {
    throw usage('--tz applies to a cron schedule: give it with --cron');
  }
  if (flags.cron !== undefined) return { type: 'cron', expression: flags.cron, timezone: flags.tz ?? null };
  if (flags.tz !== undefined && current?.type === 'cron') return { ...current, timezone: flags.tz };
  if (flags.every !== undefined) return { type: 'interval', interval_ms: parseDuration(flags.every), start_at: null };
  if (flags.at !== undefined) return { type: 'once', run_at: parseTime(flags.at, '--at') };
  return undefined;
}

export interface ModeFlags {
  mode?: string;
  binary?: string;
  args?: string;
  workdir?: string;
  timeout?: number;
  /** API mode: keep a recording of every run. */
  record?: boolean;
}

/** The execution mode named by the flags, merged onto `current` when it already is a CLI mode. */
export function executionModeFromFlags(
  flags: ModeFlags,
  current?: Task['execution_mode'],
): ExecutionModeInput | undefined {
  const cliFlags =
    flags.binary !== undefined ||
    flags.args !== undefined ||
    flags.workdir !== undefined ||
    flags.timeout !== undefined;
  if (flags.record !== undefined) {
    if (flags.mode === 'cli' || cliFlags || (flags.mode === undefined && current?.type === 'cli'))
      throw usage('--record applies to --mode api (an agent run)');
  }
  if (flags.mode === 'api' || flags.record !== undefined) {
    if (cliFlags) throw usage('--binary, --args, --workdir and --timeout apply to --mode cli');
    const record = flags.record ?? (current?.type === 'api' ? current.record : undefined);
    return record ? { type: 'api', record: true } : { type: 'api' };
  }
  if (flags.mode !== 'cli' && !cliFlags) return undefined;
  if (flags.mode === undefined && current?.type !== 'cli') {
    throw usage('--binary, --args, --workdir and --timeout apply to --mode cli');
  }
  const base = current?.type === 'cli' ? current : undefined;
  return {
    type: 'cli',
    binary: flags.binary ?? base?.binary,
    args: flags.args !== undefined ? splitArgs(flags.args) : base?.args,
    working_dir: flags.workdir ?? base?.working_dir,
    timeout_secs: flags.timeout ?? base?.timeout_secs,
    use_pty: base?.use_pty,
  };
}

export function describeSchedule(schedule: Task['schedule']): string {
  switch (schedule.type) {
    case 'once':
      return `once at ${formatTime(schedule.run_at)}`;
    case 'interval':
      return `every ${formatDuration(schedule.interval_ms)}${schedule.start_at !== null ? ` from ${formatTime(schedule.start_at)}` : ''}`;
    case 'cron':
      return `cron "${schedule.expression}" (${schedule.timezone ?? 'UTC'})`;
  }
}

export function describeMode(mode: Task['execution_mode']): string {
  if (mode.type === 'api') return mode.record ? 'api, each run recorded' : 'api';
  const args = mode.args.length ? ` ${mode.args.join(' ')}` : '';
  return `cli: ${mode.binary}${args} (timeout ${mode.timeout_secs}s${mode.working_dir ? `, in ${mode.working_dir}` : ''})`;
}

/** Empty text clears a nullable field. */
export const nullableText = (value: string | undefined): string | null | undefined =>
  value === undefined ? undefined : value === '' ? null : value;
