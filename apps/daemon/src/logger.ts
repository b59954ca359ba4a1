import fs from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';

export type { Logger };

const redact = {
  paths: ['*.value', '*.api_key', '*.apiKey', '*.token', '*.password', '*.secret', 'headers.authorization'],
  censor: '[redacted]',
};

/** Structured JSON lines appended (never truncated) to logs/daemon.log; secret-bearing fields are redacted. */
export function createLogger(file: string | undefined, level = process.env.RESTFLOW_LOG_LEVEL ?? 'info'): Logger {
  if (!file) return pino({ level, redact }, pino.destination(2));
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // Synchronous writes: a daemon logs little, and nothing is lost when it is killed right after a line.
  return pino({ level, redact }, pino.destination({ dest: file, append: true, sync: true, mode: 0o600 }));
}
