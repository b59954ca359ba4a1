import { describe, expect, it } from '@jest/globals';
import { computeNextRunAt, InvalidInputError, validateSchedule } from '../src/index.ts';

const utc = (iso: string) => Date.parse(iso);
const cron = (expression: string, timezone: string | null = null) => ({ type: 'cron' as const, expression, timezone });

function fieldOf(fn: () => void): string | undefined {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as InvalidInputError).issues[0]?.path;
  }
  return undefined;
}

describe('once schedule', () => {
  const now = utc('2026-01-01T00:00:00Z');
  it('is run_at while in the future, else null', () => {
    expect(computeNextRunAt({ type: 'once', run_at: now + 1 }, now, now)).toBe(now + 1);
    expect(computeNextRunAt({ type: 'once', run_at: now }, now, now)).toBeNull();
    expect(computeNextRunAt({ type: 'once', run_at: now - 1 }, now, now)).toBeNull();
  });
});

describe('interval schedule', () => {
  const created = utc('2026-01-01T00:00:00Z');
  const hour = 3_600_000;
  it('returns a future start_at as is', () => {
    expect(computeNextRunAt({ type: 'interval', interval_ms: hour, start_at: created + 5000 }, created, created)).toBe(
      created + 5000,
    );
  });

  it('steps from start_at to the first slot strictly after now', () => {
    const start = created - 10 * hour - 1;
    // floor((now - start) / interval) + 1 = floor(10h+1ms / 1h) + 1 = 11
    expect(computeNextRunAt({ type: 'interval', interval_ms: hour, start_at: start }, created, 0)).toBe(
      start + 11 * hour,
    );
    // exactly on a slot: that slot is "now", so the next one is one interval later
    expect(computeNextRunAt({ type: 'interval', interval_ms: hour, start_at: created }, created, 0)).toBe(
      created + hour,
    );
  });

  it('anchors at created_at when start_at is null', () => {
    const schedule = { type: 'interval' as const, interval_ms: 30_000, start_at: null };
    expect(computeNextRunAt(schedule, created, created)).toBe(created + 30_000);
    expect(computeNextRunAt(schedule, created + 29_999, created)).toBe(created + 30_000);
    expect(computeNextRunAt(schedule, created + 30_000, created)).toBe(created + 60_000);
    expect(computeNextRunAt(schedule, created + 95_000, created)).toBe(created + 120_000);
  });

  it('requires interval_ms >= 1000 and valid start_at', () => {
    expect(fieldOf(() => validateSchedule({ type: 'interval', interval_ms: 999, start_at: null }))).toBe(
      'schedule.interval_ms',
    );
    expect(fieldOf(() => validateSchedule({ type: 'interval', interval_ms: 1.5e3 + 0.5, start_at: null }))).toBe(
      'schedule.interval_ms',
    );
    expect(fieldOf(() => validateSchedule({ type: 'interval', interval_ms: 1000, start_at: -5 }))).toBe(
      'schedule.start_at',
    );
    expect(fieldOf(() => validateSchedule({ type: 'once', run_at: Number.NaN }))).toBe('schedule.run_at');
    expect(fieldOf(() => validateSchedule({ type: 'interval', interval_ms: 1000, start_at: null }))).toBeUndefined();
  });
});

