// The OS sandbox around tool subprocesses (bash, run_python): the agent workspace read-write, the system
// read-only, the protected paths (data dir, credential stores) masked, a private /tmp and process table, and the
// network shared or cut per agent. Linux: bubblewrap; macOS: sandbox-exec (Seatbelt) with a profile generated
// from the same rules. docs/security.md describes what each platform enforces.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findExecutable } from '../tools/find-executable.ts';
import { isInside, realPathOf } from './protected-paths.ts';

export type SandboxKind = 'bubblewrap' | 'seatbelt' | 'none';

/** `RESTFLOW_TOOL_SANDBOX`: `auto` (default) uses what the platform has; `off` turns the sandbox off. */
export const SANDBOX_MODE_ENV = 'RESTFLOW_TOOL_SANDBOX';

export interface SandboxRules {
  /** Read-write: the agent workspace (first) and any extra granted directories. */
  writable: string[];
  /** Masked: unreadable and unwritable (a mask on a writable parent wins for everything but `writable`). */
  masked: string[];
  /** False cuts every network access, loopback included. */
  network: boolean;
  /** Where the command starts (inside the workspace). */
  workdir: string;
}

export interface SandboxStatus {
  kind: SandboxKind;
  /** Plain words for status screens when tools run unsandboxed (or why the sandbox could not start). */
  warning: string | null;
}

export interface WrappedCommand {
  command: string;
  args: string[];
}

/** The sandbox every tool process goes through: `wrap` turns `command args` into the sandboxed invocation. */
export interface ToolSandbox extends SandboxStatus {
  wrap(command: string, args: string[], rules: SandboxRules): WrappedCommand;
}

// Flags every sandboxed command gets: own PID namespace (no other process, the daemon included, is visible),
// no controlling terminal to inject keystrokes into, killed with its parent.
const BWRAP_BASE = ['--die-with-parent', '--new-session', '--unshare-pid', '--unshare-ipc', '--unshare-uts'];

const existing = (paths: string[]) =>
  paths.filter((p) => {
    try {
      fs.lstatSync(p);
      return true;
    } catch {
      return false;
    }
  });

/**
 * bubblewrap arguments, in mount order: the whole system read-only, fresh /dev, /proc and /tmp, then the masks
 * (an empty tmpfs over a directory, /dev/null over a file), then the writable directories bound back on top.
 */
export function bubblewrapArgs(rules: SandboxRules): string[] {
  const args = [...BWRAP_BASE];
  if (!rules.network) args.push('--unshare-net');
  args.push('--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', '--tmpfs', '/var/tmp');
  const masked = existing(rules.masked).map((p) => realPathOf(p));
  const writable = rules.writable.map((p) => realPathOf(p));
  // A writable dir inside a mask (the workspace under the data dir) is bound after the masks; any other one
  // before them, so a mask inside it (a granted home directory's ~/.ssh) still applies.
  const underMask = (dir: string) => masked.some((m) => isInside(m, dir));
  for (const dir of writable.filter((d) => !underMask(d))) args.push('--bind', dir, dir);
  for (const real of masked) {
    const isDir = fs.statSync(real, { throwIfNoEntry: false })?.isDirectory() ?? false;
    if (isDir) args.push('--tmpfs', real);
    else args.push('--ro-bind', '/dev/null', real);
  }
  for (const dir of writable.filter(underMask)) args.push('--bind', dir, dir);
  args.push('--chdir', realPathOf(rules.workdir));
  return args;
}

