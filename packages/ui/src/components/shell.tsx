'use client';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import type { ConnectionStatus } from '../lib/connection';
import { consoleProtocolMismatch } from '../lib/protocol';
import { useTRPC } from '../lib/trpc';
import { Link, usePathname } from '../navigation';
import { useConnectionStatus } from './providers';

const NAV = [
  { href: '/', label: 'Chat' },
  { href: '/agents', label: 'Agents' },
  { href: '/tasks', label: 'Tasks' },
  { href: '/runs', label: 'Runs' },
  { href: '/usage', label: 'Usage' },
  { href: '/workers', label: 'Workers' },
  { href: '/memory', label: 'Memory' },
  { href: '/skills', label: 'Skills' },
  { href: '/auth-profiles', label: 'Auth profiles' },
  { href: '/security', label: 'Security' },
  { href: '/mcp-servers', label: 'MCP servers' },
  { href: '/settings', label: 'Settings' },
];

const STATUS_TEXT: Record<ConnectionStatus, { dot: string; label: string }> = {
  connecting: { dot: 'warn', label: 'Connecting…' },
  connected: { dot: 'ok', label: 'Connected' },
  reconnecting: { dot: 'warn', label: 'Reconnecting…' },
  unauthorised: { dot: 'bad', label: 'Not authorised' },
  offline: { dot: 'bad', label: 'Daemon unreachable' },
};

function isActive(pathname: string, href: string): boolean {
  const path = pathname.replace(/\.html$/, '').replace(/\/$/, '') || '/';
  return href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`);
}

function ConnectionBanner({ status }: { status: ConnectionStatus }) {
  if (status === 'unauthorised') {
    return (
      <div className="banner bad" role="alert">
        <strong>This console is not authorised.</strong> Run <code>restflow console</code> in a terminal: it opens an
        authorised link to this daemon (the link sets a cookie; this page reconnects by itself).
      </div>
    );
  }
  if (status === 'offline') {
    return (
      <div className="banner bad" role="alert">
        <strong>The daemon does not answer.</strong> Start it with <code>restflow daemon start</code> (or{' '}
        <code>npm start</code>); this page reconnects by itself.
      </div>
    );
  }
  if (status === 'reconnecting') {
    return <div className="banner">Connection lost — reconnecting…</div>;
  }
  return null;
}

/** The protocol handshake: checked on every (re)connection, since a restart may bring another daemon version. */
function ProtocolBanner({ status }: { status: ConnectionStatus }) {
  const trpc = useTRPC();
  const daemon = useQuery({ ...trpc.system.status.queryOptions(), enabled: status === 'connected' });
  const mismatch = daemon.data ? consoleProtocolMismatch(daemon.data) : undefined;
  if (!mismatch) return null;
  return (
    <div className="banner bad" role="alert" data-testid="protocol-mismatch">
      <strong>This console and the daemon speak different protocols.</strong> {mismatch}
    </div>
  );
}

export function Shell({ children }: { children: ReactNode }) {
  const pathname = usePathname() ?? '/';
  const status = useConnectionStatus();
  const { dot, label } = STATUS_TEXT[status];
  return (
    <div className="app">
      <nav className="nav" aria-label="Main">
        <div className="brand">RestFlow</div>
        {NAV.map((item) => (
          <Link key={item.href} href={item.href} aria-current={isActive(pathname, item.href) ? 'page' : undefined}>
            {item.label}
          </Link>
        ))}
        <div className="nav-footer">
          <div className="conn" data-testid="connection" data-status={status}>
            <span className={`dot ${dot}`} title={label} />
            <span className="conn-label">{label}</span>
          </div>
        </div>
      </nav>
      <main className="main">
        <ConnectionBanner status={status} />
        <ProtocolBanner status={status} />
        {children}
      </main>
    </div>
  );
}
