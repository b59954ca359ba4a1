// The daemon's errors carry a reason and its facts (NO_MODEL, NO_API_KEY, MODEL_RETIRED …); the daemon's
// messages name no client's commands, so the CLI adds the commands that fix each one here.

export interface ErrorFacts {
  reason?: string | null;
  details?: Record<string, unknown> | null;
}

/** A shell-safe way to name an agent: its name when it is one word, quoted otherwise, else its id. */
function agentRef(details: Record<string, unknown>): string {
  const name = typeof details.agent_name === 'string' ? details.agent_name : undefined;
  const id = typeof details.agent_id === 'string' ? details.agent_id : undefined;
  if (name && /^[\w.-]+$/.test(name)) return name;
  if (name) return `"${name.replace(/(["\\$`])/g, '\\$1')}"`;
  return id ?? '<agent>';
}

/** Lines to print after the error message; empty when there is nothing to add. */
export function hintFor(facts: ErrorFacts, env: NodeJS.ProcessEnv = process.env): string[] {
  const details = facts.details ?? {};
  switch (facts.reason) {
    case 'NO_MODEL':
      return [
        `Give it a model: restflow agent update ${agentRef(details)} -m <model>`,
        'See what your providers offer: restflow models',
      ];
    case 'UNKNOWN_MODEL':
      return [
        `See the models you can use: restflow models; then restflow agent update ${agentRef(details)} -m <model>`,
      ];
    case 'MODEL_RETIRED':
      return [`Switch it: restflow agent update ${agentRef(details)} -m ${String(details.replacement)}`];
    case 'NO_API_KEY': {
      const name = String(details.key_name);
      const provider = String(details.provider);
      const inShell = Boolean(env[name]);
      return [
        ...(inShell ? [`${name} is set in this shell, but the daemon reads its environment only when it starts.`] : []),
        `Store the key (used at once):   restflow secret set ${name}`,
        inShell
          ? 'Or restart the daemon from this shell: restflow daemon restart'
          : `Or export ${name}=… and restart the daemon (it reads its environment at start): restflow daemon restart`,
        `Or add an auth profile:         restflow key add ${provider} …`,
      ];
    }
    case 'API_KEY_SECRET_MISSING':
      return [`Store it: restflow secret set ${String(details.key_name)}`];
    case 'NO_AGENT':
      return ['Create one: restflow agent create -n <name> -m <model>'];
    default:
      return [];
  }
}
