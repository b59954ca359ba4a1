// `restflow security …` against a real auto-started daemon: approvals queued by an SDK client (as the agent
// engine queues them) are listed, approved and rejected from the CLI; pattern lists and the policy persist.
import { afterAll, describe, expect, it } from '@jest/globals';
import { createRestflowClient } from '@restflow/api/client';
import { removeDataDir, runCli, runCliJson, stopDaemonFor, tempDataDir } from '@restflow/testkit';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) {
    await stopDaemonFor(dir);
    removeDataDir(dir);
  }
});

interface Approval {
  id: string;
  command: string;
  task_id: string | null;
  agent_id: string | null;
  status: string;
  rejection_reason?: string;
}
interface Pattern {
  pattern: string;
  description?: string;
}
interface Policy {
  default_action: string;
  approval_timeout_secs: number;
  allowlist: Pattern[];
  blocklist: Pattern[];
}

describe('restflow security', () => {
  it('lists, approves and rejects queued commands while a subscriber sees every decision', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const opts = { dataDir };
    const empty = await runCli(['security', 'approvals'], opts);
    expect(empty.code).toBe(0);
    expect(empty.stdout.trim()).toBe('(none)');

    const sdk = createRestflowClient({ dataDir });
    const build = await sdk.security.approvals.create.mutate({
      command: 'make build',
      task_id: 'task-1234567890',
      agent_id: 'agent-abcdefgh',
    });
    const deploy = await sdk.security.approvals.create.mutate({ command: 'make deploy' });
    const seen: string[] = [];
    const waitForSeen = async (n: number) => {
      const deadline = Date.now() + 5_000;
      while (seen.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    };
    // Subscribed after the requests: include_pending replays them first, then live changes follow.
    const subscription = sdk.security.onApprovals.subscribe(
      { include_pending: true },
      { onData: (a) => seen.push(`${a.command}:${a.status}`) },
    );
    try {
      await waitForSeen(2);
      expect(seen).toEqual(['make build:pending', 'make deploy:pending']);

      const table = await runCli(['security', 'approvals'], opts);
      expect(table.code).toBe(0);
      for (const header of ['ID', 'Command', 'Task', 'Agent', 'Expires']) expect(table.stdout).toContain(header);
      expect(table.stdout).toContain(build.id.slice(0, 8));
      expect(table.stdout).toContain('make build');
      expect(table.stdout).toContain('task-123');
      expect(table.stdout).toMatch(/in [45]m \d+s/);

      const approved = await runCli(['security', 'approve', build.id.slice(0, 8)], opts);
      expect(approved.code).toBe(0);
      expect(approved.stdout.trim()).toBe(`Approved: make build (${build.id})`);
      const rejected = await runCliJson<Approval>(
        ['security', 'reject', deploy.id, '--reason', 'not on Fridays'],
        opts,
      );
      expect(rejected).toMatchObject({ status: 'rejected', rejection_reason: 'not on Fridays' });

      const again = await runCli(['security', 'approve', build.id], opts);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain(`Approval ${build.id} can no longer be approved: it was already approved`);
      const missing = await runCli(['security', 'reject', 'ffffffff'], opts);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('Approval ffffffff not found');

      expect(await runCliJson<Approval[]>(['security', 'approvals'], opts)).toEqual([]);
      const all = await runCliJson<Approval[]>(['security', 'approvals', '--all'], opts);
      expect(all.map((a) => [a.command, a.status])).toEqual([
        ['make deploy', 'rejected'],
        ['make build', 'approved'],
      ]);
      expect((await runCli(['security', 'approvals', '--all'], opts)).stdout).toContain('Status');

      await waitForSeen(4);
      expect(seen).toEqual([
        'make build:pending',
        'make deploy:pending',
        'make build:approved',
        'make deploy:rejected',
      ]);
    } finally {
      subscription.unsubscribe();
      sdk.close();
    }
  });

  it('edits pattern lists and the policy, and previews decisions with check', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const opts = { dataDir };

    const shown = await runCli(['security', 'allowlist', 'show'], opts);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/Index.*Pattern.*Description/);
    expect(shown.stdout).toContain('git status *');
    const before = await runCliJson<Pattern[]>(['security', 'allowlist', 'show'], opts);

    const added = await runCli(['security', 'allowlist', 'add', 'make test *', '-d', 'Run the tests'], opts);
    expect(added.stdout.trim()).toBe('Added to the allowlist: make test *');
    const duplicate = await runCli(['security', 'allowlist', 'add', 'make test *'], opts);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('The allowlist already contains "make test *"');
    expect((await runCliJson<{ action: string }>(['security', 'check', 'make test unit'], opts)).action).toBe('allow');
    const removed = await runCli(['security', 'allowlist', 'remove', String(before.length)], opts);
    expect(removed.stdout.trim()).toBe('Removed from the allowlist: make test *');
    const outOfRange = await runCli(['security', 'allowlist', 'remove', '999'], opts);
    expect(outOfRange.code).toBe(1);
    expect(outOfRange.stderr).toContain('index: 999 is out of range');

    await runCli(['security', 'blocklist', 'add', 'terraform destroy *'], opts);
    const blocked = await runCli(
      ['security', 'check', '--', 'ls', '&&', 'terraform', 'destroy', '-auto-approve'],
      opts,
    );
    expect(blocked.code).toBe(0);
    expect(blocked.stdout).toMatch(/Action: +block/);
    expect(blocked.stdout).toContain('"terraform destroy -auto-approve" blocked by "terraform destroy *"');
    const blocklist = await runCliJson<Pattern[]>(['security', 'blocklist', 'show'], opts);
    expect(blocklist.at(-1)).toEqual({ pattern: 'terraform destroy *' });
    await runCli(['security', 'blocklist', 'remove', String(blocklist.length - 1)], opts);

    const find = await runCliJson<{ action: string; matched: Pattern }>(['security', 'check', 'find . -delete'], opts);
    expect(find).toMatchObject({ action: 'require_approval', matched: { pattern: 'find *-delete*' } });

    const policy = await runCli(['security', 'policy', 'show'], opts);
    expect(policy.stdout).toMatch(/Default action: +require_approval/);
    expect(policy.stdout).toMatch(/Approval timeout: +300 s/);
    const setDefault = await runCli(['security', 'policy', 'set-default', 'allow'], opts);
    expect(setDefault.stdout.trim()).toBe('Default action: allow');
    const bad = await runCli(['security', 'policy', 'set-default', 'sometimes'], opts);
    expect(bad.code).toBe(2);
    expect((await runCliJson<{ action: string }>(['security', 'check', 'make deploy'], opts)).action).toBe('allow');
    await runCli(['security', 'policy', 'set-timeout', '60'], opts);
    const stored = await runCliJson<Policy>(['security', 'policy', 'show'], opts);
    expect(stored).toMatchObject({ default_action: 'allow', approval_timeout_secs: 60 });
    expect(stored.allowlist).toHaveLength(before.length);
    const reset = await runCliJson<Policy>(['security', 'policy', 'reset'], opts);
    expect(reset.default_action).toBe('require_approval');
  });
});
