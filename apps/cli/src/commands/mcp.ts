// `restflow mcp …`: RestFlow as an MCP server for other tools (`serve`, stdio), and the external MCP servers
// RestFlow's agents may use (`add`, `list`, `remove`, `test`). Agents allow-list their tools as
// `mcp:<server>:<tool>` or `mcp:<server>:*`.

import { daemonLeaf, group, leaf, noArgs } from '../command.ts';
import { CliError, cliPaths, connectDaemon } from '../daemon-connection.ts';
import { formatTime } from '../output.ts';

/** `K=V` → [K, V]. */
function parseHeader(spec: string): [string, string] {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new CliError(`--header ${spec}: expected NAME=VALUE`, 2);
  return [spec.slice(0, eq).trim(), spec.slice(eq + 1)];
}

/** What follows `--` on the command line: the server's program and its arguments, untouched by option parsing. */
function commandAfterDashDash(argv: readonly string[]): string[] {
  const at = argv.indexOf('--');
  return at < 0 ? [] : argv.slice(at + 1);
}

const serve = leaf(
  'serve',
  "Serve RestFlow's tools over MCP on stdin/stdout (for MCP clients); exits when stdin closes",
  noArgs,
  async (_args, out) => {
    // Notices go to stderr; stdout carries only MCP messages.
    const paths = cliPaths();
    // The protocol handshake (and the once-only restart of an older daemon) happens before any MCP message.
    const client = await connectDaemon(paths, out);
    // Loaded here, not at start-up: every other command stays as quick to start as before.
    const [{ createRestflowMcpServer }, { StdioServerTransport }] = await Promise.all([
      import('@restflow/api/mcp'),
      import('@modelcontextprotocol/sdk/server/stdio.js'),
    ]);
    const server = createRestflowMcpServer(client);
    const transport = new StdioServerTransport();
    await new Promise<void>((resolve) => {
      let closed = false;
      const stop = () => {
        if (closed) return;
        closed = true;
        void server.close().finally(() => {
          client.close();
          resolve();
        });
      };
      // The client closing our stdin is the end of the session: a server that lingered would be a zombie.
      process.stdin.once('end', stop);
      process.stdin.once('close', stop);
      transport.onclose = stop;
      void server.connect(transport);
    });
    // The pipe client may keep a reconnect timer: nothing is left to do.
    process.exit(0);
  },
);

const add = daemonLeaf(
  'add <name>',
  'Add an MCP server: `restflow mcp add NAME -- COMMAND [ARGS…]` (stdio) or `restflow mcp add NAME --url URL [--header K=V]…`',
  (y) =>
    y
      .positional('name', { type: 'string', demandOption: true, describe: 'Letters, digits, _ and -' })
      .option('url', { type: 'string', describe: 'Streamable HTTP endpoint of the server' })
      .option('header', {
        type: 'string',
        array: true,
        describe: 'HTTP header NAME=VALUE sent to the server (stored encrypted, never listed); repeatable',
      })
      .parserConfiguration({ 'populate--': true }),
  async (client, args, out) => {
    const command = commandAfterDashDash(process.argv);
    if (!args.url && command.length === 0) {
      throw new CliError('give the server: `-- COMMAND [ARGS…]` for a stdio server, or `--url URL`', 2);
    }
    if (args.url && command.length > 0) throw new CliError('give either `-- COMMAND…` or `--url`, not both', 2);
    const headers = args.header?.length ? Object.fromEntries(args.header.map(parseHeader)) : undefined;
    const server = await client.mcp.create.mutate(
      args.url
        ? { name: args.name, url: args.url, headers }
        : { name: args.name, command: command[0], args: command.slice(1) },
    );
    out.result(
      `MCP server added: ${server.name} (${server.transport}); try it with: restflow mcp test ${server.name}`,
      server,
    );
  },
);

const list = daemonLeaf(
  'list',
  'List the MCP servers (header names only, never values)',
  noArgs,
  async (client, _a, out) => {
    const servers = await client.mcp.list.query();
    out.table(servers, [
      { header: 'Name', value: (s) => s.name },
      { header: 'Transport', value: (s) => s.transport },
      { header: 'Server', value: (s) => s.url ?? [s.command, ...s.args].join(' ') },
      { header: 'Headers', value: (s) => s.header_names.join(', ') },
      { header: 'Added', value: (s) => formatTime(s.created_at) },
    ]);
  },
);

const remove = daemonLeaf(
  ['remove <name>', 'delete <name>', 'rm <name>'],
  'Remove an MCP server (stops it if it is running)',
  (y) => y.positional('name', { type: 'string', demandOption: true }),
  async (client, args, out) => {
    const result = await client.mcp.delete.mutate({ id: args.name });
    out.result(`MCP server removed: ${args.name}`, result);
  },
);

const test = daemonLeaf(
  'test <name>',
  'Connect to an MCP server (starting it for stdio) and list its tools',
  (y) => y.positional('name', { type: 'string', demandOption: true }),
  async (client, args, out) => {
    const result = await client.mcp.test.mutate({ id: args.name });
    if (out.json) return out.printJson(result);
    out.notice(`${result.server.name}: connected, ${result.tools.length} tool(s)`);
    out.table(result.tools, [
      { header: 'Tool', value: (t) => `mcp:${result.server.name}:${t.name}` },
      { header: 'Description', value: (t) => t.description },
    ]);
  },
);

export const mcpCommand = group('mcp', 'MCP: serve RestFlow over MCP, and manage the MCP servers agents use', [
  serve,
  add,
  list,
  remove,
  test,
]);
