import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { Redactor } from '@restflow/core';
import { removeDataDir, tempDataDir } from '@restflow/testkit';
import { createLogger, rotateIfLarge } from '../src/index.ts';

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
