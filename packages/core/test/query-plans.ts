// Pins query plans in tests: records the statements a call runs on the real SQLite connection (with their
// parameters), then asks SQLite how it runs each one. A problem: a plain `SCAN t` (every row of t) of a table
// that grows without bound, a walk of a whole index of it (`SCAN t USING INDEX …` in a statement without LIMIT:
// with one, the walk in index order stops after the page), or a sort of the whole result for ORDER BY.
import type { Db } from '@restflow/db';

export interface Statement {
  sql: string;
  params: unknown[];
}

/** The statements `call` prepares and runs, in order. */
export function statementsOf(db: Db, call: () => unknown): Statement[] {
  const client = db.$client;
  const recorded: Statement[] = [];
  const prepare = client.prepare;
  const record = (target: object, source: string): object =>
    new Proxy(target, {
      get(statement, property, receiver) {
        const value = Reflect.get(statement, property, receiver);
        if (typeof value !== 'function') return value;
        if (property === 'all' || property === 'get' || property === 'run' || property === 'iterate') {
          return (...params: unknown[]) => {
            recorded.push({ sql: source, params });
            return value.apply(statement, params);
          };
        }
        // raw()/pluck()/expand() return the statement itself: keep recording through them.
        return (...args: unknown[]) => {
          const result = value.apply(statement, args);
          return result === statement ? record(statement, source) : result;
        };
      },
    });
  client.prepare = ((source: string) => record(prepare.call(client, source), source)) as typeof client.prepare;
  try {
    call();
  } finally {
    client.prepare = prepare;
  }
  return recorded;
}

/** Full scans of the given tables and whole-result sorts, unless the statement's SQL matches `allowScan`. */
export function planProblems(
  db: Db,
  statements: Statement[],
  options: { bigTables: string[]; allowScan?: RegExp[] },
): string[] {
  const problems: string[] = [];
  for (const { sql, params } of statements) {
    if (!/^\s*select/i.test(sql)) continue;
    const plan = db.$client.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[];
    const allowed = options.allowScan?.some((pattern) => pattern.test(sql)) ?? false;
    for (const { detail } of plan) {
      const scan = /^SCAN (\S+)(?:$| USING (?:COVERING )?INDEX )/.exec(detail);
      const scanned = scan && (!detail.includes(' USING ') || !/\blimit\b/i.test(sql)) ? scan[1] : undefined;
      const aliasOf = scanned ? new RegExp(`\\b(\\w+)\\s+(?:AS\\s+)?${scanned}\\b`, 'i').exec(sql)?.[1] : undefined;
      const table = aliasOf && options.bigTables.includes(aliasOf) ? aliasOf : scanned;
      if (table && options.bigTables.includes(table) && !allowed) problems.push(`${detail} in: ${sql}`);
      if (/USE TEMP B-TREE FOR (?:RIGHT PART OF )?ORDER BY/.test(detail)) problems.push(`${detail} in: ${sql}`);
    }
  }
  return problems;
}
