// `restflow web serve`: the web console as its own Node server (server+daemon mode, docs/remote-access.md). It
// talks to the daemon only over the named pipe and never opens the database.
import { group, leaf } from '../command.ts';
import { CliError, cliPaths, connectDaemon } from '../daemon-connection.ts';

const serve = leaf(
  'serve',
  'Serve the web console from this process, relaying to the daemon over the named pipe (Ctrl-C stops it)',
  (y) =>
    y
      .option('port', { alias: 'p', type: 'number', default: 3000, describe: 'HTTP port (0: a free one)' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to bind' }),
  async (args, out) => {
    if (!(Number.isInteger(args.port) && args.port >= 0 && args.port <= 65_535)) {
      throw new CliError(`port: must be an integer from 0 to 65535, got ${args.port}`, 2);
    }
    const paths = cliPaths();
    // The protocol handshake first: this server's pages must speak the daemon's protocol.
    (await connectDaemon(paths, out)).close();
    // Loaded here, not at start-up: no other command needs the server's code (the CLI's start stays small).
    const { resolveWebDir, serveConsoleServer } = await import('@restflow/daemon/console-server');
    const server = await serveConsoleServer({
      pipePath: paths.pipe,
      webDir: resolveWebDir(process.env),
      host: args.host,
      port: args.port,
      onError: (error) => process.stderr.write(`web serve: ${(error as Error).message}\n`),
    });
    out.result(
      `RestFlow console serving on ${server.url} (daemon pipe ${paths.pipe})\n  sign in: ${server.signInUrl}`,
      {
        url: server.url,
        port: server.port,
        sign_in_url: server.signInUrl,
        pipe: paths.pipe,
      },
    );
    await new Promise<void>((resolve) => {
      for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => resolve());
    });
    await server.close();
    process.exit(0);
  },
);

export const webCommand = group('web', 'Serve the web console as its own server (server+daemon mode)', [serve]);