describe('cron schedule', () => {
  it('evaluates "0 0 9 * * *" in Asia/Shanghai as 01:00 UTC', () => {
    const now = utc('2026-01-01T00:00:00Z');
    expect(computeNextRunAt(cron('0 0 9 * * *', 'Asia/Shanghai'), now, now)).toBe(utc('2026-01-01T01:00:00Z'));
    // strictly after now: at the fire time itself the next one is the day after
    const atFire = utc('2026-01-01T01:00:00Z');
    expect(computeNextRunAt(cron('0 0 9 * * *', 'Asia/Shanghai'), atFire, now)).toBe(utc('2026-01-02T01:00:00Z'));
    expect(computeNextRunAt(cron('0 0 9 * * *', 'Asia/Shanghai'), atFire - 500, now)).toBe(atFire);
  });

  it('uses UTC when timezone is null, and supports seconds and a year field', () => {
    const now = utc('2026-01-01T00:00:00Z');
    expect(computeNextRunAt(cron('0 0 9 * * *'), now, now)).toBe(utc('2026-01-01T09:00:00Z'));
    expect(computeNextRunAt(cron('*/15 * * * * *'), now + 1, now)).toBe(now + 15_000);
    expect(computeNextRunAt(cron('0 0 0 1 1 * 2028'), now, now)).toBe(utc('2028-01-01T00:00:00Z'));
    // a year in the past never fires again
    expect(computeNextRunAt(cron('0 0 0 1 1 * 2020'), now, now)).toBeNull();
  });

  describe('across DST in America/New_York (2026: spring forward 8 Mar, fall back 1 Nov)', () => {
    const ny = (e: string) => cron(e, 'America/New_York');

    it('09:00 daily follows local time: 14:00 UTC in EST, 13:00 UTC in EDT and back', () => {
      expect(computeNextRunAt(ny('0 0 9 * * *'), utc('2026-03-07T12:00:00Z'), 0)).toBe(utc('2026-03-07T14:00:00Z'));
      expect(computeNextRunAt(ny('0 0 9 * * *'), utc('2026-03-07T15:00:00Z'), 0)).toBe(utc('2026-03-08T13:00:00Z'));
      expect(computeNextRunAt(ny('0 0 9 * * *'), utc('2026-10-31T12:00:00Z'), 0)).toBe(utc('2026-10-31T13:00:00Z'));
      expect(computeNextRunAt(ny('0 0 9 * * *'), utc('2026-10-31T14:00:00Z'), 0)).toBe(utc('2026-11-01T14:00:00Z'));
    });

    it('02:30 daily: on the spring-forward day (no 02:30) runs once at 03:00 EDT, then 02:30 EDT again', () => {
      expect(computeNextRunAt(ny('0 30 2 * * *'), utc('2026-03-07T08:00:00Z'), 0)).toBe(utc('2026-03-08T07:00:00Z'));
      expect(computeNextRunAt(ny('0 30 2 * * *'), utc('2026-03-08T07:00:00Z'), 0)).toBe(utc('2026-03-09T06:30:00Z'));
      // the day before: still EST
      expect(computeNextRunAt(ny('0 30 2 * * *'), utc('2026-03-06T12:00:00Z'), 0)).toBe(utc('2026-03-07T07:30:00Z'));
    });

    it('02:30 daily on the fall-back day is 02:30 EST (07:30 UTC)', () => {
      expect(computeNextRunAt(ny('0 30 2 * * *'), utc('2026-10-31T12:00:00Z'), 0)).toBe(utc('2026-11-01T07:30:00Z'));
    });

    it('01:30 daily (which happens twice on fall-back day) runs only once that day', () => {
      const first = computeNextRunAt(ny('0 30 1 * * *'), utc('2026-10-31T12:00:00Z'), 0);
      expect(first).toBe(utc('2026-11-01T05:30:00Z'));
      expect(computeNextRunAt(ny('0 30 1 * * *'), first as number, 0)).toBe(utc('2026-11-02T06:30:00Z'));
    });
  });

  it('names schedule.expression for an invalid or 5-field expression, schedule.timezone for an unknown zone', () => {
    expect(fieldOf(() => validateSchedule(cron('not a cron')))).toBe('schedule.expression');
    expect(fieldOf(() => validateSchedule(cron('0 0 25 * * *')))).toBe('schedule.expression');
    expect(fieldOf(() => validateSchedule(cron('0 9 * * *')))).toBe('schedule.expression');
    expect(fieldOf(() => validateSchedule(cron('0 0 9 * * *', 'Mars/Olympus')))).toBe('schedule.timezone');
    expect(fieldOf(() => validateSchedule(cron('0 0 9 * * *', 'Europe/Berlin')))).toBeUndefined();
    // a stored schedule that no longer computes yields null rather than throwing inside the lifecycle
    expect(computeNextRunAt(cron('nope'), 0, 0)).toBeNull();
  });
});
