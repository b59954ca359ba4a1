import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { Redactor } from '@restflow/core';
import { removeDataDir, tempDataDir } from '@restflow/testkit';
import { componentLogger, createLogger, logFiles, rotateIfLarge } from '../src/index.ts';

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
      rotation: { maxBytes: 2000, keep: 2, maxAgeDays: 1 },
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
