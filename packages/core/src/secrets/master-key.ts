// The 32-byte key that encrypts every secret. Sources, in order: RESTFLOW_MASTER_KEY (hex or base64) → the
// `master.key` file (hex, owner-only) → a freshly generated key written to that file. Without a key file path
// (unit tests) a random in-memory key is used, so nothing ever falls back to a fixed key.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { UnavailableError } from '../errors.ts';

export const MASTER_KEY_BYTES = 32;
export const MASTER_KEY_ENV = 'RESTFLOW_MASTER_KEY';

/** A master key that cannot be loaded; the message says what to fix and never contains key material. */
export class MasterKeyError extends UnavailableError {
  override name = 'MasterKeyError';
}

export type MasterKeySource = 'env' | 'file' | 'generated' | 'memory';

export interface LoadedMasterKey {
  key: Buffer;
  source: MasterKeySource;
}

export interface MasterKeyOptions {
  env: NodeJS.ProcessEnv;
  /** `paths.masterKey`; undefined → in-memory key. */
  keyFile: string | undefined;
  platform?: NodeJS.Platform;
}

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64_KEY = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** Parses RESTFLOW_MASTER_KEY: 64 hex characters, or base64/base64url of exactly 32 bytes. */
export function parseMasterKeyText(text: string): Buffer {
  const trimmed = text.trim();
  if (HEX_KEY.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (BASE64_KEY.test(trimmed)) {
    const decoded = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (decoded.length === MASTER_KEY_BYTES) return decoded;
    throw new MasterKeyError(
      `${MASTER_KEY_ENV} must decode to ${MASTER_KEY_BYTES} bytes, got ${decoded.length}: use 64 hex characters or base64 of 32 bytes (e.g. \`openssl rand -hex 32\`)`,
    );
  }
  throw new MasterKeyError(
    `${MASTER_KEY_ENV} is neither hex nor base64: use 64 hex characters or base64 of 32 bytes (e.g. \`openssl rand -hex 32\`)`,
  );
}

function assertOwnerOnly(file: string, platform: NodeJS.Platform): void {
  // Windows has no POSIX mode bits; its ACLs on the user profile directory protect the file instead.
  if (platform === 'win32') return;
  const mode = fs.statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new MasterKeyError(
      `master key file ${file} is accessible by group or others (mode ${mode.toString(8).padStart(4, '0')}); refusing to use it. Fix with: chmod 600 ${file}`,
    );
  }
}

function readKeyFile(file: string, platform: NodeJS.Platform): Buffer {
  assertOwnerOnly(file, platform);
  const text = fs.readFileSync(file, 'utf8').trim();
  if (!HEX_KEY.test(text)) {
    throw new MasterKeyError(
      `master key file ${file} is malformed: expected ${MASTER_KEY_BYTES * 2} hex characters. Restore it from a backup; secrets encrypted with the old key cannot be read without it`,
    );
  }
  return Buffer.from(text, 'hex');
}

/**
 * Writes a new key so that a concurrent starter never clobbers it and never reads a half-written file: the key
 * goes to a private temp file first (`wx`), then is hard-linked into place, which fails if the name exists.
 */
function createKeyFile(file: string, platform: NodeJS.Platform): Buffer {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(MASTER_KEY_BYTES);
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  fs.writeFileSync(temp, `${key.toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
  try {
    fs.linkSync(temp, file);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readKeyFile(file, platform);
    throw error;
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

export function loadMasterKey(options: MasterKeyOptions): LoadedMasterKey {
  const platform = options.platform ?? process.platform;
  const fromEnv = options.env[MASTER_KEY_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return { key: parseMasterKeyText(fromEnv), source: 'env' };
  if (!options.keyFile) return { key: randomBytes(MASTER_KEY_BYTES), source: 'memory' };
  if (fs.existsSync(options.keyFile)) return { key: readKeyFile(options.keyFile, platform), source: 'file' };
  return { key: createKeyFile(options.keyFile, platform), source: 'generated' };
}

/** Loads the key on first use (a daemon that never touches a secret never creates `master.key`). */
export class MasterKey {
  private loaded: LoadedMasterKey | undefined;

  constructor(private readonly options: MasterKeyOptions) {}

  get(): Buffer {
    this.loaded ??= loadMasterKey(this.options);
    return this.loaded.key;
  }

  /** True when the key is loaded or can be loaded without creating one. */
  loadedOrOnDisk(): boolean {
    if (this.loaded) return true;
    const fromEnv = this.options.env[MASTER_KEY_ENV];
    if (fromEnv !== undefined && fromEnv.trim() !== '') return true;
    return this.options.keyFile !== undefined && fs.existsSync(this.options.keyFile);
  }

  /** Where the key came from; loads it if needed. */
  source(): MasterKeySource {
    this.get();
    return (this.loaded as LoadedMasterKey).source;
  }
}
