// Binding the HTTP listener beyond loopback exposes the API to the network: allowed only once an API token exists,
// so that nothing on the network can call it without one (docs/remote-access.md). The listener itself speaks
// plain HTTP; TLS is a reverse proxy's job.
import net from 'node:net';

/** Hosts only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost' || bare === '::1') return true;
  if (net.isIPv4(bare)) return bare.startsWith('127.');
  if (bare.startsWith('::ffff:')) return bare.slice(7).startsWith('127.');
  return false;
}

/** Why the daemon may not listen on `host` now, or undefined when it may. */
export function remoteBindRefusal(host: string, apiTokenCount: number): string | undefined {
  if (isLoopbackHost(host) || apiTokenCount > 0) return undefined;
  return (
    `refusing to serve HTTP on ${host}: that is reachable beyond this machine, and no API token exists yet. ` +
    'Create one first (restflow token create --name <name>, with the daemon on loopback), then start it again on ' +
    `${host}; put TLS in front with a reverse proxy (docs/remote-access.md)`
  );
}
