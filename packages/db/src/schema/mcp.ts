import { integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

export type McpTransportKind = 'stdio' | 'http';

/** External MCP servers agents may call (`mcp:<name>:<tool>` in an agent's tool allow-list). */
export const mcpServers = sqliteTable(
  'mcp_servers',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    transport: text('transport').$type<McpTransportKind>().notNull(),
    /** stdio: the program and its arguments. */
    command: text('command'),
    args: text('args', { mode: 'json' }).$type<string[]>(),
    /** http: the Streamable HTTP endpoint. */
    url: text('url'),
    /** Header names only, for listings; the values live in `headers_ciphertext`. */
    headerNames: text('header_names', { mode: 'json' }).$type<string[]>(),
    /** base64(nonce ‖ AES-256-GCM ciphertext ‖ tag) of the headers as JSON, sealed with the master key. */
    headersCiphertext: text('headers_ciphertext'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('mcp_servers_name_idx').on(t.name)],
);
