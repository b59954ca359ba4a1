import { describe, expect, it } from '@jest/globals';
import { appRouter, createCallerFactory } from '@restflow/api';
import { APPROVALS_CHANNEL, defaultSecurityPolicy, type PendingApproval } from '@restflow/core';
import { createTestCaller, createTestServices, errorOf, fakeDaemonControl } from '@restflow/testkit';

describe('security router: policy and pattern lists', () => {
  it('gets, patches and resets the policy', async () => {
    const { caller } = createTestCaller();
    expect(await caller.security.policy.get()).toEqual(defaultSecurityPolicy());
    const patched = await caller.security.policy.update({ default_action: 'block', approval_timeout_secs: 30 });
    expect(patched).toMatchObject({ default_action: 'block', approval_timeout_secs: 30 });
    expect(patched.allowlist).toEqual(defaultSecurityPolicy().allowlist);
    expect(await caller.security.policy.reset()).toEqual(defaultSecurityPolicy());
  });

  it('rejects bad policy input with BAD_REQUEST naming the field', async () => {
    const { caller } = createTestCaller();
    const action = await errorOf(caller.security.policy.update({ default_action: 'maybe' as never }));
    expect(action.code).toBe('BAD_REQUEST');
    expect(action.message).toMatch(/default_action: must be one of allow, block, require_approval/);
    const timeout = await errorOf(caller.security.policy.update({ approval_timeout_secs: 0 }));
    expect(timeout.message).toMatch(/approval_timeout_secs: approval_timeout_secs must be at least 1/);
    const pattern = await errorOf(caller.security.policy.update({ allowlist: [{ pattern: ' ' }] }));
    expect(pattern.message).toMatch(/allowlist\.0\.pattern: pattern must not be empty/);
    const unknown = await errorOf(caller.security.policy.update({ colour: 'red' } as never));
    expect(unknown.code).toBe('BAD_REQUEST');
  });

  it('manages the allowlist, blocklist and approval_required lists', async () => {
    const { caller } = createTestCaller();
    const count = (await caller.security.allowlist.get()).length;
    const added = await caller.security.allowlist.add({ pattern: 'npm ls *', description: 'List packages' });
    expect(added.patterns).toHaveLength(count + 1);
    expect((await errorOf(caller.security.allowlist.add({ pattern: 'npm ls *' }))).code).toBe('CONFLICT');
    const removed = await caller.security.allowlist.remove({ index: count });
    expect(removed.pattern).toEqual({ pattern: 'npm ls *', description: 'List packages' });
    const outOfRange = await errorOf(caller.security.allowlist.remove({ index: 9999 }));
    expect(outOfRange.code).toBe('BAD_REQUEST');
    expect(outOfRange.message).toMatch(/^index: 9999 is out of range/);
    expect((await errorOf(caller.security.allowlist.remove({ index: -1 }))).message).toMatch(
      /index: index must be 0 or more/,
    );
    expect(await caller.security.allowlist.set({ allowlist: [{ pattern: 'ls *' }] })).toEqual([{ pattern: 'ls *' }]);

    await caller.security.blocklist.add({ pattern: 'make deploy *' });
    expect((await caller.security.blocklist.get()).at(-1)).toEqual({ pattern: 'make deploy *' });
    expect((await caller.security.check({ command: 'make deploy prod' })).action).toBe('block');
    await caller.security.blocklist.remove({ index: (await caller.security.blocklist.get()).length - 1 });

    await caller.security.approvalRequired.set({ approval_required: [] });
    await caller.security.approvalRequired.add({ pattern: 'ls -R*' });
    expect((await caller.security.check({ command: 'ls -R /' })).action).toBe('require_approval');
    expect((await caller.security.approvalRequired.remove({ index: 0 })).patterns).toEqual([]);
  });

  it('previews decisions with a reason per simple command', async () => {
    const { caller } = createTestCaller();
    const preview = await caller.security.check({ command: 'ls | grep x && sudo reboot' });
    expect(preview.action).toBe('block');
    expect(preview.matched).toEqual({ pattern: 'sudo *', description: 'Privilege escalation' });
    expect(preview.segments.map((s) => [s.command, s.action])).toEqual([
      ['ls', 'allow'],
      ['grep x', 'allow'],
      ['sudo reboot', 'block'],
    ]);
    const empty = await errorOf(caller.security.check({ command: '  ' }));
    expect(empty.code).toBe('BAD_REQUEST');
    expect(empty.message).toMatch(/command: command must not be empty/);
  });
});

