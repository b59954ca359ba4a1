// `restflow daemon install | uninstall`: the daemon as a systemd user unit (Linux) or a launchd agent (macOS),
// started at login and restarted by the service manager after a crash. The files come from the templates in
// scripts/service/; the manager is only called when it is on this machine (else the file is written and the
// command to run is printed).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { getDaemonState, readPidFile } from '@restflow/launcher';
import type { RestflowPaths } from '@restflow/paths';
import { leaf, noArgs } from '../command.ts';
import { CliError, cliPaths } from '../daemon-connection.ts';
import type { Output } from '../output.ts';

type ServiceKind = 'systemd' | 'launchd';

interface ServiceTarget {
  kind: ServiceKind;
  /** Where the unit file goes (RESTFLOW_SERVICE_DIR overrides it: tests, or a system-wide location). */
  file: string;
  template: string;
}

const UNIT_NAME = 'restflow.service';
const AGENT_LABEL = 'dev.restflow.daemon';

function repoRoot(): string {
  // The daemon's package sits at apps/daemon in the checkout the CLI belongs to.
  const daemonPackage = createRequire(import.meta.url).resolve('@restflow/daemon/package.json');
  return path.resolve(path.dirname(daemonPackage), '..', '..');
}

function serviceKind(env: NodeJS.ProcessEnv): ServiceKind {
  const named = env.RESTFLOW_SERVICE_KIND;
  if (named === 'systemd' || named === 'launchd') return named;
  if (process.platform === 'linux') return 'systemd';
  if (process.platform === 'darwin') return 'launchd';
  throw new CliError(
    `no service manager support on ${process.platform}: run 'restflow start' at login instead (the CLI's supervisor restarts the daemon after a crash)`,
  );
}

export function serviceTarget(env: NodeJS.ProcessEnv = process.env): ServiceTarget {
  const kind = serviceKind(env);
  const home = os.homedir();
  const dir =
    env.RESTFLOW_SERVICE_DIR ??
    (kind === 'systemd'
      ? path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'systemd', 'user')
      : path.join(home, 'Library', 'LaunchAgents'));
  const name = kind === 'systemd' ? UNIT_NAME : `${AGENT_LABEL}.plist`;
  return { kind, file: path.join(dir, name), template: path.join(repoRoot(), 'scripts', 'service', name) };
}

/** systemd: quoted where a path may hold spaces; `%` is a specifier character and must be doubled. */
const systemdValue = (value: string) =>
  `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('%', '%%')}"`;
const xmlText = (value: string) =>
  value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/** The template with this install's node binary, checkout and data dir filled in. */
export function renderService(target: ServiceTarget, dataDir: string, node = process.execPath): string {
  const template = fs.readFileSync(target.template, 'utf8');
  const repo = repoRoot();
  if (target.kind === 'launchd') {
    return template
      .replaceAll('@NODE@', xmlText(node))
      .replaceAll('@REPO@', xmlText(repo))
      .replaceAll('@DATA_DIR@', xmlText(dataDir));
  }
  return template
    .replace(
      'ExecStart=@NODE@ @REPO@/apps/daemon/bin/restflow-daemon.cjs',
      () => `ExecStart=${systemdValue(node)} ${systemdValue(path.join(repo, 'apps/daemon/bin/restflow-daemon.cjs'))}`,
    )
    .replace('Environment=RESTFLOW_DIR=@DATA_DIR@', () => `Environment=${systemdValue(`RESTFLOW_DIR=${dataDir}`)}`);
}

interface ManagerCall {
  command: string;
  ran: boolean;
  ok: boolean;
  output?: string;
}

/** Runs the service manager if this machine has it; a missing one is reported, not an error. */
function callManager(command: string, args: string[]): ManagerCall {
  const line = [command, ...args].join(' ');
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 30_000 });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT')
    return { command: line, ran: false, ok: false };
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  return { command: line, ran: true, ok: result.status === 0, ...(output ? { output } : {}) };
}

function reportCalls(out: Output, calls: ManagerCall[]): void {
  for (const call of calls) {
    if (!call.ran)
      out.notice(`${call.command.split(' ')[0]} is not available here: run '${call.command}' where it is.`);
    else if (!call.ok) out.notice(`'${call.command}' failed${call.output ? `: ${call.output}` : ''}`);
  }
}

async function install(paths: RestflowPaths, out: Output): Promise<void> {
  const target = serviceTarget();
  const content = renderService(target, paths.dataDir);
  fs.mkdirSync(path.dirname(target.file), { recursive: true });
  fs.writeFileSync(target.file, content, { mode: 0o644 });
  const calls: ManagerCall[] = [];
  if (target.kind === 'systemd') {
    calls.push(callManager('systemctl', ['--user', 'daemon-reload']));
    if (calls[0]?.ran) calls.push(callManager('systemctl', ['--user', 'enable', '--now', UNIT_NAME]));
    else calls.push({ command: `systemctl --user enable --now ${UNIT_NAME}`, ran: false, ok: false });
  } else {
    calls.push(callManager('launchctl', ['load', '-w', target.file]));
  }
  reportCalls(out, calls);
  const enabled = calls.every((call) => call.ok);
  // A daemon the CLI started keeps the data dir: the service's daemon would find it locked (exit 75) and wait.
  const running = await getDaemonState(paths, 1000, 0);
  const pid = readPidFile(paths.pidFile);
  const cliStarted = running.state === 'running' && pid.kind === 'alive' && pid.record.mode !== 'service';
  if (cliStarted) {
    out.notice(
      `A daemon started outside the service runs now (PID: ${running.pid}); the service takes over at the next login, ` +
        `or now: restflow daemon stop && ${target.kind === 'systemd' ? `systemctl --user restart ${UNIT_NAME}` : `launchctl kickstart -k gui/$(id -u)/${AGENT_LABEL}`}`,
    );
  }
  out.result(
    `Installed the RestFlow ${target.kind === 'systemd' ? 'systemd user unit' : 'launchd agent'}: ${target.file}\n` +
      `  data dir: ${paths.dataDir}\n  ${enabled ? 'enabled: starts at login, restarted after a crash' : 'not enabled yet (see above)'}`,
    { installed: true, kind: target.kind, file: target.file, data_dir: paths.dataDir, enabled, calls },
  );
}

async function uninstall(out: Output): Promise<void> {
  const target = serviceTarget();
  if (!fs.existsSync(target.file)) {
    out.result(`No RestFlow service installed (${target.file})`, {
      removed: false,
      kind: target.kind,
      file: target.file,
      calls: [],
    });
    return;
  }
  const calls: ManagerCall[] =
    target.kind === 'systemd'
      ? [callManager('systemctl', ['--user', 'disable', '--now', UNIT_NAME])]
      : [callManager('launchctl', ['unload', '-w', target.file])];
  fs.rmSync(target.file, { force: true });
  if (target.kind === 'systemd' && calls[0]?.ran) calls.push(callManager('systemctl', ['--user', 'daemon-reload']));
  reportCalls(
    out,
    calls.filter((call) => call.ran),
  );
  out.result(`Removed the RestFlow service: ${target.file}`, {
    removed: true,
    kind: target.kind,
    file: target.file,
    calls,
  });
}

export const daemonInstallCommand = leaf(
  'install',
  'Install the daemon as a user service (systemd / launchd): started at login, restarted after a crash',
  noArgs,
  (_args, out) => install(cliPaths(), out),
);

export const daemonUninstallCommand = leaf(
  'uninstall',
  'Stop and remove the user service that `daemon install` wrote',
  noArgs,
  (_args, out) => uninstall(out),
);
