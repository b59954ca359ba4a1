// The state of the console's socket as the user should read it. A refused WebSocket upgrade looks the same in
// the browser whether the daemon is down or refused the token (close code 1006 either way), so a failed attempt
// asks the daemon's /auth/status (200 signed in, 401 not) over plain HTTP.

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'unauthorised' | 'offline';

type Listener = (status: ConnectionStatus) => void;

/** What the daemon's HTTP listener says about this page's sign-in cookie. */
export type SignInProbe = 'signed-in' | 'signed-out' | 'unreachable';

const PROBE_STATUS: Record<SignInProbe, ConnectionStatus> = {
  'signed-in': 'reconnecting',
  'signed-out': 'unauthorised',
  unreachable: 'offline',
};

export interface ConnectionTrackerOptions {
  probe(): Promise<SignInProbe>;
  /** Called when a connection opens after a lost or failed one: data may be stale, calls may have failed. */
  onReconnected(): void;
}

export class ConnectionTracker {
  private status: ConnectionStatus = 'connecting';
  private readonly listeners = new Set<Listener>();
  private open = false;
  private hadTrouble = false;
  private attempt = 0;

  constructor(private readonly options: ConnectionTrackerOptions) {}

  get current(): ConnectionStatus {
    return this.status;
  }

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  handleOpen = (): void => {
    this.attempt++;
    const stale = this.hadTrouble;
    this.open = true;
    this.hadTrouble = false;
    this.set('connected');
    if (stale) this.options.onReconnected();
  };

  handleClose = (): void => {
    const attempt = ++this.attempt;
    this.hadTrouble = true;
    if (this.open) {
      // It worked a moment ago: most likely a daemon restart. Say so until the next attempt tells more.
      this.open = false;
      this.set('reconnecting');
      return;
    }
    void this.options.probe().then(
      (probe) => {
        // A later open/close has already said more.
        if (attempt !== this.attempt) return;
        this.set(PROBE_STATUS[probe]);
      },
      () => {
        if (attempt === this.attempt) this.set('offline');
      },
    );
  };

  private set(status: ConnectionStatus): void {
    if (status === this.status) return;
    this.status = status;
    for (const listener of this.listeners) listener(status);
  }
}

/** GET /auth/status on the page's own origin (the cookie goes along), with a short timeout. */
export async function probeSignIn(fetchImpl: typeof fetch = fetch): Promise<SignInProbe> {
  try {
    const res = await fetchImpl('/auth/status', { cache: 'no-store', signal: AbortSignal.timeout(2000) });
    // Anything else (a proxy error page, an older daemon) is not a verdict on the cookie.
    return res.status === 401 ? 'signed-out' : 'signed-in';
  } catch {
    return 'unreachable';
  }
}
