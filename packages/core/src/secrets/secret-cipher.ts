// AES-256-GCM for secret values. Stored form: base64(12-byte nonce ‖ ciphertext ‖ 16-byte tag). The secret's
// key name is the additional authenticated data, so a ciphertext copied onto another row fails to decrypt.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { UnavailableError } from '../errors.ts';

const ALGORITHM = 'aes-256-gcm';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** The stored value cannot be authenticated: another master key, a tampered row, or a row moved to another key. */
export class SecretDecryptError extends UnavailableError {
  override name = 'SecretDecryptError';
  constructor(readonly secretKey: string) {
    super(
      `cannot decrypt secret ${secretKey}: master key does not match (or the stored ciphertext was altered); set RESTFLOW_MASTER_KEY or restore the master.key this secret was written with`,
    );
  }
}

export function encryptSecret(masterKey: Buffer, secretKey: string, value: string): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv(ALGORITHM, masterKey, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(secretKey, 'utf8'));
  const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64');
}

export function decryptSecret(masterKey: Buffer, secretKey: string, stored: string): string {
  const raw = Buffer.from(stored, 'base64');
  if (raw.length < NONCE_BYTES + TAG_BYTES) throw new SecretDecryptError(secretKey);
  const nonce = raw.subarray(0, NONCE_BYTES);
  const tag = raw.subarray(raw.length - TAG_BYTES);
  const body = raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv(ALGORITHM, masterKey, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(secretKey, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretDecryptError(secretKey);
  }
}
