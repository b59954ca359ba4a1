// Live connections to the external MCP servers, one per server, opened on first use: a stdio server is started
// when an agent (or `mcp.test`) first needs it, kept while it is used, stopped after it sat idle, started again on
// the next use after a crash, and every one is stopped when the daemon stops.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { RESTFLOW_VERSION } from '@restflow/paths';
import { UnavailableError } from '../errors.ts';
import type { McpServerConnectConfig, McpServerInfo, McpServerService } from './mcp-server.service.ts';

export interface McpToolInfo {
  name: string;
  description: string | null;
  input_schema: Record<string, unknown>;
}

export interface McpCallResult {
  is_error: boolean;
  /** The result's content as text (text parts as they are; other parts described). */
  text: string;
}

export interface McpClientPoolOptions {
  /** A server unused this long is stopped (started again on the next use). */
  idleMs?: number;
  /** How long connecting (starting the process and the MCP handshake) may take. */
  connectTimeoutMs?: number;
  /** Notes about servers (a crash, its last stderr lines) for the daemon log. */
  log?: (message: string, fields: Record<string, unknown>) => void;
}

interface Connection {
  server: McpServerInfo;
  client: Client;
  transport: Transport;
  tools?: McpToolInfo[];
  /** The last lines the process wrote to stderr: the reason it died, usually. */
  stderrTail: string[];
  closed: boolean;
  idleTimer?: NodeJS.Timeout;
  inFlight: number;
}

const STDERR_LINES_KEPT = 20;
const DEFAULT_IDLE_MS = 10 * 60_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

/** MCP tool results as the model reads them. */
export function resultText(result: CallToolResult): string {
  const parts = (result.content ?? []).map((part) => {
    if (part.type === 'text') return part.text;
    if (part.type === 'resource') {
      const resource = part.resource as { uri: string; text?: string };
      return resource.text ?? `[resource ${resource.uri}]`;
    }
    if (part.type === 'resource_link') return `[resource ${part.uri}]`;
    return `[${part.type}${'mimeType' in part ? ` ${part.mimeType}` : ''}]`;
  });
  if (parts.length === 0 && result.structuredContent !== undefined) {
    return JSON.stringify(result.structuredContent, null, 2);
  }
  return parts.join('\n');
}

export class McpClientPool {
  private readonly connections = new Map<string, Promise<Connection>>();
  private stopping = false;

  constructor(
    private readonly servers: McpServerService,
    private readonly options: McpClientPoolOptions = {},
  ) {
    servers.onDeleted = (server) => void this.disconnect(server.id);
  }

  /** The server's tools (asked once per connection). */
  async tools(serverName: string, signal?: AbortSignal): Promise<McpToolInfo[]> {
    return this.using(serverName, async (connection) => {
      connection.tools ??= (await connection.client.listTools(undefined, { signal })).tools.map((tool) => ({
        name: tool.name,
        description: tool.description ?? null,
        input_schema: tool.inputSchema as Record<string, unknown>,
      }));
      return connection.tools;
    });
  }

  async call(
    serverName: string,
    tool: string,
    args: Record<string, unknown>,
    options: { signal: AbortSignal; timeoutMs: number },
  ): Promise<McpCallResult> {
    return this.using(serverName, async (connection) => {
      try {
        const result = (await connection.client.callTool({ name: tool, arguments: args }, undefined, {
          signal: options.signal,
          timeout: options.timeoutMs,
        })) as CallToolResult;
        return { is_error: result.isError === true, text: resultText(result) };
      } catch (error) {
        throw this.explain(connection, error);
      }
    });
  }

  /** Connects afresh (a stale connection is dropped first) and lists the tools: what `mcp.test` reports. */
  async test(serverName: string): Promise<McpToolInfo[]> {
    const server = this.servers.get(serverName);
    await this.disconnect(server.id);
    return this.tools(server.id);
  }

  /** How many servers are connected (running, for stdio ones). */
  size(): number {
    return this.connections.size;
  }

