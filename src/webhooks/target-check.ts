import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Addresses a company's webhook may not reach unless the operator allows it: loopback, private, link-local
 * (cloud metadata services live there) and carrier-grade NAT ranges. A company token sets its own endpoints, and
 * without this it could aim Quorum's requests at services inside the operator's network and read from the
 * endpoint status what answers there (SSRF).
 */
const internal = new BlockList();
for (const [network, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16]] as const) {
  internal.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10]] as const) internal.addSubnet(network, prefix, 'ipv6');

export function isInternalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped !== undefined) return internal.check(mapped, 'ipv4');
  const family = isIP(address);
  return family === 0 ? false : internal.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export class InternalTargetError extends Error {
  readonly code = 'EWEBHOOKINTERNAL';
}

/**
 * A DNS lookup for the request itself that refuses internal addresses: the check and the connection use the same
 * answer, so a name that resolves outside at check time and inside at connect time (DNS rebinding) gets nowhere.
 */
export function checkedLookup(host: string): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true } as LookupAllOptions, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const inside = addresses.find((entry) => isInternalAddress(entry.address));
      if (inside) {
        const refused = new InternalTargetError(`${host} resolves to ${inside.address}, an internal address; the operator allows these with QUORUM_WEBHOOK_INTERNAL_TARGETS=true`);
        return callback(refused, '', 0);
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const [first] = addresses;
      if (!first) return callback(Object.assign(new Error(`${host} has no address`), { code: 'ENOTFOUND' }), '', 0);
      return callback(null, first.address, first.family);
    });
  };
}
