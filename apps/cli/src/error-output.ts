// How the CLI reports a failure: text on stderr, or one JSON object there with `--format json` (stdout keeps
// nothing but results). Light on purpose: usage errors are printed before any command's code is loaded.

export interface DescribedError {
  message: string;
  exitCode: number;
  /** The daemon's tRPC code (NOT_FOUND, CONFLICT, …), or USAGE / DAEMON_UNAVAILABLE / ERROR for the CLI's own. */
  code: string;
  fieldErrors?: { path: string; message: string }[];
  reason?: string;
  details?: Record<string, unknown>;
  /** What to do about it (commands to run), from the error's reason. */
  hints: string[];
}

/** `--format json` anywhere on the command line (also `--format=json`). */
export function wantsJson(argv: readonly string[]): boolean {
  return argv.some((arg, i) => arg === '--format=json' || (arg === '--format' && argv[i + 1] === 'json'));
}

/** Errors go to stderr: one JSON object in `--format json` (stdout keeps nothing but results), else text. */
export function printError(
  described: DescribedError,
  json: boolean,
  stderr: NodeJS.WritableStream = process.stderr,
): void {
  if (json) {
    const { exitCode: _exit, hints, ...error } = described;
    stderr.write(`${JSON.stringify({ error: { ...error, ...(hints.length ? { hint: hints.join('\n') } : {}) } })}\n`);
    return;
  }
  stderr.write(`Error: ${described.message}\n`);
  for (const hint of described.hints) stderr.write(`  ${hint}\n`);
}
