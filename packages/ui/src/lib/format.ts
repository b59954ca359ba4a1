// Display helpers shared by the pages (times in the browser's locale, schedules in words).
import type { RouterOutputs } from '@restflow/api';

export type TaskSchedule = RouterOutputs['tasks']['list'][number]['schedule'];

export const shortId = (id: string): string => id.slice(0, 8);

/** plural(1, 'chunk') → "1 chunk", plural(3, 'chunk') → "3 chunks". */
export const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

const UNITS: [number, string][] = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'min'],
  [1000, 's'],
];

/** 90_000 → "1 min 30 s"; sub-second values in ms. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const parts: string[] = [];
  let rest = ms;
  for (const [size, unit] of UNITS) {
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${count} ${unit}`);
    rest -= count * size;
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

/** "in 5 min", "3 h ago", "just now"; `now` is injectable for tests. */
export function formatRelative(ms: number | null | undefined, now = Date.now()): string {
  if (ms === null || ms === undefined) return '—';
  const delta = ms - now;
  if (Math.abs(delta) < 5000) return 'just now';
  const span = formatDuration(Math.abs(delta)).split(' ').slice(0, 2).join(' ');
  return delta > 0 ? `in ${span}` : `${span} ago`;
}

export function formatDateTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function describeSchedule(schedule: TaskSchedule): string {
  switch (schedule.type) {
    case 'once':
      return `once at ${formatDateTime(schedule.run_at)}`;
    case 'interval':
      return `every ${formatDuration(schedule.interval_ms)}`;
    case 'cron':
      return `cron ${schedule.expression}${schedule.timezone ? ` (${schedule.timezone})` : ''}`;
  }
}

/** Tool arguments arrive as JSON text: pretty-print when they parse, else show them as they are. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** The message of a failed tRPC call (already free of stacks and secret values), for inline display. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
