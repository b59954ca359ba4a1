// `restflow console [--print]`: opens the web console the daemon serves, signed in. The sign-in URL carries the
// console token and comes from the daemon over the pipe only (`system.consoleUrl`).
import { spawn } from 'node:child_process';
import { daemonLeaf } from '../command.ts';

/** `$BROWSER` (the usual override, also what tests use), else the platform's URL opener. */
export function browserCommand(
  url: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): { command: string; args: string[] } {
  if (env.BROWSER) return { command: env.BROWSER, args: [url] };
  if (platform === 'darwin') return { command: 'open', args: [url] };
  // Unlike `cmd /c start`, no shell parses the URL.
  if (platform === 'win32') return { command: 'rundll32', args: ['url.dll,FileProtocolHandler', url] };
  return { command: 'xdg-open', args: [url] };
}

/** Openers report a missing browser or display by exiting at once; one still running after this has launched. */
const OPENER_GRACE_MS = 2_000;

/** Resolves with why the browser could not be opened, or undefined when it was. Never keeps the CLI alive. */
export function openInBrowser(url: string): Promise<string | undefined> {
  const { command, args } = browserCommand(url);
  return new Promise((resolve) => {
    const child = spawn(command, args, { detached: true, stdio: 'ignore', windowsHide: true });
    const timer = setTimeout(() => {
      child.unref();
      resolve(undefined);
    }, OPENER_GRACE_MS);
    timer.unref();
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve(`${command}: ${error.message}`);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code === 0 ? undefined : `${command} exited with ${code ?? signal}`);
    });
  });
}

export const consoleCommand = daemonLeaf<{ print: boolean }>(
  'console',
  'Open the web console in your browser, signed in (starts the daemon if needed)',
  (y) =>
    y.option('print', {
      type: 'boolean',
      default: false,
      describe: 'Only print the sign-in URL (it carries the console token: do not share it)',
    }),
  async (client, args, out) => {
    const { url } = await client.system.consoleUrl.query();
    if (args.print) {
      out.result(url, { url });
      return;
    }
    const failure = await openInBrowser(url);
    if (failure === undefined) {
      out.result(`Opened the RestFlow console in your browser: ${url}`, { url, opened: true });
      return;
    }
    out.notice(`Could not open a browser (${failure}); open this URL yourself:`);
    out.result(url, { url, opened: false });
  },
);
