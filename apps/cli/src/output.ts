// All CLI output goes through here: text tables / key-value lines, or stable machine-readable JSON.
import { boxTable } from './box-table.ts';

export type OutputFormat = 'text' | 'json';

export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
}

export class Output {
  constructor(
    readonly format: OutputFormat,
    private readonly stdout: NodeJS.WritableStream = process.stdout,
    private readonly stderr: NodeJS.WritableStream = process.stderr,
  ) {}

  get json(): boolean {
    return this.format === 'json';
  }

  /** JSON mode prints `data` as-is (2-space indent); text mode prints a table. */
  table<T>(rows: readonly T[], columns: Column<T>[], data: unknown = rows): void {
    if (this.json) {
      this.printJson(data);
      return;
    }
    if (rows.length === 0) {
      this.line('(none)');
      return;
    }
    this.line(
      boxTable(
        columns.map((c) => c.header),
        rows.map((row) => columns.map((c) => formatCell(c.value(row)))),
      ),
    );
  }

  /** JSON mode prints `data`; text mode prints aligned `Key: value` lines. */
  record(fields: [string, unknown][], data: unknown): void {
    if (this.json) {
      this.printJson(data);
      return;
    }
    const width = Math.max(...fields.map(([k]) => k.length));
    for (const [key, value] of fields) this.line(`${`${key}:`.padEnd(width + 1)} ${formatCell(value)}`);
  }

  /** JSON mode prints `data`; text mode prints `message`. */
  result(message: string, data: unknown): void {
    if (this.json) this.printJson(data);
    else this.line(message);
  }

  printJson(data: unknown): void {
    this.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
  }

  line(text = ''): void {
    this.stdout.write(`${text}\n`);
  }

  /** Progress and notices: always stderr, so stdout stays clean for pipes and JSON. */
  notice(text: string): void {
    this.stderr.write(`${text}\n`);
  }

  write(text: string): void {
    this.stdout.write(text);
  }
}

export const shortId = (id: string | null | undefined): string => (id ? id.slice(0, 8) : '-');

export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function formatCell(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  if (Array.isArray(value)) return value.length ? value.join(', ') : '-';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function preview(text: string | null | undefined, max = 50): string {
  if (!text) return '-';
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}...` : flat;
}