describe('security router: approvals', () => {
  it('lists, gets, approves and rejects; decided or expired approvals conflict', async () => {
    const services = createTestServices();
    const { caller } = createTestCaller(services);
    const a = services.security.approvals.create('make a', { task_id: 't1', agent_id: 'ag1' });
    const b = services.security.approvals.create('make b');
    expect((await caller.security.approvals.list()).map((x) => x.id).sort()).toEqual([a.id, b.id].sort());
    expect(await caller.security.approvals.get({ id: a.id.slice(0, 8) })).toEqual(a);
    expect((await caller.security.approvals.approve({ id: a.id })).status).toBe('approved');
    const rejected = await caller.security.approvals.reject({ id: b.id, reason: 'nope' });
    expect(rejected).toMatchObject({ status: 'rejected', rejection_reason: 'nope' });
    expect(await caller.security.approvals.list({ status: 'pending' })).toEqual([]);
    expect((await caller.security.approvals.list({ task_id: 't1' })).map((x) => x.id)).toEqual([a.id]);

    const again = await errorOf(caller.security.approvals.approve({ id: a.id }));
    expect(again.code).toBe('CONFLICT');
    expect(again.message).toBe(`Approval ${a.id} can no longer be approved: it was already approved`);

    const c = services.security.approvals.create('make c');
    services.clock.advance(301_000);
    expect(await caller.security.approvals.expire()).toEqual({ expired: 1 });
    const late = await errorOf(caller.security.approvals.reject({ id: c.id }));
    expect(late.code).toBe('CONFLICT');
    expect(late.message).toMatch(/can no longer be rejected: it expired at/);

    const requested = await caller.security.approvals.create({ command: 'make d', agent_id: 'ag2', workdir: '/w' });
    expect(requested).toMatchObject({
      command: 'make d',
      agent_id: 'ag2',
      task_id: null,
      workdir: '/w',
      status: 'pending',
    });
    const noCommand = await errorOf(caller.security.approvals.create({ command: '' }));
    expect(noCommand.code).toBe('BAD_REQUEST');
    expect(noCommand.message).toMatch(/command: command must not be empty/);

    const missing = await errorOf(caller.security.approvals.get({ id: 'zzzz' }));
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toBe('Approval zzzz not found');
    expect((await errorOf(caller.security.approvals.list({ status: 'done' as never }))).message).toMatch(/status/);
    expect((await errorOf(caller.security.approvals.approve({ id: '' }))).code).toBe('BAD_REQUEST');
  });

  it('streams approval changes, optionally starting with the pending ones, and stops on abort', async () => {
    const { services } = createTestCaller();
    const controller = new AbortController();
    // The caller-level signal is what tRPC hands to procedures (a transport aborts it on unsubscribe).
    const caller = createCallerFactory(appRouter)(
      { services, daemon: fakeDaemonControl(), transport: 'local' },
      { signal: controller.signal },
    );
    const waiting = services.security.approvals.create('make waiting');
    const stream = await caller.security.onApprovals({ include_pending: true });
    const seen: PendingApproval[] = [];
    const consumer = (async () => {
      for await (const approval of stream) {
        seen.push(approval);
        if (seen.length === 4) controller.abort();
      }
    })();
    await new Promise((r) => setTimeout(r, 10));
    const fresh = services.security.approvals.create('make fresh');
    services.security.approvals.approve(fresh.id);
    services.security.approvals.reject(waiting.id);
    await consumer;
    expect(seen.map((a) => [a.command, a.status])).toEqual([
      ['make waiting', 'pending'],
      ['make fresh', 'pending'],
      ['make fresh', 'approved'],
      ['make waiting', 'rejected'],
    ]);
    expect(services.bus.listenerCount(APPROVALS_CHANNEL)).toBe(0);
  });

  it('releases the bus listener when the consumer stops iterating', async () => {
    const { caller, services } = createTestCaller();
    const stream = await caller.security.onApprovals();
    const consumer = (async () => {
      for await (const approval of stream) return approval;
      return undefined;
    })();
    await new Promise((r) => setTimeout(r, 10));
    services.security.approvals.create('make once');
    expect((await consumer)?.command).toBe('make once');
    await new Promise((r) => setTimeout(r, 10));
    expect(services.bus.listenerCount(APPROVALS_CHANNEL)).toBe(0);
    services.security.approvals.dispose();
  });
});
