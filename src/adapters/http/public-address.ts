import { BlockList, isIP } from 'node:net';

/** Addresses no fetch on a user's behalf may reach: loopback, private, link-local, shared, multicast, unspecified. */
const internal = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) {
  internal.addSubnet(network, prefix, 'ipv4');
}
// IPv4-mapped IPv6 (::ffff:a.b.c.d) is judged by its IPv4 address below: a
// ::ffff:0:0/96 rule here would also match every plain IPv4 address.
for (const [network, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96]] as const) {
  internal.addSubnet(network, prefix, 'ipv6');
}

/** True when the address is a public unicast address. */
export function isPublicAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return isPublicAddress(mapped);
  const family = isIP(address);
  if (family === 0) return false;
  return !internal.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** A host that resolves to an address the service must not reach on a user's behalf. */
export class InternalAddressError extends Error {
  constructor(host: string, address: string) {
    super(`${host} resolves to ${address}, an internal address`);
    this.name = 'InternalAddressError';
  }
}
