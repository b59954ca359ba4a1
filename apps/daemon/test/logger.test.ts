import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { Redactor } from '@restflow/core';
import { removeDataDir, tempDataDir } from '@restflow/testkit';
import { componentLogger, createLogger, logFiles, logRotation, RotatingLogFile, rotateIfLarge } from '../src/index.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) removeDataDir(d);
});

describe('daemon log', () => {
  it('rotates a large log at start-up, keeping a bounded number of old files', () => {
    const dir = tempDataDir();
    dirs.push(dir);
    const file = path.join(dir, 'daemon.log');
    expect(rotateIfLarge(file, 10)).toBe(false);
    for (let round = 1; round <= 5; round++) {
      fs.writeFileSync(file, `round ${round} ${'x'.repeat(20)}\n`);
      expect(rotateIfLarge(file, 10, 3)).toBe(true);
    }
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.readFileSync(`${file}.1`, 'utf8')).toMatch(/^round 5/);
    expect(fs.readFileSync(`${file}.3`, 'utf8')).toMatch(/^round 3/);
    expect(fs.existsSync(`${file}.4`)).toBe(false);
    fs.writeFileSync(file, 'small\n');
    expect(rotateIfLarge(file, 10)).toBe(false);
  });

  it('passes every line through the redactor: a known secret value is gone wherever it appears', () => {
    const dir = tempDataDir();
    dirs.push(dir);
    const file = path.join(dir, 'daemon.log');
    const redactor = new Redactor();
    const logger = createLogger(file, 'info', redactor);
    redactor.set('secrets', ['sk-later-added-0001']);
    logger.info(
      { detail: 'got sk-later-added-0001 back', err: new Error('bad key sk-later-added-0001') },
      'x sk-later-added-0001',
    );
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain('sk-later-added-0001');
    expect(text.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(3);
  });

  it('appends JSON lines and redacts secret-bearing fields', () => {
    const dir = tempDataDir();
    dirs.push(dir);
    const file = path.join(dir, 'logs', 'daemon.log');
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, '{"msg":"earlier"}\n');
    const logger = createLogger(file, 'info');
    logger.info({ secret: { value: 'hunter2-value' }, headers: { authorization: 'Bearer abc-token' } }, 'hello');
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('{"msg":"earlier"}');
    expect(lines[1]).toContain('"msg":"hello"');
    expect(lines[1]).not.toContain('hunter2-value');
    expect(lines[1]).not.toContain('abc-token');
  });
});

describe('log rotation while running', () => {
  it('rotates by size as lines are written, keeping `keep` files and dropping ones past the age', () => {
    const dir = tempDataDir();
    dirs.push(dir);
    const file = path.join(dir, 'daemon.log');
    const seen: string[] = [];
    const logger = createLogger(file, 'info', undefined, {
      destination: new RotatingLogFile(file, { maxBytes: 2000, keep: 2, maxAgeDays: 1 }),
      sink: { append: (line) => seen.push(line) },
    });
    for (let i = 0; i < 100; i++) logger.info({ i }, `line ${i} ${'x'.repeat(40)}`);
    expect(seen).toHaveLength(100);
    expect(fs.statSync(file).size).toBeLessThanOrEqual(2000);
    expect(fs.existsSync(`${file}.1`)).toBe(true);
    expect(fs.existsSync(`${file}.2`)).toBe(true);
    expect(fs.existsSync(`${file}.3`)).toBe(false);
    expect(logFiles(file, 2)).toEqual([`${file}.2`, `${file}.1`, file]);
    // The newest line is in the current file, with its component.
    const last = JSON.parse(fs.readFileSync(file, 'utf8').trim().split('\n').at(-1) as string);
    expect(last).toMatchObject({ i: 99, component: 'daemon' });
    // An old rotated file goes at the next rotation, whatever the count.
    const old = new Date(Date.now() - 3 * 86_400_000);
    fs.utimesSync(`${file}.2`, old, old);
    for (let i = 0; i < 60; i++) logger.info(`more ${i} ${'y'.repeat(40)}`);
    expect(fs.existsSync(`${file}.2`) && fs.statSync(`${file}.2`).mtimeMs < Date.now() - 86_400_000).toBe(false);
  });

  it('takes a changed rotation at once: a file past the new size rotates, files past the new count go', () => {
    const dir = tempDataDir();
    dirs.push(dir);
    const file = path.join(dir, 'daemon.log');
    const destination = new RotatingLogFile(file, { maxBytes: 1_000_000, keep: 4, maxAgeDays: 14 });
    const logger = createLogger(file, 'info', undefined, { destination });
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 20; i++) logger.info(`round ${round} line ${i} ${'z'.repeat(40)}`);
      destination.setRotation({ maxBytes: 500, keep: 4, maxAgeDays: 14 });
      destination.setRotation({ maxBytes: 1_000_000, keep: 4, maxAgeDays: 14 });
    }
    expect(logFiles(file, 4)).toHaveLength(5);
    expect(fs.statSync(file).size).toBe(0);
    destination.setRotation({ maxBytes: 1_000_000, keep: 2, maxAgeDays: 14 });
    expect(destination.rotation.keep).toBe(2);
    expect([1, 2, 3, 4].map((i) => fs.existsSync(`${file}.${i}`))).toEqual([true, true, false, false]);
  });

  it('rotates by the config keys unless RESTFLOW_LOG_* says otherwise', () => {
    const settings = { log_max_file_mb: 2, log_keep_files: 7, log_max_age_days: 30 };
    expect(logRotation(settings, {})).toEqual({ maxBytes: 2 * 1048576, keep: 7, maxAgeDays: 30 });
    expect(logRotation(settings, { RESTFLOW_LOG_KEEP: '2', RESTFLOW_LOG_MAX_MB: 'lots' })).toEqual({
      maxBytes: 2 * 1048576,
      keep: 2,
      maxAgeDays: 30,
    });
    expect(logRotation(undefined, {})).toEqual({ maxBytes: 10 * 1048576, keep: 3, maxAgeDays: 14 });
  });

  it('a component logger names its component once', () => {
    const dir = tempDataDir();
    dirs.push(dir);
    const file = path.join(dir, 'daemon.log');
    const logger = createLogger(file, 'info');
    componentLogger(logger, 'scheduler').warn({ taskId: 't1' }, 'tick failed');
    const line = fs.readFileSync(file, 'utf8').trim();
    expect(JSON.parse(line)).toMatchObject({ component: 'scheduler', taskId: 't1', level: 40 });
    expect(line.match(/"component"/g)).toHaveLength(1);
  });
});
