import fs from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';

export type { Logger };

const redact = {
  paths: ['*.value', '*.api_key', '*.apiKey', '*.token', '*.password', '*.secret', 'headers.authorization'],
  censor: '[redacted]',
};

export const LOG_ROTATE_BYTES = 10 * 1024 * 1024;
export const LOG_KEEP = 3;

/** At start-up, a log past `maxBytes` becomes `.1` (older ones shift up to `.keep`), so logs never grow unbounded. */
export function rotateIfLarge(file: string, maxBytes = LOG_ROTATE_BYTES, keep = LOG_KEEP): boolean {
  let size = 0;
  try {
    size = fs.statSync(file).size;
  } catch {
    return false;
  }
  if (size <= maxBytes) return false;
  fs.rmSync(`${file}.${keep}`, { force: true });
  for (let i = keep - 1; i >= 1; i--) {
    if (fs.existsSync(`${file}.${i}`)) fs.renameSync(`${file}.${i}`, `${file}.${i + 1}`);
  }
  fs.renameSync(file, `${file}.1`);
  return true;
}

/** Anything that replaces secret values in a finished log line (the daemon's Redactor). */
export interface LineRedactor {
  redact(text: string): string;
}

/** Every line passes the redactor before it is written: known secret values never reach the log file. */
function redacting(destination: pino.DestinationStream, redactor: LineRedactor | undefined): pino.DestinationStream {
  if (!redactor) return destination;
  return { write: (line: string) => destination.write(redactor.redact(line)) };
}

/**
 * Structured JSON lines appended (never truncated) to logs/daemon.log; secret-bearing fields are redacted by
 * name, and with a `redactor` every known secret value wherever it appears.
 */
export function createLogger(
  file: string | undefined,
  level = process.env.RESTFLOW_LOG_LEVEL ?? 'info',
  redactor?: LineRedactor,
): Logger {
  if (!file) return pino({ level, redact }, redacting(pino.destination(2), redactor));
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  rotateIfLarge(file);
  // Synchronous writes: a daemon logs little, and nothing is lost when it is killed right after a line.
  return pino(
    { level, redact },
    redacting(pino.destination({ dest: file, append: true, sync: true, mode: 0o600 }), redactor),
  );
}
