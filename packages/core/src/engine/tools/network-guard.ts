import dns from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';

/** Only ordinary public unicast addresses; loopback, private, link-local, CGNAT, multicast … are refused. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'unicast';
}

export class PrivateAddressError extends Error {
  override name = 'PrivateAddressError';
  constructor(host: string, address: string) {
    super(`${host} resolves to the non-public address ${address}; requests to private networks are not allowed`);
  }
}

/**
 * A `lookup` for http.request that refuses non-public addresses. Checking at connect time (not before the
 * request) means a DNS answer that changes between check and use (rebinding) cannot slip through.
 */
export function guardedLookup(allowPrivate: boolean): net.LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) {
        callback(error, '', 0);
        return;
      }
      const list = addresses as dns.LookupAddress[];
      const blocked = allowPrivate ? undefined : list.find((a) => !isPublicAddress(a.address));
      if (blocked) {
        callback(new PrivateAddressError(hostname, blocked.address), '', 0);
        return;
      }
      if ((options as dns.LookupOptions).all) callback(null, list as never, 0);
      else callback(null, list[0]?.address ?? '', list[0]?.family ?? 4);
    });
  };
}

/** Literal IPs skip `lookup`, so they are checked up front. */
export function assertHostAllowed(hostname: string, allowPrivate: boolean): void {
  const bare = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  if (!allowPrivate && net.isIP(bare) && !isPublicAddress(bare)) throw new PrivateAddressError(hostname, bare);
}
