// `restflow daemon logs`: the daemon's JSON log lines, readable. Reads the file directly — the log belongs to
// the user, not to the database, so this works even when the daemon is down (often exactly when it is needed).
import fs from 'node:fs';
import { leaf } from '../command.ts';
import { cliPaths } from '../daemon-connection.ts';
import type { Output } from '../output.ts';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const OMIT = new Set(['time', 'level', 'msg', 'pid', 'hostname']);

export function formatLogLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString().replace('T', ' ').slice(0, 19) : '';
  const level = (LEVELS[entry.level as number] ?? String(entry.level ?? '')).padEnd(5);
  const extra = Object.entries(entry)
    .filter(([key]) => !OMIT.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return `${time} ${level} ${entry.msg ?? ''}${extra ? `  ${extra}` : ''}`;
}

function emit(out: Output, lines: string[]): void {
  for (const line of lines) if (line) out.line(out.json ? line : formatLogLine(line));
}

export const daemonLogsCommand = leaf(
  'logs',
  'Show the daemon log (last -n lines; -f follows new lines; --format json prints the raw JSON lines)',
  (y) =>
    y
      .option('lines', { alias: 'n', type: 'number', default: 50, describe: 'How many of the last lines to show' })
      .option('follow', { alias: 'f', type: 'boolean', default: false, describe: 'Keep printing new lines' }),
  async (args, out) => {
    const file = cliPaths().daemonLog;
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      if (!args.follow) {
        out.notice(`No daemon log yet at ${file}`);
        return;
      }
    }
    emit(out, text.split('\n').filter(Boolean).slice(-Math.max(0, args.lines)));
    if (!args.follow) return;
    let offset = Buffer.byteLength(text);
    let partial = '';
    await new Promise<never>(() => {
      fs.watchFile(file, { interval: 250 }, (current) => {
        if (current.size < offset) offset = 0; // rotated at a daemon start
        if (current.size === offset) return;
        const fd = fs.openSync(file, 'r');
        const chunk = Buffer.alloc(current.size - offset);
        fs.readSync(fd, chunk, 0, chunk.length, offset);
        fs.closeSync(fd);
        offset = current.size;
        const lines = (partial + chunk.toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        emit(out, lines);
      });
    });
  },
);
