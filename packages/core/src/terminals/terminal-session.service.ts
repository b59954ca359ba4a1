import { asc, eq, ne, sql, terminalSessions } from '@restflow/db';
import type { CoreContext } from '../core-context.ts';
import type { Deleted } from '../deleted.ts';
import { InvalidInputError, NotFoundError } from '../errors.ts';
import { resolveIdIn } from '../id-prefix.ts';
import { tailOf } from '../text-cut.ts';

export type TerminalStatus = 'running' | 'stopped';

/** docs/entities.md#shared-space-and-terminal-sessions; times in ms. */
export interface TerminalSession {
  id: string;
  name: string;
  created_at: number;
  status: TerminalStatus;
  history?: string;
  stopped_at?: number;
  working_directory?: string;
  startup_command?: string;
}

export interface TerminalSessionInput {
  name?: string;
  working_directory?: string;
  startup_command?: string;
}

export interface TerminalSessionPatch extends TerminalSessionInput {
  history?: string;
  status?: TerminalStatus;
}

/** Scrollback kept per terminal; older output is dropped from the front. */
export const MAX_TERMINAL_HISTORY_CHARS = 1024 * 1024;

type TerminalRow = typeof terminalSessions.$inferSelect;

function toWire(row: TerminalRow): TerminalSession {
  const session: TerminalSession = { id: row.id, name: row.name, created_at: row.createdAt, status: row.status };
  if (row.history !== null) session.history = row.history;
  if (row.stoppedAt !== null) session.stopped_at = row.stoppedAt;
  if (row.workingDirectory) session.working_directory = row.workingDirectory;
  if (row.startupCommand) session.startup_command = row.startupCommand;
  return session;
}

function validName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw InvalidInputError.field('name', 'must not be empty');
  if (trimmed.length > 200) throw InvalidInputError.field('name', 'must be at most 200 characters');
  return trimmed;
}

const optional = (value: string | undefined) => (value === undefined ? undefined : value.trim() || null);
// The last 1 MiB of characters, never starting inside a surrogate pair.
const capHistory = (history: string) => tailOf(history, MAX_TERMINAL_HISTORY_CHARS);

/** Records of the console's terminal tabs (the PTYs themselves live in the desktop/console process). */
export class TerminalSessionService {
  constructor(private readonly core: CoreContext) {}

  /** In creation order (tabs keep their places); rowid breaks ties within one millisecond. */
  list(): TerminalSession[] {
    return this.core.db
      .select()
      .from(terminalSessions)
      .orderBy(asc(terminalSessions.createdAt), sql`rowid`)
      .all()
      .map(toWire);
  }

  /** Accepts a full id (`terminal-…`) or a unique prefix. */
  resolveId(idOrPrefix: string): string {
    return resolveIdIn(this.core.db, 'terminal_sessions', 'Terminal session', idOrPrefix);
  }

  get(idOrPrefix: string): TerminalSession {
    return toWire(this.row(this.resolveId(idOrPrefix)));
  }

  exists(id: string): boolean {
    return (
      this.core.db
        .select({ id: terminalSessions.id })
        .from(terminalSessions)
        .where(eq(terminalSessions.id, id))
        .get() !== undefined
    );
  }

  /** The lowest "Terminal N" (N ≥ 1) that no session is named. */
  nextName(): string {
    const taken = new Set(
      this.core.db
        .select({ name: terminalSessions.name })
        .from(terminalSessions)
        .all()
        .map((r) => r.name),
    );
    let n = 1;
    while (taken.has(`Terminal ${n}`)) n++;
    return `Terminal ${n}`;
  }

  create(input: TerminalSessionInput = {}): TerminalSession {
    const row: TerminalRow = {
      id: `terminal-${this.core.ids.uuid()}`,
      name: input.name === undefined ? this.nextName() : validName(input.name),
      createdAt: this.core.clock.now(),
      status: 'running',
      history: null,
      stoppedAt: null,
      workingDirectory: optional(input.working_directory) ?? null,
      startupCommand: optional(input.startup_command) ?? null,
    };
    this.core.db.insert(terminalSessions).values(row).run();
    return toWire(row);
  }

  /** Only the given fields change; an empty working_directory/startup_command clears it. */
  update(idOrPrefix: string, patch: TerminalSessionPatch): TerminalSession {
    const current = this.row(this.resolveId(idOrPrefix));
    const next: TerminalRow = { ...current };
    if (patch.name !== undefined) next.name = validName(patch.name);
    if (patch.working_directory !== undefined) next.workingDirectory = optional(patch.working_directory) ?? null;
    if (patch.startup_command !== undefined) next.startupCommand = optional(patch.startup_command) ?? null;
    if (patch.history !== undefined) next.history = capHistory(patch.history);
    if (patch.status !== undefined && patch.status !== current.status) {
      next.status = patch.status;
      next.stoppedAt = patch.status === 'stopped' ? this.core.clock.now() : null;
    }
    this.core.db.update(terminalSessions).set(next).where(eq(terminalSessions.id, current.id)).run();
    return toWire(next);
  }

  rename(idOrPrefix: string, name: string): TerminalSession {
    return this.update(idOrPrefix, { name });
  }

  delete(idOrPrefix: string): Deleted {
    const id = this.resolveId(idOrPrefix);
    this.core.db.delete(terminalSessions).where(eq(terminalSessions.id, id)).run();
    return { deleted: true, id };
  }

  /** At daemon start no PTY survives from the previous run: every session record is stopped. Returns how many. */
  markAllStopped(): number {
    return this.core.db
      .update(terminalSessions)
      .set({ status: 'stopped', stoppedAt: this.core.clock.now() })
      .where(ne(terminalSessions.status, 'stopped'))
      .run().changes;
  }

  private row(id: string): TerminalRow {
    const row = this.core.db.select().from(terminalSessions).where(eq(terminalSessions.id, id)).get();
    if (!row) throw new NotFoundError('Terminal session', id);
    return row;
  }
}
