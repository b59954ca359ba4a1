import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { secrets as secretsTable } from '@restflow/db';
import { resolvePaths } from '@restflow/paths';
import { createTestServices } from '@restflow/testkit';
import { ConflictError, InvalidInputError, NotFoundError, SecretDecryptError, SecretService } from '../src/index.ts';

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('SecretService', () => {
  it('sets (upsert, description overwritten), lists without values and stores only ciphertext', () => {
    const s = createTestServices();
    const first = s.secrets.set('OPENAI_API_KEY', 'sk-plain-value-1', 'main key');
    expect(first).toEqual({
      key: 'OPENAI_API_KEY',
      description: 'main key',
      created_at: s.clock.now(),
      updated_at: s.clock.now(),
    });
    s.clock.advance(1000);
    const second = s.secrets.set('OPENAI_API_KEY', 'sk-plain-value-2');
    expect(second.description).toBeNull();
    expect(second.created_at).toBe(first.created_at);
    expect(second.updated_at).toBe(first.created_at + 1000);
    expect(s.secrets.get('OPENAI_API_KEY')).toEqual({ key: 'OPENAI_API_KEY', value: 'sk-plain-value-2' });
    s.secrets.set('A_FIRST', 'x');
    const listed = s.secrets.list();
    expect(listed.map((l) => l.key)).toEqual(['A_FIRST', 'OPENAI_API_KEY']);
    expect(JSON.stringify(listed)).not.toContain('sk-plain');
    const rows = s.db.select().from(secretsTable).all();
    expect(JSON.stringify(rows)).not.toContain('sk-plain');
  });

  it('create conflicts on an existing key, update needs one and keeps the description unless given', () => {
    const s = createTestServices();
    s.secrets.create('TOKEN', 'one', 'desc');
    expect(errorOf(() => s.secrets.create('TOKEN', 'two'))).toBeInstanceOf(ConflictError);
    expect(s.secrets.get('TOKEN').value).toBe('one');
    expect(errorOf(() => s.secrets.update('MISSING', 'v'))).toBeInstanceOf(NotFoundError);
    expect(s.secrets.update('TOKEN', 'two').description).toBe('desc');
    expect(s.secrets.update('TOKEN', 'three', null).description).toBeNull();
    expect(s.secrets.get('TOKEN').value).toBe('three');
  });

  it('deletes, reports presence and falls back to the environment', () => {
    const s = createTestServices({ env: { DEEPSEEK_API_KEY: 'from-env', EMPTY_ONE: '' } });
    expect(s.secrets.has('DEEPSEEK_API_KEY')).toEqual({ key: 'DEEPSEEK_API_KEY', exists: true, source: 'environment' });
    // Presence and the engine's lookups fall back to the environment; reading a value back does not.
    expect(errorOf(() => s.secrets.get('DEEPSEEK_API_KEY'))).toBeInstanceOf(NotFoundError);
    expect(s.secrets.getValue('deepseek-api-key')).toBe('from-env');
    s.secrets.set('DEEPSEEK_API_KEY', 'stored');
    expect(s.secrets.get('DEEPSEEK_API_KEY').value).toBe('stored');
    expect(s.secrets.has('DEEPSEEK_API_KEY').source).toBe('stored');
    expect(s.secrets.delete('DEEPSEEK_API_KEY')).toEqual({ deleted: true, id: 'DEEPSEEK_API_KEY' });
    expect(s.secrets.getValue('DEEPSEEK_API_KEY')).toBe('from-env');
    expect(errorOf(() => s.secrets.delete('DEEPSEEK_API_KEY'))).toBeInstanceOf(NotFoundError);
    expect(s.secrets.has('EMPTY_ONE')).toEqual({ key: 'EMPTY_ONE', exists: false, source: null });
    expect(errorOf(() => s.secrets.get('NOPE')).message).toBe('Secret NOPE not found');
    expect(s.secrets.getValue('NOPE')).toBeUndefined();
  });

  it('validates keys, values and descriptions without quoting the value', () => {
    const s = createTestServices();
    for (const bad of ['lower', 'WITH-DASH', 'auth:x:api_key', '', 'A'.repeat(129)]) {
      const error = errorOf(() => s.secrets.set(bad, 'v'));
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).issues[0]?.path).toBe('key');
    }
    expect(errorOf(() => s.secrets.set('K', '')).message).toBe('value: must not be empty');
    const big = errorOf(() => s.secrets.set('K', 'x'.repeat(64 * 1024 + 1)));
    expect(big.message).toMatch(/^value: must be at most/);
    expect(big.message).not.toContain('xxxx');
    expect(errorOf(() => s.secrets.set('K', 'v', 'd'.repeat(501))).message).toMatch(/^description:/);
    expect(errorOf(() => s.secrets.has('bad key'))).toBeInstanceOf(InvalidInputError);
  });

  it('keeps auth credential secrets apart: internal methods only, hidden from the default list', () => {
    const s = createTestServices();
    s.secrets.setInternal('auth:abc-123:api_key', 'sk-internal');
    expect(s.secrets.getValue('auth:abc-123:api_key')).toBe('sk-internal');
    expect(s.secrets.getValue('auth:abc-123:token')).toBeUndefined();
    expect(s.secrets.list()).toEqual([]);
    expect(s.secrets.list({ includeInternal: true }).map((l) => l.key)).toEqual(['auth:abc-123:api_key']);
    expect(errorOf(() => s.secrets.setInternal('USER_KEY', 'v'))).toBeInstanceOf(InvalidInputError);
    expect(errorOf(() => s.secrets.deleteInternal(['USER_KEY']))).toBeInstanceOf(InvalidInputError);
    expect(errorOf(() => s.secrets.get('auth:abc-123:api_key'))).toBeInstanceOf(InvalidInputError);
    expect(s.secrets.deleteInternal(['auth:abc-123:api_key', 'auth:abc-123:token'])).toBe(1);
  });

  it('keeps the master key in a 0600 file and fails clearly when another key is in use', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-sec-'));
    try {
      const paths = resolvePaths(dir);
      const s = createTestServices({ paths });
      s.secrets.set('DB_PASSWORD', 'distinct-plaintext');
      expect(fs.existsSync(paths.masterKey)).toBe(true);
      expect(s.secrets.masterKeySource()).toBe('generated');
      // Same database read with a different master key.
      const other = new SecretService({ ...s, env: { RESTFLOW_MASTER_KEY: 'ab'.repeat(32) } });
      const error = errorOf(() => other.get('DB_PASSWORD'));
      expect(error).toBeInstanceOf(SecretDecryptError);
      expect(error.message).toMatch(/^cannot decrypt secret DB_PASSWORD: master key does not match/);
      expect(error.message).not.toContain('distinct-plaintext');
      // A fresh service over the same files reads the same key.
      expect(new SecretService({ ...s }).get('DB_PASSWORD').value).toBe('distinct-plaintext');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
