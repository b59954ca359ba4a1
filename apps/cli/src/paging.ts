// `--limit/--cursor` on the lists that grow without bound (session, run and memory list): the daemon's keyset `page`
// reads (docs/entities.md, "Long lists"). A page's table ends with the command that prints the next one; in JSON a page is
// `{ items, next_cursor }`. Without either option a list prints as it always has (JSON: an array), so scripts that
// read the whole list keep working.
import type { Argv } from 'yargs';
import type { Column, Output } from './output.ts';

export interface PageArgs {
  limit?: number;
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** The two options, on a list whose page is `defaultLimit` long when --limit is not given. */
export function withPageOptions<T>(y: Argv<T>, defaultLimit: number, limitAlias = 'n') {
  return y
    .option('limit', {
      alias: limitAlias,
      type: 'number',
      describe: `Page size, 1-500 (default ${defaultLimit}); JSON output becomes { items, next_cursor }`,
    })
    .option('cursor', {
      type: 'string',
      describe: 'Continue where a page ended: its next_cursor (the command to run is printed under the table)',
    });
}

/** Whether the user asked for pages: then JSON output is the page, not the bare list. */
export const wantsPages = (args: PageArgs) => args.limit !== undefined || args.cursor !== undefined;

/** The command line again, for the page after `cursor`: the same filters, --limit and the new --cursor. */
export function nextPageCommand(argv: readonly string[], limit: number, cursor: string): string {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (/^(--limit|-n|-l|--cursor)$/.test(arg)) i++;
    else if (!/^(--limit|-n|-l|--cursor)=/.test(arg)) kept.push(arg);
  }
  const quoted = kept.map((arg) => (/^[\w./:@=-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`));
  return ['restflow', ...quoted, '--limit', String(limit), '--cursor', cursor].join(' ');
}

/** Prints a page: its table (or JSON), and in text the command for the next page when there is one. */
export function printPage<T>(out: Output, page: Page<T>, columns: Column<T>[], args: PageArgs, limit: number): void {
  if (out.json) {
    out.printJson(wantsPages(args) ? page : page.items);
    return;
  }
  out.table(page.items, columns);
  if (page.next_cursor !== null) out.notice(`More: ${nextPageCommand(process.argv.slice(2), limit, page.next_cursor)}`);
}
