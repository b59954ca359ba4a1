// The external MCP servers agents may use, stored in the database. Header values (bearer tokens, API keys) are
// sealed with the master key like secrets and never leave this service except to the client pool that connects.
import { asc, eq, mcpServers, or } from '@restflow/db';
import type { CoreContext } from '../core-context.ts';
import type { Deleted } from '../deleted.ts';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors.ts';
import type { SecretService } from '../secrets/secret.service.ts';

export type McpTransport = 'stdio' | 'http';

/** What listings show: header names, never their values. */
export interface McpServerInfo {
  id: string;
  name: string;
  transport: McpTransport;
  command: string | null;
  args: string[];
  url: string | null;
  header_names: string[];
  created_at: number;
  updated_at: number;
}

/** What the client pool needs to connect (header values in clear): internal to core. */
export interface McpServerConnectConfig extends McpServerInfo {
  headers: Record<string, string>;
}

export interface CreateMcpServerInput {
  name: string;
  command?: string;
  args?: string[];
  url?: string;
  headers?: Record<string, string>;
}

/** Also part of the model-facing tool names (`mcp__<name>__<tool>`), which providers limit to these characters. */
export const MCP_SERVER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;
const HEADER_NAME_PATTERN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/**
 * What an HTTP header value cannot hold (NUL, CR, LF, or a character past Latin-1). Checked when the server is
 * stored: fetch refuses such a value only at connect time, with an error quoting it, and header values are secrets.
 */
const BAD_HEADER_VALUE = /[\0\r\n\u0100-\uffff]/;

type Row = typeof mcpServers.$inferSelect;

const toInfo = (row: Row): McpServerInfo => ({
  id: row.id,
  name: row.name,
  transport: row.transport,
  command: row.command ?? null,
  args: row.args ?? [],
  url: row.url ?? null,
  header_names: row.headerNames ?? [],
  created_at: row.createdAt,
  updated_at: row.updatedAt,
});

/** The sealed headers are bound to the server's id: a ciphertext copied to another row does not open. */
const sealPurpose = (id: string) => `mcp:${id}:headers`;

function validate(input: CreateMcpServerInput): McpTransport {
  if (!MCP_SERVER_NAME_PATTERN.test(input.name)) {
    throw InvalidInputError.field(
      'name',
      `"${input.name.slice(0, 40)}" must be 1-32 characters of letters, digits, _ and -, starting with a letter or digit`,
    );
  }
  const hasCommand = input.command !== undefined && input.command.trim() !== '';
  const hasUrl = input.url !== undefined && input.url.trim() !== '';
  if (hasCommand === hasUrl) {
    throw InvalidInputError.field('command', 'give either a command (stdio server) or a url (HTTP server), not both');
  }
  if (hasUrl) {
    let url: URL;
    try {
      url = new URL(input.url as string);
    } catch {
      throw InvalidInputError.field('url', 'is not a valid URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw InvalidInputError.field('url', 'must be an http:// or https:// URL');
    }
    for (const [name, value] of Object.entries(input.headers ?? {})) {
      if (!HEADER_NAME_PATTERN.test(name)) throw InvalidInputError.field('headers', `"${name}" is not a header name`);
      if (BAD_HEADER_VALUE.test(value)) {
        throw InvalidInputError.field(
          'headers',
          `the value of ${name} must be one line of Latin-1 text (no NUL, CR or LF character)`,
        );
      }
    }
    return 'http';
  }
  if (input.headers && Object.keys(input.headers).length > 0) {
    throw InvalidInputError.field('headers', 'headers apply to HTTP servers only');
  }
  return 'stdio';
}

export class McpServerService {
  /** Told when a server is deleted, so a running connection to it stops (the client pool). */
  onDeleted: (server: McpServerInfo) => void = () => {};

  constructor(
    private readonly core: CoreContext,
    private readonly secrets: SecretService,
  ) {}

  list(): McpServerInfo[] {
    return this.core.db.select().from(mcpServers).orderBy(asc(mcpServers.name)).all().map(toInfo);
  }

  /** By id or by name. */
  get(idOrName: string): McpServerInfo {
    return toInfo(this.row(idOrName));
  }

  create(input: CreateMcpServerInput): McpServerInfo {
    const transport = validate(input);
    const id = this.core.ids.uuid();
    const now = this.core.clock.now();
    const headers = transport === 'http' ? (input.headers ?? {}) : {};
    const headerNames = Object.keys(headers);
    const row: Row = {
      id,
      name: input.name,
      transport,
      command: transport === 'stdio' ? (input.command as string) : null,
      args: transport === 'stdio' ? (input.args ?? []) : null,
      url: transport === 'http' ? (input.url as string) : null,
      headerNames,
      headersCiphertext: headerNames.length > 0 ? this.secrets.seal(sealPurpose(id), JSON.stringify(headers)) : null,
      createdAt: now,
      updatedAt: now,
    };
    this.core.db.transaction(() => {
      if (this.find(input.name)) throw new ConflictError(`MCP server ${input.name} already exists`);
      this.core.db.insert(mcpServers).values(row).run();
    });
    this.syncRedactor();
    this.core.changes.publish({ entity: 'mcp', id, action: 'created' });
    return toInfo(row);
  }

  delete(idOrName: string): Deleted {
    const row = this.row(idOrName);
    this.core.db.delete(mcpServers).where(eq(mcpServers.id, row.id)).run();
    this.syncRedactor();
    this.core.changes.publish({ entity: 'mcp', id: row.id, action: 'deleted' });
    this.onDeleted(toInfo(row));
    return { deleted: true, id: row.id };
  }

  /** The server with its header values, for connecting to it. */
  connectConfig(idOrName: string): McpServerConnectConfig {
    const row = this.row(idOrName);
    return { ...toInfo(row), headers: this.headersOf(row) };
  }

  /** Header values are credentials: they are redacted from tool output and logs like secrets. */
  syncRedactor(): void {
    try {
      const values = this.core.db
        .select()
        .from(mcpServers)
        .all()
        .flatMap((row) => Object.values(this.headersOf(row)));
      this.core.redactor.set('mcp_headers', values);
    } catch {
      // The master key cannot be loaded: nothing sealed is readable, so nothing can leak.
    }
  }

  private headersOf(row: Row): Record<string, string> {
    if (!row.headersCiphertext) return {};
    return JSON.parse(this.secrets.unseal(sealPurpose(row.id), row.headersCiphertext)) as Record<string, string>;
  }

  private find(idOrName: string): Row | undefined {
    return this.core.db
      .select()
      .from(mcpServers)
      .where(or(eq(mcpServers.id, idOrName), eq(mcpServers.name, idOrName)))
      .get();
  }

  private row(idOrName: string): Row {
    const row = this.find(idOrName);
    if (!row) throw new NotFoundError('MCP server', idOrName);
    return row;
  }
}
