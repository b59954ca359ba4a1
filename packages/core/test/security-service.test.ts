import { describe, expect, it } from '@jest/globals';
import { createTestServices } from '@restflow/testkit';
import {
  APPROVALS_CHANNEL,
  ConflictError,
  DEFAULT_ALLOWLIST,
  defaultSecurityPolicy,
  InvalidInputError,
  NotFoundError,
  type PendingApproval,
} from '../src/index.ts';

const START_SECS = Date.UTC(2026, 0, 1) / 1000;

describe('SecurityService policy', () => {
  it('seeds the default policy in the database and persists changes', () => {
    const s = createTestServices();
    expect(s.security.getPolicy()).toEqual(defaultSecurityPolicy());
    const updated = s.security.setPolicy({ default_action: 'block', approval_timeout_secs: 60 });
    expect(updated).toMatchObject({ default_action: 'block', approval_timeout_secs: 60 });
    expect(updated.allowlist).toEqual([...DEFAULT_ALLOWLIST]);
    // Persisted in the security_policies row, not held in memory.
    expect(s.db.$client.prepare('select default_action from security_policies').get()).toEqual({
      default_action: 'block',
    });
    expect(s.security.setDefaultAction('allow').default_action).toBe('allow');
    expect(s.security.resetPolicy()).toEqual(defaultSecurityPolicy());
  });

  it('validates the policy and names the bad field', () => {
    const s = createTestServices();
    expect(() => s.security.setPolicy({ approval_timeout_secs: 0 })).toThrow(
      /approval_timeout_secs: must be an integer/,
    );
    expect(() => s.security.setPolicy({ default_action: 'maybe' as never })).toThrow(/default_action: must be one of/);
    expect(() => s.security.setPolicy({ blocklist: [{ pattern: '  ' }] })).toThrow(
      /blocklist\.0\.pattern: must not be empty/,
    );
    expect(() => s.security.setPatterns('allowlist', [{ pattern: 'x'.repeat(501) }])).toThrow(InvalidInputError);
    expect(s.security.getPolicy()).toEqual(defaultSecurityPolicy());
  });

  it('adds and removes patterns by 0-based index, refusing duplicates and bad indexes', () => {
    const s = createTestServices();
    const before = s.security.getPatterns('allowlist').length;
    const added = s.security.addPattern('allowlist', { pattern: '  npm   ls *', description: ' List packages ' });
    expect(added.pattern).toEqual({ pattern: 'npm ls *', description: 'List packages' });
    expect(added.patterns).toHaveLength(before + 1);
    expect(s.security.evaluate('npm ls --depth 0').action).toBe('allow');
    expect(() => s.security.addPattern('allowlist', { pattern: 'npm ls *' })).toThrow(ConflictError);
    expect(s.security.matchingPatterns('allowlist', 'npm ls')).toEqual([added.pattern]);

    const removed = s.security.removePattern('allowlist', before);
    expect(removed.pattern.pattern).toBe('npm ls *');
    expect(removed.patterns).toHaveLength(before);
    expect(() => s.security.removePattern('allowlist', before)).toThrow(/index: .* must be from 0 to/);
    expect(() => s.security.removePattern('blocklist', -1)).toThrow(InvalidInputError);
    s.security.setPatterns('approval_required', []);
    expect(() => s.security.removePattern('approval_required', 0)).toThrow(/the approval_required is empty/);
    expect(s.security.addPattern('blocklist', { pattern: 'make deploy' }).patterns.at(-1)).toEqual({
      pattern: 'make deploy',
    });
    expect(s.security.evaluate('make deploy').action).toBe('block');
  });
});

