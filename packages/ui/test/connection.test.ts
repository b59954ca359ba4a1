import { describe, expect, it } from '@jest/globals';
import { type ConnectionStatus, ConnectionTracker, probeSignIn, type SignInProbe } from '../src/lib/connection.ts';

function tracker(probe: () => Promise<SignInProbe>) {
  const seen: ConnectionStatus[] = [];
  let reconnected = 0;
  const t = new ConnectionTracker({ probe, onReconnected: () => reconnected++ });
  t.subscribe((status) => seen.push(status));
  return { t, seen, reconnects: () => reconnected };
}

/**
 * A probe that answers `value`. Awaiting `answered` after the tracker asked resumes only once the tracker's own
 * handler (attached first) has run, so no timer is needed to let the answer land.
 */
function answering(value: SignInProbe) {
  const answered = Promise.resolve(value);
  return { probe: () => answered, answered };
}

describe('connection tracker', () => {
  it('is connected on open and reports a lost connection as reconnecting, refreshing data when back', async () => {
    const { t, seen, reconnects } = tracker(async () => 'signed-in');
    expect(t.current).toBe('connecting');
    t.handleOpen();
    expect(reconnects()).toBe(0);
    t.handleClose();
    t.handleOpen();
    expect(seen).toEqual(['connected', 'reconnecting', 'connected']);
    expect(reconnects()).toBe(1);
  });

  it('refreshes data when the first connection succeeds only after failed attempts', async () => {
    const { probe, answered } = answering('unreachable');
    const { t, reconnects } = tracker(probe);
    t.handleClose();
    await answered;
    expect(t.current).toBe('offline');
    t.handleOpen();
    expect(t.current).toBe('connected');
    expect(reconnects()).toBe(1);
  });

  it('says not authorised when the upgrade fails and the daemon reports no valid cookie', async () => {
    const { probe, answered } = answering('signed-out');
    const { t } = tracker(probe);
    t.handleClose();
    await answered;
    expect(t.current).toBe('unauthorised');
  });

  it('says offline when the daemon does not answer at all', async () => {
    const { probe, answered } = answering('unreachable');
    const { t } = tracker(probe);
    t.handleClose();
    await answered;
    expect(t.current).toBe('offline');
  });

  it('drops a probe answer that arrives after the socket opened', async () => {
    let answer: (value: SignInProbe) => void = () => {};
    const late = new Promise<SignInProbe>((resolve) => {
      answer = resolve;
    });
    const { t } = tracker(() => late);
    t.handleClose();
    t.handleOpen();
    answer('signed-out');
    await late;
    expect(t.current).toBe('connected');
  });

  it('probes /auth/status: 401 = signed out, other answers = signed in, network errors = unreachable', async () => {
    const reply = (status: number) => (async () => new Response(null, { status })) as unknown as typeof fetch;
    expect(await probeSignIn(reply(401))).toBe('signed-out');
    expect(await probeSignIn(reply(200))).toBe('signed-in');
    const failing = (async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof fetch;
    expect(await probeSignIn(failing)).toBe('unreachable');
  });
});
