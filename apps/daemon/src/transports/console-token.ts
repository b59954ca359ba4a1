// The web console's token: random, generated on the first start, kept in a 0600 file so that a restarted daemon
// still accepts the cookie of a console that is already open. Deleting the file revokes every console.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

function readUsableToken(file: string): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return undefined;
  }
  // Readable by others on POSIX: it may have leaked, so it is replaced rather than trusted.
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) return undefined;
  const token = fs.readFileSync(file, 'utf8').trim();
  return TOKEN_PATTERN.test(token) ? token : undefined;
}

/** Returns the stored token, or writes a new one (32 random bytes, base64url). The caller owns the data dir. */
export function loadOrCreateConsoleToken(file: string): { token: string; created: boolean } {
  const existing = readUsableToken(file);
  if (existing) return { token: existing, created: false };
  const token = randomBytes(32).toString('base64url');
  const temp = `${file}.${process.pid}.tmp`;
  fs.rmSync(temp, { force: true });
  // 0600 from creation (flag 'wx' never follows a planted file); rename makes the switch atomic.
  fs.writeFileSync(temp, `${token}\n`, { mode: 0o600, flag: 'wx' });
  fs.renameSync(temp, file);
  return { token, created: true };
}
