import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { loadMasterKey, MasterKey, MasterKeyError, parseMasterKeyText } from '../src/index.ts';

let dir: string;
let keyFile: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-mk-'));
  keyFile = path.join(dir, 'data', 'master.key');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('master key', () => {
  it('parses RESTFLOW_MASTER_KEY as hex or base64 and rejects anything that is not 32 bytes', () => {
    const raw = randomBytes(32);
    expect(parseMasterKeyText(raw.toString('hex'))).toEqual(raw);
    expect(parseMasterKeyText(` ${raw.toString('hex').toUpperCase()}\n`)).toEqual(raw);
    expect(parseMasterKeyText(raw.toString('base64'))).toEqual(raw);
    expect(parseMasterKeyText(raw.toString('base64url'))).toEqual(raw);
    expect(() => parseMasterKeyText(randomBytes(16).toString('base64'))).toThrow(/must decode to 32 bytes, got 16/);
    expect(() => parseMasterKeyText('not a key!')).toThrow(MasterKeyError);
    const env = { RESTFLOW_MASTER_KEY: raw.toString('hex') };
    expect(loadMasterKey({ env, keyFile })).toEqual({ key: raw, source: 'env' });
    expect(fs.existsSync(keyFile)).toBe(false);
  });

  it('generates a key file (hex, 0600) once and then reads it back', () => {
    const generated = loadMasterKey({ env: {}, keyFile });
    expect(generated.source).toBe('generated');
    expect(generated.key).toHaveLength(32);
    expect(fs.readFileSync(keyFile, 'utf8').trim()).toBe(generated.key.toString('hex'));
    if (process.platform !== 'win32') expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(path.dirname(keyFile))).toEqual(['master.key']);
    expect(loadMasterKey({ env: {}, keyFile })).toEqual({ key: generated.key, source: 'file' });
  });

  it('never clobbers a key another process wrote first', () => {
    fs.mkdirSync(path.dirname(keyFile), { recursive: true });
    const theirs = randomBytes(32);
    // Simulates losing the race: the file appears between the existence check and our link.
    const realExists = fs.existsSync;
    const spy = Object.assign(fs, {
      existsSync: (p: fs.PathLike) => {
        if (p === keyFile) {
          fs.writeFileSync(keyFile, theirs.toString('hex'), { mode: 0o600 });
          return false;
        }
        return realExists(p);
      },
    });
    try {
      expect(loadMasterKey({ env: {}, keyFile }).key).toEqual(theirs);
    } finally {
      spy.existsSync = realExists;
    }
    expect(fs.readFileSync(keyFile, 'utf8')).toBe(theirs.toString('hex'));
  });

  // Windows has no POSIX mode bits to get wrong (the check itself is skipped there, as asserted below).
  const onPosix = process.platform === 'win32' ? it.skip : it;
  onPosix('refuses a key file readable by group or others, saying how to fix it (POSIX only)', () => {
    fs.mkdirSync(path.dirname(keyFile), { recursive: true });
    fs.writeFileSync(keyFile, randomBytes(32).toString('hex'));
    fs.chmodSync(keyFile, 0o644);
    expect(() => loadMasterKey({ env: {}, keyFile })).toThrow(`Fix with: chmod 600 ${keyFile}`);
    expect(() => loadMasterKey({ env: {}, keyFile })).toThrow(/mode 0644/);
    // The check is skipped on Windows, where mode bits mean nothing.
    expect(loadMasterKey({ env: {}, keyFile, platform: 'win32' }).source).toBe('file');
    fs.chmodSync(keyFile, 0o600);
    expect(loadMasterKey({ env: {}, keyFile }).source).toBe('file');
  });

  it('refuses a malformed key file', () => {
    fs.mkdirSync(path.dirname(keyFile), { recursive: true });
    fs.writeFileSync(keyFile, 'abc', { mode: 0o600 });
    expect(() => loadMasterKey({ env: {}, keyFile })).toThrow(/is malformed: expected 64 hex characters/);
  });

  it('uses a random in-memory key without a key file, and loads lazily (retrying after a fix)', () => {
    const a = loadMasterKey({ env: {}, keyFile: undefined });
    const b = loadMasterKey({ env: {}, keyFile: undefined });
    expect(a.source).toBe('memory');
    expect(a.key).not.toEqual(b.key);

    const lazy = new MasterKey({ env: {}, keyFile });
    expect(fs.existsSync(keyFile)).toBe(false);
    expect(lazy.get()).toEqual(lazy.get());
    expect(lazy.source()).toBe('generated');

    const bad = new MasterKey({ env: { RESTFLOW_MASTER_KEY: 'zz' }, keyFile });
    expect(() => bad.get()).toThrow(MasterKeyError);
  });
});
