// `restflow session …` against a real auto-started daemon (messages are added through the SDK, as the agent
// engine would).
import { afterAll, describe, expect, it } from '@jest/globals';
import { createRestflowClient } from '@restflow/api/client';
import { removeDataDir, runCli, runCliJson, stopDaemonFor, tempDataDir } from '@restflow/testkit';

const dataDir = tempDataDir();
afterAll(async () => {
  await stopDaemonFor(dataDir);
  removeDataDir(dataDir);
});

const opts = { dataDir };

interface Session {
  id: string;
  name: string;
  agent_id: string;
  model: string;
  messages: { role: string; content: string }[];
}

describe('restflow session', () => {
  it('creates, lists, shows, searches and deletes chat sessions', async () => {
    const created = await runCli(['session', 'create'], opts);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^Session created: New Chat \([0-9a-f-]{36}\)\n$/);
    const agent = await runCliJson<{ id: string }>(['agent', 'create', '-n', 'Planner', '-m', 'gpt-5'], opts);
    const planned = await runCliJson<Session>(
      ['session', 'create', '--agent', agent.id.slice(0, 8), '--name', 'Trip plan'],
      opts,
    );
    expect(planned).toMatchObject({ name: 'Trip plan', agent_id: agent.id, model: 'gpt-5', messages: [] });

    const sdk = createRestflowClient({ dataDir });
    try {
      await sdk.sessions.messages.create.mutate({
        session_id: planned.id,
        role: 'user',
        content: 'Book a train to Porto',
      });
      await sdk.sessions.messages.create.mutate({
        session_id: planned.id,
        role: 'assistant',
        content: 'The train to Porto leaves at 9.',
      });
    } finally {
      sdk.close();
    }

    const table = await runCli(['session', 'list'], opts);
    expect(table.stdout).toMatch(/ID\s+│\s+Name\s+│\s+Agent\s+│\s+Model\s+│\s+Messages\s+│\s+Updated/);
    expect(table.stdout).toMatch(
      new RegExp(`${planned.id.slice(0, 8)}\\s+│\\s+Trip plan\\s+│\\s+Planner\\s+│\\s+gpt-5\\s+│\\s+2`),
    );
    expect(table.stdout).toMatch(/New Chat\s+│\s+Default Assistant\s+│\s+default\s+│\s+0/);

    const shown = await runCli(['session', 'show', planned.id.slice(0, 8)], opts);
    expect(shown.stdout).toMatch(/Name:\s+Trip plan/);
    expect(shown.stdout).toMatch(/\[user\] .*\nBook a train to Porto\n/);
    expect(shown.stdout).toMatch(/\[assistant\] .*\nThe train to Porto leaves at 9\.\n/);

    const found = await runCli(['session', 'search', 'PORTO'], opts);
    expect(found.stdout).toMatch(/ID\s+│\s+Name\s+│\s+Matches\s+│\s+Preview/);
    expect(found.stdout).toMatch(/Trip plan\s+│\s+2\s+│\s+Book a train to Porto/);
    const json = await runCliJson<{ id: string; match_count: number }[]>(
      ['session', 'search', 'porto', '--agent', agent.id],
      opts,
    );
    expect(json.map((h) => [h.id, h.match_count])).toEqual([[planned.id, 2]]);
    const page = await runCliJson<{ items: { id: string }[]; next_cursor: string | null }>(
      ['session', 'search', 'porto', '--limit', '1'],
      opts,
    );
    expect(page).toEqual({ items: [expect.objectContaining({ id: planned.id })], next_cursor: null });
    const none = await runCli(['session', 'search', 'porto', '--agent', 'zzzz-unknown'], opts);
    expect(none.stdout).toBe('(none)\n');

    const deleted = await runCli(['session', 'delete', planned.id.slice(0, 8)], opts);
    expect(deleted.stdout).toBe(`Session deleted: ${planned.id}\n`);
    const left = await runCliJson<{ id: string }[]>(['session', 'list'], opts);
    expect(left).toHaveLength(1);

    const missing = await runCli(['session', 'show', 'ffffffff'], opts);
    expect([missing.code, missing.stderr]).toEqual([1, 'Error: Chat session ffffffff not found\n']);
    const badModel = await runCli(['session', 'create', '--model', 'gpt-0'], opts);
    expect(badModel.code).toBe(1);
    expect(badModel.stderr).toMatch(/^Error: model: unknown model "gpt-0"/);
    const badAgent = await runCli(['session', 'create', '--agent', 'ghost'], opts);
    expect(badAgent.stderr).toBe('Error: Agent ghost not found\n');
  });
});
