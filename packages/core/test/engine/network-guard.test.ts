// http_request's private-address check (issue 20): IPv6 forms that embed an IPv4 address are judged by that
// address, so `http://[::127.0.0.1]/` cannot reach loopback past the check.
import { describe, expect, it } from '@jest/globals';
import { assertHostAllowed, isPublicAddress, PrivateAddressError } from '../../src/engine/tools/network-guard.ts';

const EMBEDDED_PRIVATE = [
  '::127.0.0.1', // IPv4-compatible (what URL parsing turns into ::7f00:1)
  '::7f00:1',
  '::a00:1', // 10.0.0.1
  '::a9fe:a9fe', // 169.254.169.254
  '::ffff:127.0.0.1', // IPv4-mapped
  '::ffff:7f00:1',
  '::ffff:0:7f00:1', // IPv4-translated (RFC 6145)
  '64:ff9b::7f00:1', // NAT64 (RFC 6052)
  '64:ff9b::a9fe:a9fe',
  '64:ff9b:1::a00:1', // local-use NAT64
  '2002:7f00:1::', // 6to4 of 127.0.0.1
  '2002:c0a8:101::1', // 6to4 of 192.168.1.1
];

describe('network guard: IPv6 forms embedding IPv4', () => {
  it('refuses every embedding of a private IPv4 address', () => {
    for (const address of EMBEDDED_PRIVATE) expect([address, isPublicAddress(address)]).toEqual([address, false]);
  });

  it('refuses them as URL host literals, in the form the URL parser leaves them', () => {
    for (const address of EMBEDDED_PRIVATE) {
      const { hostname } = new URL(`http://[${address}]:8080/`);
      expect(() => assertHostAllowed(hostname, false)).toThrow(PrivateAddressError);
      expect(() => assertHostAllowed(hostname, true)).not.toThrow();
    }
  });

  it('still passes ordinary public addresses', () => {
    for (const address of ['8.8.8.8', '2001:4860:4860::8888', '2606:4700:4700::1111']) {
      expect([address, isPublicAddress(address)]).toEqual([address, true]);
    }
  });
});
