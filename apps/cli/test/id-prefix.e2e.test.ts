// The CLI prints 8-char ids and accepts any unique prefix; an ambiguous prefix must be one clear line, exit 1,
// and must never act on one of the matches.
import { afterAll, describe, expect, it } from '@jest/globals';
import { createRestflowClient } from '@restflow/api/client';
import { removeDataDir, runCli, runCliJson, stopDaemonFor, tempDataDir } from '@restflow/testkit';

const dataDir = tempDataDir();
afterAll(async () => {
  await stopDaemonFor(dataDir);
  removeDataDir(dataDir);
});

/** A first character shared by at least two ids (17 random hex-led ids guarantee one). */
function sharedFirstChar(ids: string[]): { prefix: string; matches: string[] } {
  const byFirst = new Map<string, string[]>();
  for (const id of ids) byFirst.set(id[0] as string, [...(byFirst.get(id[0] as string) ?? []), id]);
  const [prefix, matches] = [...byFirst].find(([, group]) => group.length > 1) ?? ['', []];
  return { prefix, matches };
}

describe('id prefixes in the CLI', () => {
  it('accepts a unique prefix and refuses an ambiguous one with a clear error (agents, sessions, tasks)', async () => {
    await runCliJson(['agent', 'list'], { dataDir }); // auto-starts the daemon
    const sdk = createRestflowClient({ dataDir });
    try {
      const agents = [(await sdk.agents.list.query())[0]?.id as string];
      for (let i = 0; i < 16; i++) agents.push((await sdk.agents.create.mutate({ name: `a${i}` })).id);
      const sessions: string[] = [];
      const tasks: string[] = [];
      for (let i = 0; i < 17; i++) {
        sessions.push((await sdk.sessions.create.mutate({ agent_id: agents[0] })).id);
        tasks.push((await sdk.tasks.create.mutate({ name: `t${i}`, agent_id: agents[0] as string })).id);
      }

      for (const [group, ids, noun] of [
        ['agent', agents, 'agents'],
        ['session', sessions, 'chat sessions'],
        ['task', tasks, 'tasks'],
      ] as const) {
        const { prefix, matches } = sharedFirstChar(ids);
        const ambiguous = await runCli([group, 'show', prefix], { dataDir });
        expect(ambiguous.code).toBe(1);
        expect(ambiguous.stdout).toBe('');
        expect(ambiguous.stderr.trim()).toMatch(
          new RegExp(`^Error: id: prefix "${prefix}" is ambiguous: matches ${matches.length} ${noun} \\(`),
        );
        const unique = ids.find((id) => !matches.includes(id) && ids.filter((x) => x[0] === id[0]).length === 1);
        const target = unique ?? (matches[0] as string);
        const shown = await runCliJson<{ id: string }>([group, 'show', target.slice(0, 8)], { dataDir });
        expect(shown.id).toBe(target);
      }

      const { prefix } = sharedFirstChar(agents);
      const refused = await runCli(['agent', 'delete', prefix], { dataDir });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/is ambiguous/);
      expect((await sdk.agents.list.query()).length).toBe(agents.length);
    } finally {
      sdk.close();
    }
  });
});
