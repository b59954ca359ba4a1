// The environment of every tool subprocess (bash, run_python, CLI-mode tasks): an allow-list of harmless
// variables of the daemon plus what the agent is explicitly granted. Provider keys, RESTFLOW_*, bot tokens and
// anything else the daemon holds never reach a tool.

/** Copied from the daemon's environment when set. */
export const TOOL_ENV_ALLOWLIST: readonly string[] = Object.freeze([
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TERM',
  'COLORTERM',
  'NO_COLOR',
  'TMPDIR',
  'COLUMNS',
  'LINES',
  'PYTHONIOENCODING',
  'SYSTEMROOT',
  'WINDIR',
  'COMSPEC',
  'PATHEXT',
]);
const ALLOWED_PREFIXES = ['LC_'];

/** How an agent grants a variable: a literal value, or the value of a stored secret. */
export type EnvGrant = string | { secret: string };

export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface ToolEnvOptions {
  /** The daemon's environment, the source of the allow-listed variables. */
  base: NodeJS.ProcessEnv;
  /** The agent's `env` config. */
  grants?: Record<string, EnvGrant>;
  /** Resolves `{ secret: KEY }` grants; a missing secret leaves the variable unset. */
  secret?: (key: string) => string | undefined;
  /** Set last (e.g. the run id a CLI task carries). */
  extra?: Record<string, string>;
}

export function toolEnv(options: ToolEnvOptions): NodeJS.ProcessEnv {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.base)) {
    if (value === undefined) continue;
    if (TOOL_ENV_ALLOWLIST.includes(name) || ALLOWED_PREFIXES.some((p) => name.startsWith(p))) env[name] = value;
  }
  for (const [name, grant] of Object.entries(options.grants ?? {})) {
    if (!ENV_NAME_PATTERN.test(name)) continue;
    const value = typeof grant === 'string' ? grant : options.secret?.(grant.secret);
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, options.extra ?? {});
  // Only what was copied above: the NODE_ENV some type augmentations require is not invented here.
  return env as unknown as NodeJS.ProcessEnv;
}