const sbString = (p: string) => `"${p.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/**
 * A Seatbelt (SBPL) profile with the same rules; the last matching rule wins, so the order is: allow, no writes,
 * writes in the workspace and temp dirs, no access to masked paths, the workspace again (it may lie under the
 * data dir), then the network.
 */
export function seatbeltProfile(rules: SandboxRules): string {
  const subpaths = (list: string[]) => list.map((p) => `(subpath ${sbString(p)})`).join(' ');
  const writable = rules.writable.flatMap((p) => [...new Set([p, realPathOf(p)])]);
  const masked = rules.masked.flatMap((p) => [...new Set([p, realPathOf(p)])]);
  const lines = [
    '(version 1)',
    '(allow default)',
    '(deny file-write*)',
    `(allow file-write* ${subpaths(writable)} (subpath "/private/tmp") (subpath "/private/var/folders") (literal "/dev/null") (literal "/dev/tty") (regex #"^/dev/fd/"))`,
    `(deny file-read* file-write* ${subpaths(masked)})`,
    `(allow file-read* file-write* ${subpaths(writable)})`,
    // Other processes' arguments and environment (the daemon's keys) stay hidden.
    '(deny process-info* (target others))',
  ];
  if (!rules.network)
    lines.push(
      '(deny network*)',
      '(allow network* (remote unix-socket (path-literal "/private/var/run/mDNSResponder")))',
    );
  return `${lines.join('\n')}\n`;
}

export function bubblewrapSandbox(bwrap: string): ToolSandbox {
  return {
    kind: 'bubblewrap',
    warning: null,
    wrap: (command, args, rules) => ({ command: bwrap, args: [...bubblewrapArgs(rules), '--', command, ...args] }),
  };
}

export function seatbeltSandbox(sandboxExec = '/usr/bin/sandbox-exec'): ToolSandbox {
  return {
    kind: 'seatbelt',
    warning: null,
    wrap: (command, args, rules) => ({ command: sandboxExec, args: ['-p', seatbeltProfile(rules), command, ...args] }),
  };
}

export function noSandbox(warning: string): ToolSandbox {
  return { kind: 'none', warning, wrap: (command, args) => ({ command, args }) };
}

const UNSANDBOXED =
  'agent tools (bash, run_python) run unsandboxed: they can read every file this user can; only the command policy stands between an agent and your keys';

/** The platform's sandbox, or the bubblewrap that has yet to prove it starts. */
function chooseSandbox(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): ToolSandbox | { bwrap: string } {
  const mode = (env[SANDBOX_MODE_ENV] ?? 'auto').trim().toLowerCase();
  if (mode === 'off' || mode === 'none') return noSandbox(`${UNSANDBOXED} (${SANDBOX_MODE_ENV}=${mode})`);
  if (platform === 'linux') {
    const bwrap = findExecutable('bwrap', env);
    if (!bwrap) return noSandbox(`${UNSANDBOXED} (bubblewrap is not installed: apt-get install bubblewrap)`);
    return { bwrap };
  }
  if (platform === 'darwin') {
    const sandboxExec = '/usr/bin/sandbox-exec';
    if (fs.existsSync(sandboxExec)) return seatbeltSandbox(sandboxExec);
    return noSandbox(`${UNSANDBOXED} (sandbox-exec is missing)`);
  }
  return noSandbox(`${UNSANDBOXED} (no sandbox on ${platform})`);
}

/** `true` in the tightest sandbox a tool call gets: a bubblewrap that user namespaces refuse fails here. */
const PROBE_ARGS = () => [...bubblewrapArgs({ writable: [], masked: [], network: false, workdir: '/' }), '--', 'true'];
const PROBE_TIMEOUT_MS = 10_000;

function probeVerdict(bwrap: string, exit: number | null, why: string): ToolSandbox {
  if (exit === 0) return bubblewrapSandbox(bwrap);
  return noSandbox(`${UNSANDBOXED} (bubblewrap cannot start here: ${why || `exit ${exit}`})`);
}

/**
 * Picks the platform's sandbox and proves it starts (a bubblewrap that user namespaces refuse fails here, once,
 * not in every tool call). Blocks until the probe ends: the daemon uses `probeSandbox`.
 */
export function detectSandbox(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): ToolSandbox {
  const choice = chooseSandbox(env, platform);
  if (!('bwrap' in choice)) return choice;
  const probe = spawnSync(choice.bwrap, PROBE_ARGS(), {
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: PROBE_TIMEOUT_MS,
    env,
  });
  return probeVerdict(choice.bwrap, probe.status, probe.stderr?.toString().trim() || probe.error?.message || '');
}

