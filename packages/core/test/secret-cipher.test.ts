import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { decryptSecret, encryptSecret, SecretDecryptError } from '../src/index.ts';

const key = randomBytes(32);

describe('secret cipher (AES-256-GCM)', () => {
  it('round-trips and uses a fresh nonce per write', () => {
    const a = encryptSecret(key, 'OPENAI_API_KEY', 'sk-value-123');
    const b = encryptSecret(key, 'OPENAI_API_KEY', 'sk-value-123');
    expect(a).not.toBe(b);
    expect(Buffer.from(a, 'base64').subarray(0, 12)).not.toEqual(Buffer.from(b, 'base64').subarray(0, 12));
    // nonce (12) + ciphertext (same length as the plaintext) + tag (16)
    expect(Buffer.from(a, 'base64')).toHaveLength(12 + 'sk-value-123'.length + 16);
    expect(a).not.toContain('sk-value');
    expect(decryptSecret(key, 'OPENAI_API_KEY', a)).toBe('sk-value-123');
    expect(decryptSecret(key, 'OPENAI_API_KEY', b)).toBe('sk-value-123');
    const nonces = new Set(Array.from({ length: 200 }, () => encryptSecret(key, 'K', 'v').slice(0, 16)));
    expect(nonces.size).toBe(200);
  });

  it('round-trips unicode and empty values', () => {
    expect(decryptSecret(key, 'K', encryptSecret(key, 'K', 'pässwörd 🔑'))).toBe('pässwörd 🔑');
    expect(decryptSecret(key, 'K', encryptSecret(key, 'K', ''))).toBe('');
  });

  it('refuses a tampered ciphertext with a clear error', () => {
    const stored = Buffer.from(encryptSecret(key, 'TOKEN', 'top-secret-value'), 'base64');
    for (const index of [0, 14, stored.length - 1]) {
      const tampered = Buffer.from(stored);
      tampered[index] = (tampered[index] as number) ^ 0x01;
      expect(() => decryptSecret(key, 'TOKEN', tampered.toString('base64'))).toThrow(SecretDecryptError);
    }
    expect(() => decryptSecret(key, 'TOKEN', 'c2hvcnQ=')).toThrow(/cannot decrypt secret TOKEN/);
  });

  it('binds the ciphertext to its key name (AAD): a swapped row does not decrypt', () => {
    const forA = encryptSecret(key, 'SECRET_A', 'value-of-a');
    expect(() => decryptSecret(key, 'SECRET_B', forA)).toThrow(/cannot decrypt secret SECRET_B/);
  });

  it('reports a wrong master key without leaking the value', () => {
    const stored = encryptSecret(key, 'DB_PASSWORD', 'hunter2-distinct');
    let message = '';
    try {
      decryptSecret(randomBytes(32), 'DB_PASSWORD', stored);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^cannot decrypt secret DB_PASSWORD: master key does not match/);
    expect(message).not.toContain('hunter2');
  });
});
