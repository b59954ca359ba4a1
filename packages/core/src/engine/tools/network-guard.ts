import type dns from 'node:dns';
import { createRequire } from 'node:module';
import net from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * The IPv4 address an IPv6 address carries, for every form that routes to (or is translated into) IPv4:
 * IPv4-compatible `::a.b.c.d` (deprecated, but `[::127.0.0.1]` is what a URL may name), IPv4-mapped
 * `::ffff:a.b.c.d`, IPv4-translated `::ffff:0:a.b.c.d`, NAT64 `64:ff9b::/96` and `64:ff9b:1::/48`, 6to4 `2002::/16`.
 */
export function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const p = address.parts;
  const tail = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  const zeros = (from: number, to: number) => p.slice(from, to).every((part) => part === 0);
  if (zeros(0, 5) && (p[5] === 0 || p[5] === 0xffff)) return tail(p[6] as number, p[7] as number);
  if (zeros(0, 4) && p[4] === 0xffff && p[5] === 0) return tail(p[6] as number, p[7] as number);
  if (p[0] === 0x64 && p[1] === 0xff9b) return tail(p[6] as number, p[7] as number);
  if (p[0] === 0x2002) return tail(p[1] as number, p[2] as number);
  return undefined;
}

/** Only ordinary public unicast addresses; loopback, private, link-local, CGNAT, multicast … are refused. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6') {
    const v4 = embeddedIPv4(parsed as ipaddr.IPv6);
    // `::` and `::1` are IPv6's own unspecified and loopback addresses, not IPv4 ones.
    if (v4 && !(parsed as ipaddr.IPv6).parts.slice(0, 7).every((part) => part === 0)) {
      if (v4.range() !== 'unicast') return false;
    }
  }
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
    // node:dns loads with the first lookup, not with the daemon.
    (createRequire(import.meta.url)('node:dns') as typeof dns).lookup(
      hostname,
      { ...options, all: true },
      (error, addresses) => {
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
      },
    );
  };
}

/** Literal IPs skip `lookup`, so they are checked up front. */
export function assertHostAllowed(hostname: string, allowPrivate: boolean): void {
  const bare = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  if (!allowPrivate && net.isIP(bare) && !isPublicAddress(bare)) throw new PrivateAddressError(hostname, bare);
}
