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
export const LOG_MAX_AGE_DAYS = 14;

/** When the log file is rotated and how many old ones stay (docs/lifecycle.md#logs). */
export interface LogRotation {
  /** The current file is rotated once it passes this size. */
  maxBytes: number;
  /** Rotated files kept: `daemon.log.1` (newest) … `daemon.log.<keep>`. */
  keep: number;
  /** Rotated files older than this are removed, whatever their number. */
  maxAgeDays: number;
}

/** The config keys of the log's rotation (`restflow config set log_keep_files 5`). */
export interface LogSettings {
  log_max_file_mb: number;
  log_keep_files: number;
  log_max_age_days: number;
}

const DEFAULT_LOG_SETTINGS: LogSettings = {
  log_max_file_mb: LOG_ROTATE_BYTES / 1048576,
  log_keep_files: LOG_KEEP,
  log_max_age_days: LOG_MAX_AGE_DAYS,
};

/**
 * The rotation from the config keys (the defaults until the database is open); RESTFLOW_LOG_MAX_MB,
 * RESTFLOW_LOG_KEEP and RESTFLOW_LOG_MAX_AGE_DAYS, when set, win over them (a service unit's choice stays).
 */
export function logRotation(
  settings: LogSettings = DEFAULT_LOG_SETTINGS,
  env: NodeJS.ProcessEnv = process.env,
): LogRotation {
  const positive = (value: string | undefined, fallback: number) => {
    const n = Number(value);
    return value !== undefined && Number.isFinite(n) && n > 0 ? n : fallback;
  };
  return {
    maxBytes: Math.round(positive(env.RESTFLOW_LOG_MAX_MB, settings.log_max_file_mb) * 1048576),
    keep: Math.max(1, Math.floor(positive(env.RESTFLOW_LOG_KEEP, settings.log_keep_files))),
    maxAgeDays: positive(env.RESTFLOW_LOG_MAX_AGE_DAYS, settings.log_max_age_days),
  };
}

/** The log files of `file`, oldest first: the rotated ones that exist, then the current one. */
export function logFiles(file: string, keep = LOG_KEEP): string[] {
  const files: string[] = [];
  for (let i = keep; i >= 1; i--) if (fs.existsSync(`${file}.${i}`)) files.push(`${file}.${i}`);
  files.push(file);
  return files;
}

/**
 * Appends lines synchronously (nothing is lost when the daemon is killed right after one) and rotates by size
 * while running: past `maxBytes` the file becomes `.1`, older ones shift up, and those past `keep` or older than
 * `maxAgeDays` are removed.
 */
export class RotatingLogFile implements pino.DestinationStream {
  private fd: number;
  private size: number;

  constructor(
    readonly file: string,
    private current: LogRotation,
  ) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    rotateIfLarge(file, current.maxBytes, current.keep);
    removeOld(file, current);
    this.fd = fs.openSync(file, 'a', 0o600);
    this.size = fs.fstatSync(this.fd).size;
  }

  get rotation(): LogRotation {
    return this.current;
  }

  /** A changed config applies at once: a file already past the new size rotates, files past the new limits go. */
  setRotation(rotation: LogRotation): void {
    const fewer = rotation.keep < this.current.keep;
    const previousKeep = this.current.keep;
    this.current = rotation;
    if (this.size > rotation.maxBytes) this.rotate();
    else removeOld(this.file, rotation);
    // Files numbered past the new count are no longer listed by logFiles(): remove them too.
    if (fewer) for (let i = rotation.keep + 1; i <= previousKeep; i++) fs.rmSync(`${this.file}.${i}`, { force: true });
  }

  write(line: string): void {
    const bytes = Buffer.byteLength(line);
    if (this.size > 0 && this.size + bytes > this.current.maxBytes) this.rotate();
    fs.writeSync(this.fd, line);
    this.size += bytes;
  }

  private rotate(): void {
    fs.closeSync(this.fd);
    rotateIfLarge(this.file, 0, this.current.keep);
    removeOld(this.file, this.current);
    this.fd = fs.openSync(this.file, 'a', 0o600);
    this.size = 0;
  }
}

function removeOld(file: string, rotation: LogRotation): void {
  const oldest = Date.now() - rotation.maxAgeDays * 86_400_000;
  for (const rotated of logFiles(file, rotation.keep).slice(0, -1)) {
    try {
      if (fs.statSync(rotated).mtimeMs < oldest) fs.rmSync(rotated, { force: true });
    } catch {
      // Gone already.
    }
  }
}

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

/** Where written lines go besides the file: the daemon's LogFeed (`logs.list`, `logs.onLine`). */
export interface LineSink {
  append(line: string): void;
}

/**
 * Every line passes the redactor before it is written or handed to followers: known secret values never reach
 * the log file nor a `restflow logs` reader.
 */
function redacting(
  destination: pino.DestinationStream,
  redactor: LineRedactor | undefined,
  sink: LineSink | undefined,
): pino.DestinationStream {
  if (!redactor && !sink) return destination;
  return {
    write: (line: string) => {
      const clean = redactor ? redactor.redact(line) : line;
      destination.write(clean);
      sink?.append(clean);
    },
  };
}

/** Lines without a component of their own come from the daemon itself; child loggers name theirs. */
function componentMixin(_merge: object, _level: number, logger: Logger): object {
  return 'component' in logger.bindings() ? {} : { component: 'daemon' };
}

/** A logger for one component (`scheduler`, `runs`, `telegram`, `mcp`, `http`): its lines carry that name. */
export function componentLogger(logger: Logger, component: string): Logger {
  return logger.child({ component });
}

export interface LoggerOptions {
  /** Fed every written line (after redaction). */
  sink?: LineSink;
  /** Where the lines of a log file go (main.ts keeps it, to apply config changes to its rotation). */
  destination?: RotatingLogFile;
}

/**
 * Structured JSON lines (`time`, `level`, `component`, `msg`, and `runId` / `taskId` / `sessionId` where they
 * apply) appended to logs/daemon.log, rotated by size; secret-bearing fields are redacted by name, and with a
 * `redactor` every known secret value wherever it appears.
 */
export function createLogger(
  file: string | undefined,
  level = process.env.RESTFLOW_LOG_LEVEL ?? 'info',
  redactor?: LineRedactor,
  options: LoggerOptions = {},
): Logger {
  const settings = { level, redact, mixin: componentMixin };
  if (!file) return pino(settings, redacting(pino.destination(2), redactor, options.sink));
  const destination = options.destination ?? new RotatingLogFile(file, logRotation());
  return pino(settings, redacting(destination, redactor, options.sink));
}
