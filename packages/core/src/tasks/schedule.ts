// Schedule math (docs/entities.md#schedules): when a task should next run, given its schedule and "now".
import type { TaskSchedule } from '@restflow/db';
import { Cron } from 'croner';
import { InvalidInputError } from '../errors.ts';

export const DEFAULT_INTERVAL_MS = 3_600_000;
export const MIN_INTERVAL_MS = 1000;

export const defaultSchedule = (): TaskSchedule => ({
  type: 'interval',
  interval_ms: DEFAULT_INTERVAL_MS,
  start_at: null,
});

// Seconds-first (6 fields) or with a trailing year (7 fields); a 5-field crontab line is refused rather than
// silently read with a different meaning.
const CRON_MODE = '6-or-7-parts' as const;

function cronOf(expression: string, timezone: string | null): Cron {
  return new Cron(expression, { mode: CRON_MODE, timezone: timezone ?? 'UTC' });
}

function isKnownTimeZone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Rejects a schedule that could never be computed, naming the field (`schedule.expression`, …). Called at
 * create/update so a typo is an error for the user, not a task that silently never runs.
 */
export function validateSchedule(schedule: TaskSchedule): void {
  switch (schedule.type) {
    case 'once':
      if (!Number.isSafeInteger(schedule.run_at) || schedule.run_at < 0) {
        throw InvalidInputError.field('schedule.run_at', 'must be a Unix time in milliseconds');
      }
      return;
    case 'interval':
      if (!Number.isSafeInteger(schedule.interval_ms) || schedule.interval_ms < MIN_INTERVAL_MS) {
        throw InvalidInputError.field('schedule.interval_ms', `must be an integer of at least ${MIN_INTERVAL_MS} ms`);
      }
      if (schedule.start_at !== null && (!Number.isSafeInteger(schedule.start_at) || schedule.start_at < 0)) {
        throw InvalidInputError.field('schedule.start_at', 'must be a Unix time in milliseconds or null');
      }
      return;
    case 'cron': {
      if (schedule.timezone !== null && !isKnownTimeZone(schedule.timezone)) {
        throw InvalidInputError.field(
          'schedule.timezone',
          `unknown time zone "${schedule.timezone}" (use an IANA name such as "Europe/Berlin", or null for UTC)`,
        );
      }
      try {
        cronOf(schedule.expression, schedule.timezone);
      } catch (error) {
        const reason = (error as Error).message.replace(/^CronPattern:\s*/, '');
        throw InvalidInputError.field(
          'schedule.expression',
          `invalid cron expression "${schedule.expression}": ${reason} (6 fields, seconds first, e.g. "0 0 9 * * *"; optional 7th field = year)`,
        );
      }
      return;
    }
  }
}

/**
 * The next time the task is due, strictly after `now` for cron, or null when it will not run again.
 * `createdAt` anchors an interval without `start_at`. Never throws: a stored schedule that no longer
 * computes (validated on the way in) yields null.
 */
export function computeNextRunAt(schedule: TaskSchedule, now: number, createdAt: number): number | null {
  switch (schedule.type) {
    case 'once':
      return schedule.run_at > now ? schedule.run_at : null;
    case 'interval': {
      if (schedule.start_at !== null && schedule.start_at > now) return schedule.start_at;
      const start = schedule.start_at ?? createdAt;
      const interval = schedule.interval_ms;
      if (!(interval > 0)) return null;
      if (start > now) return start;
      return start + (Math.floor((now - start) / interval) + 1) * interval;
    }
    case 'cron':
      try {
        return cronOf(schedule.expression, schedule.timezone).nextRun(new Date(now))?.getTime() ?? null;
      } catch {
        return null;
      }
  }
}