  /** Stops every server; used when the daemon stops. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.connections.keys()].map((id) => this.disconnect(id)));
  }

  private async using<T>(serverName: string, work: (connection: Connection) => Promise<T>): Promise<T> {
    const connection = await this.connection(serverName);
    connection.inFlight += 1;
    clearTimeout(connection.idleTimer);
    try {
      return await work(connection);
    } finally {
      connection.inFlight -= 1;
      if (connection.inFlight === 0 && !connection.closed) this.armIdleTimer(connection);
    }
  }

  private armIdleTimer(connection: Connection): void {
    connection.idleTimer = setTimeout(
      () => void this.disconnect(connection.server.id),
      this.options.idleMs ?? DEFAULT_IDLE_MS,
    );
    connection.idleTimer.unref();
  }

  private connection(serverName: string): Promise<Connection> {
    if (this.stopping) throw new UnavailableError('the daemon is stopping; MCP servers are closed');
    const config = this.servers.connectConfig(serverName);
    const existing = this.connections.get(config.id);
    if (existing) return existing;
    const opening = this.open(config);
    this.connections.set(config.id, opening);
    opening.catch(() => {
      if (this.connections.get(config.id) === opening) this.connections.delete(config.id);
    });
    return opening;
  }

  private async open(config: McpServerConnectConfig): Promise<Connection> {
    const { headers, ...server } = config;
    // The SDK is loaded on first use: a daemon whose agents use no MCP server never pays for it.
    const [{ Client }, { getDefaultEnvironment, StdioClientTransport }, { StreamableHTTPClientTransport }] =
      await Promise.all([
        import('@modelcontextprotocol/sdk/client/index.js'),
        import('@modelcontextprotocol/sdk/client/stdio.js'),
        import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
      ]);
    const transport: Transport =
      config.transport === 'stdio'
        ? new StdioClientTransport({
            command: config.command as string,
            args: config.args,
            // Only the SDK's short list of safe variables: the daemon's keys and tokens never reach the server.
            env: getDefaultEnvironment(),
            // Piped and always read: a server that fills an unread stderr pipe would block forever.
            stderr: 'pipe',
          })
        : new StreamableHTTPClientTransport(new URL(config.url as string), { requestInit: { headers } });
    const client = new Client({ name: 'restflow', version: RESTFLOW_VERSION });
    const connection: Connection = { server, client, transport, stderrTail: [], closed: false, inFlight: 0 };
    if (transport instanceof StdioClientTransport) {
      transport.stderr?.on('data', (chunk: Buffer) => {
        const lines = chunk
          .toString('utf8')
          .split('\n')
          .filter((line) => line.trim() !== '');
        connection.stderrTail.push(...lines);
        connection.stderrTail.splice(0, Math.max(0, connection.stderrTail.length - STDERR_LINES_KEPT));
      });
    }
    client.onclose = () => {
      // A crash or a dropped connection: the next use starts the server again.
      const wasOpen = !connection.closed;
      connection.closed = true;
      clearTimeout(connection.idleTimer);
      void this.connections.get(server.id)?.then(
        (current) => {
          if (current === connection) this.connections.delete(server.id);
        },
        () => {},
      );
      if (wasOpen && !this.stopping) {
        this.options.log?.('MCP server connection closed', {
          server: server.name,
          stderr: connection.stderrTail.slice(-5).join('\n'),
        });
      }
    };
    client.onerror = (error) => {
      this.options.log?.('MCP server error', { server: server.name, error: error.message });
    };
    try {
      await client.connect(transport, { timeout: this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS });
    } catch (error) {
      connection.closed = true;
      await client.close().catch(() => {});
      throw new UnavailableError(
        `could not connect to MCP server ${server.name}: ${this.explain(connection, error).message}`,
        { details: { server: server.name } },
      );
    }
    this.armIdleTimer(connection);
    return connection;
  }

  /** An error of a server call, with what the server last said on stderr when it died. */
  private explain(connection: Connection, error: unknown): Error {
    const message = (error as Error)?.message ?? String(error);
    const tail = connection.closed ? connection.stderrTail.slice(-3).join(' | ') : '';
    return new Error(tail ? `${message} (server stderr: ${tail})` : message);
  }

  private async disconnect(id: string): Promise<void> {
    const pending = this.connections.get(id);
    if (!pending) return;
    this.connections.delete(id);
    const connection = await pending.catch(() => undefined);
    if (!connection) return;
    connection.closed = true;
    clearTimeout(connection.idleTimer);
    await connection.client.close().catch(() => {});
  }
}