/**
 * `detectSandbox` without blocking the event loop while bubblewrap starts: the daemon begins it before loading
 * the rest of its code, so the probe runs alongside. Never rejects (a failed probe means no sandbox, with why).
 * With `provenFile`, a bubblewrap proven by an earlier start on this machine, unchanged since, is not probed again
 * (`provenSandboxKey`): the probe's child costs a start ~20 ms of CPU.
 */
export function probeSandbox(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
  options: { provenFile?: string } = {},
): Promise<ToolSandbox> {
  const choice = chooseSandbox(env, platform);
  if (!('bwrap' in choice)) return Promise.resolve(choice);
  const { bwrap } = choice;
  const key = options.provenFile ? provenSandboxKey(bwrap) : undefined;
  if (key && options.provenFile && readProven(options.provenFile) === key)
    return Promise.resolve(bubblewrapSandbox(bwrap));
  return new Promise((resolve) => {
    let stderr = '';
    let failure = '';
    const child = spawn(bwrap, PROBE_ARGS(), { stdio: ['ignore', 'ignore', 'pipe'], timeout: PROBE_TIMEOUT_MS, env });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('error', (error) => {
      failure = error.message;
    });
    child.once('close', (code, signal) => {
      const why =
        stderr.trim() || failure || (signal ? `no answer within ${PROBE_TIMEOUT_MS / 1000} s (${signal})` : '');
      const sandbox = probeVerdict(bwrap, code, why);
      // Only a success is remembered: a refusal is probed again at every start, so a fixed machine is seen at once.
      if (sandbox.kind === 'bubblewrap' && key && options.provenFile) writeProven(options.provenFile, key);
      resolve(sandbox);
    });
  });
}

/**
 * What a proven bubblewrap depends on: the binary, the kernel and this boot of it, the user, and the settings that
 * let unprivileged user namespaces be made. Any change means probing again; a machine whose bubblewrap stops
 * working some other way (a new AppArmor profile) fails its tool calls closed, with bubblewrap's error.
 */
export function provenSandboxKey(bwrap: string): string | undefined {
  const read = (file: string) => {
    try {
      return fs.readFileSync(file, 'utf8').trim();
    } catch {
      return null;
    }
  };
  try {
    const binary = fs.statSync(bwrap);
    return JSON.stringify({
      bwrap,
      size: binary.size,
      mtime: binary.mtimeMs,
      kernel: os.release(),
      boot: read('/proc/sys/kernel/random/boot_id'),
      uid: process.getuid?.() ?? null,
      userns: [
        read('/proc/sys/user/max_user_namespaces'),
        read('/proc/sys/kernel/unprivileged_userns_clone'),
        read('/proc/sys/kernel/apparmor_restrict_unprivileged_userns'),
      ],
    });
  } catch {
    return undefined;
  }
}

function readProven(file: string): string | undefined {
  try {
    return JSON.stringify((JSON.parse(fs.readFileSync(file, 'utf8')) as { proven?: unknown }).proven);
  } catch {
    return undefined;
  }
}

/** Written whole, then renamed; a cache that cannot be written only means the next start probes again. */
function writeProven(file: string, key: string): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, `{"proven":${key}}\n`, { mode: 0o600 });
    fs.renameSync(temporary, file);
  } catch {}
}

/** The rules for one tool call: the workspace and extra roots writable, the protected paths masked. */
export function sandboxRules(options: {
  workspace: string;
  extraWritable?: string[];
  protectedPaths: readonly string[];
  network: boolean;
  workdir?: string;
}): SandboxRules {
  return {
    writable: [options.workspace, ...(options.extraWritable ?? []).map((p) => path.resolve(p))],
    masked: [...options.protectedPaths],
    network: options.network,
    workdir: options.workdir ?? options.workspace,
  };
}
