// Kept apart from command.ts so that main.ts can name command words without loading what commands run on.

/** The words a command module answers to: `'update <id>'` → `['update']`, aliases included. */
export function commandWords(module: { command?: string | readonly string[] }): string[] {
  const specs = Array.isArray(module.command) ? module.command : [module.command ?? ''];
  return specs.map((spec: string) => spec.trim().split(/\s+/)[0] ?? '').filter((w) => w && !w.startsWith('$'));
}