describe('SecurityService approvals', () => {
  it('creates approvals in seconds with the policy timeout and publishes every change', () => {
    const s = createTestServices();
    const seen: PendingApproval[] = [];
    s.bus.subscribe(APPROVALS_CHANNEL, (a) => seen.push(a as PendingApproval));
    s.security.setPolicy({ approval_timeout_secs: 120 });
    const a = s.security.createApproval(' make build ', { task_id: 't1', agent_id: 'a1', run_id: 'r1', workdir: '/w' });
    expect(a).toEqual({
      id: a.id,
      command: 'make build',
      workdir: '/w',
      task_id: 't1',
      agent_id: 'a1',
      run_id: 'r1',
      created_at: START_SECS,
      expires_at: START_SECS + 120,
      status: 'pending',
    });
    const bare = s.security.approvals.create('make test');
    expect(bare).toMatchObject({ task_id: null, agent_id: null });
    expect(bare).not.toHaveProperty('workdir');
    expect(s.security.approvals.approve(a.id.slice(0, 8)).status).toBe('approved');
    const rejected = s.security.approvals.reject(bare.id, '  not now ');
    expect(rejected).toMatchObject({ status: 'rejected', rejection_reason: 'not now' });
    expect(seen.map((e) => e.status)).toEqual(['pending', 'pending', 'approved', 'rejected']);
    expect(s.security.approvals.armedTimers).toBe(0);
    expect(() => s.security.approvals.create('  ')).toThrow(/command: must not be empty/);
  });

  it('subscribe: the pending approvals oldest first, then every change live, until aborted', async () => {
    const s = createTestServices();
    const first = s.security.approvals.create('make a');
    const second = s.security.approvals.create('make b');
    const controller = new AbortController();
    const seen: Pick<PendingApproval, 'id' | 'status'>[] = [];
    const stream = s.security.approvals.subscribe({ includePending: true, signal: controller.signal });
    for await (const approval of stream) {
      seen.push({ id: approval.id, status: approval.status });
      // Decided after the pending ones were read: the change arrives live.
      if (seen.length === 2) s.security.approvals.approve(first.id);
      if (seen.length === 3) controller.abort();
    }
    expect(seen).toEqual([
      { id: first.id, status: 'pending' },
      { id: second.id, status: 'pending' },
      { id: first.id, status: 'approved' },
    ]);
    // Without include_pending only changes arrive; returning ends the stream too.
    const changes = s.security.approvals.subscribe();
    const next = changes.next();
    s.security.approvals.reject(second.id);
    expect((await next).value).toMatchObject({ id: second.id, status: 'rejected' });
    await changes.return(undefined);
    s.security.approvals.dispose();
  });

  it('lists newest first with filters and resolves id prefixes', () => {
    const s = createTestServices();
    const first = s.security.approvals.create('make a', { task_id: 't1' });
    s.clock.advance(1000);
    const second = s.security.approvals.create('make b', { agent_id: 'a2' });
    s.security.approvals.reject(first.id);
    expect(s.security.approvals.list().map((a) => a.id)).toEqual([second.id, first.id]);
    expect(s.security.approvals.list({ status: 'pending' }).map((a) => a.id)).toEqual([second.id]);
    expect(s.security.approvals.list({ task_id: 't1' }).map((a) => a.id)).toEqual([first.id]);
    expect(s.security.approvals.list({ agent_id: 'a2', status: 'rejected' })).toEqual([]);
    expect(s.security.approvals.get(second.id.slice(0, 6)).id).toBe(second.id);
    // Within one second (created_at is in seconds) the later one still comes first.
    const third = s.security.approvals.create('make c');
    const fourth = s.security.approvals.create('make d');
    expect(s.security.approvals.list({ status: 'pending' }).map((a) => a.id)).toEqual([fourth.id, third.id, second.id]);
    expect(() => s.security.approvals.get('nope')).toThrow(NotFoundError);
    s.security.approvals.dispose();
  });

  it('expires on time, refuses to decide expired or decided approvals with a clear conflict', () => {
    const s = createTestServices();
    s.security.setPolicy({ approval_timeout_secs: 300 });
    const a = s.security.approvals.create('make a');
    const b = s.security.approvals.create('make b');
    s.clock.advance(299_000);
    expect(s.security.approvals.expireDue()).toBe(0);
    s.clock.advance(1_000);
    // Reads expire what is due even before anyone calls expireDue.
    expect(s.security.approvals.get(a.id).status).toBe('expired');
    expect(s.security.approvals.expireDue()).toBe(0);
    expect(() => s.security.approvals.approve(b.id)).toThrow(
      /can no longer be approved: it expired at 2026-01-01T00:05:00.000Z/,
    );
    const c = s.security.approvals.create('make c');
    s.security.approvals.approve(c.id);
    expect(() => s.security.approvals.approve(c.id)).toThrow(/can no longer be approved: it was already approved/);
    expect(() => s.security.approvals.reject(c.id)).toThrow(ConflictError);
    const d = s.security.approvals.create('make d');
    expect(s.security.approvals.expireDue(s.clock.now() + 300_000)).toBe(1);
    expect(s.security.approvals.get(d.id).status).toBe('expired');
    expect(s.security.approvals.armedTimers).toBe(0);
  });

  it('waitForDecision resolves on approve, reject and expiry, and at once when already decided', async () => {
    const s = createTestServices();
    const a = s.security.approvals.create('make a');
    const approved = s.security.waitForDecision(a.id);
    s.security.approvals.approve(a.id);
    await expect(approved).resolves.toBe('approved');
    await expect(s.security.waitForDecision(a.id)).resolves.toBe('approved');

    const b = s.security.approvals.create('make b');
    const rejected = s.security.waitForDecision(b.id.slice(0, 8));
    s.security.approvals.reject(b.id, 'no');
    await expect(rejected).resolves.toBe('rejected');

    const c = s.security.approvals.create('make c');
    const expired = s.security.waitForDecision(c.id);
    s.clock.advance(300_000);
    expect(s.security.approvals.expireDue()).toBe(1);
    await expect(expired).resolves.toBe('expired');
    s.clock.advance(1_000);
    const late = s.security.approvals.create('make late');
    s.clock.advance(301_000);
    await expect(s.security.waitForDecision(late.id)).resolves.toBe('expired');

    await expect(s.security.waitForDecision('missing')).rejects.toBeInstanceOf(NotFoundError);
    expect(s.bus.listenerCount(APPROVALS_CHANNEL)).toBe(0);
    expect(s.security.approvals.armedTimers).toBe(0);
  });

  it('waitForDecision rejects on abort and releases its listener, leaving the approval pending', async () => {
    const s = createTestServices();
    const a = s.security.approvals.create('make a');
    const controller = new AbortController();
    const waiting = s.security.waitForDecision(a.id, controller.signal);
    expect(s.bus.listenerCount(APPROVALS_CHANNEL)).toBe(1);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    expect(s.bus.listenerCount(APPROVALS_CHANNEL)).toBe(0);
    expect(s.security.approvals.get(a.id).status).toBe('pending');
    await expect(s.security.waitForDecision(a.id, AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
    s.security.approvals.dispose();
    expect(s.security.approvals.armedTimers).toBe(0);
  });

  it('expires by its own timer with a real clock', async () => {
    const s = createTestServices({ clock: { now: () => Date.now() } });
    s.security.setPolicy({ approval_timeout_secs: 1 });
    const a = s.security.approvals.create('make slow');
    const started = Date.now();
    await expect(s.security.waitForDecision(a.id)).resolves.toBe('expired');
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(s.security.approvals.armedTimers).toBe(0);
  });

  it('arms no expiry timer once disposed, so none can fire after the database closes', async () => {
    const s = createTestServices({ clock: { now: () => Date.now() } });
    s.security.setPolicy({ approval_timeout_secs: 1 });
    const a = s.security.approvals.create('make a');
    const first = new AbortController();
    const waiting = s.security.waitForDecision(a.id, first.signal);
    expect(s.security.approvals.armedTimers).toBe(1);
    s.security.approvals.dispose();
    expect(s.security.approvals.armedTimers).toBe(0);
    // A run still waiting when the daemon stops asks again: it may wait, but no timer is armed for it.
    const second = new AbortController();
    const again = s.security.waitForDecision(a.id, second.signal);
    expect(s.security.approvals.armedTimers).toBe(0);
    first.abort();
    second.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    await expect(again).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('authorizeCommand runs the whole check: allow, block, or queue and wait', async () => {
    const s = createTestServices();
    const allowed = await s.security.authorizeCommand('ls -la');
    expect(allowed).toMatchObject({ allowed: true, reason: 'allowed by "ls *" (List directory contents)' });
    expect(allowed.approval).toBeUndefined();
    expect(await s.security.authorizeCommand('sudo ls')).toMatchObject({ allowed: false });

    const approvedRun = s.security.authorizeCommand('make build', { agent_id: 'a1', task_id: 't1' });
    const [pending] = s.security.approvals.list({ status: 'pending' });
    expect(pending).toMatchObject({ command: 'make build', agent_id: 'a1', task_id: 't1' });
    s.security.approvals.approve((pending as PendingApproval).id);
    expect(await approvedRun).toMatchObject({ allowed: true, decision: 'approved', reason: 'approved by the user' });

    const rejectedRun = s.security.authorizeCommand('make deploy');
    s.security.approvals.reject(
      (s.security.approvals.list({ status: 'pending' })[0] as PendingApproval).id,
      'too risky',
    );
    expect(await rejectedRun).toMatchObject({ allowed: false, reason: 'rejected by the user: too risky' });

    const expiredRun = s.security.authorizeCommand('make sleep');
    s.clock.advance(300_000);
    s.security.approvals.expireDue();
    expect(await expiredRun).toMatchObject({ allowed: false, decision: 'expired', reason: /expired after 300 s/ });

    const controller = new AbortController();
    const abandoned = s.security.authorizeCommand('make forever', { signal: controller.signal });
    controller.abort();
    await expect(abandoned).rejects.toMatchObject({ name: 'AbortError' });
    s.security.approvals.dispose();
  });
});
