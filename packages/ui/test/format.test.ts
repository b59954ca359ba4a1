import { describe, expect, it } from '@jest/globals';
import {
  describeSchedule,
  errorMessage,
  formatDuration,
  formatRelative,
  plural,
  prettyJson,
  shortId,
} from '../src/lib/format.ts';

describe('format helpers', () => {
  it('formats durations with at most two units', () => {
    expect(formatDuration(250)).toBe('250 ms');
    expect(formatDuration(90_000)).toBe('1 min 30 s');
    expect(formatDuration(3_600_000)).toBe('1 h');
    expect(formatDuration(90_061_000)).toBe('1 d 1 h');
  });

  it('formats times relative to now', () => {
    const now = 1_700_000_000_000;
    expect(formatRelative(now + 2000, now)).toBe('just now');
    expect(formatRelative(now + 300_000, now)).toBe('in 5 min');
    expect(formatRelative(now - 3 * 3_600_000, now)).toBe('3 h ago');
    expect(formatRelative(null, now)).toBe('—');
  });

  it('describes schedules', () => {
    expect(describeSchedule({ type: 'interval', interval_ms: 3_600_000, start_at: null })).toBe('every 1 h');
    expect(describeSchedule({ type: 'cron', expression: '0 0 9 * * *', timezone: 'Europe/Berlin' })).toBe(
      'cron 0 0 9 * * * (Europe/Berlin)',
    );
    expect(describeSchedule({ type: 'cron', expression: '0 * * * * *', timezone: null })).toBe('cron 0 * * * * *');
    expect(describeSchedule({ type: 'once', run_at: 1_700_000_000_000 })).toMatch(/^once at /);
  });

  it('pretty-prints JSON arguments and leaves other text alone', () => {
    expect(prettyJson('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(prettyJson('{"a":')).toBe('{"a":');
  });

  it('shortens ids and reads error messages', () => {
    expect(shortId('0123456789abcdef')).toBe('01234567');
    expect([plural(1, 'chunk'), plural(0, 'chunk'), plural(2, 'result')]).toEqual(['1 chunk', '0 chunks', '2 results']);
    expect(errorMessage(new Error('Agent x not found'))).toBe('Agent x not found');
    expect(errorMessage('plain')).toBe('plain');
  });
});
