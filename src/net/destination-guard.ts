import { BlockList, isIP } from 'node:net';

/** Why a destination address was rejected, or `allowed`. */
export type AddressClass = 'public' | 'loopback' | 'private' | 'link_local' | 'unspecified';

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

const privateRanges = new BlockList();
privateRanges.addSubnet('10.0.0.0', 8, 'ipv4');
privateRanges.addSubnet('172.16.0.0', 12, 'ipv4');
privateRanges.addSubnet('192.168.0.0', 16, 'ipv4');
privateRanges.addSubnet('100.64.0.0', 10, 'ipv4'); // carrier-grade NAT
privateRanges.addSubnet('fc00::', 7, 'ipv6');

const linkLocal = new BlockList();
linkLocal.addSubnet('169.254.0.0', 16, 'ipv4');
linkLocal.addSubnet('fe80::', 10, 'ipv6');
// Cloud metadata services outside 169.254.0.0/16: Alibaba Cloud and AWS over IPv6.
linkLocal.addAddress('100.100.100.200', 'ipv4');
linkLocal.addAddress('fd00:ec2::254', 'ipv6');

const unspecified = new BlockList();
unspecified.addSubnet('0.0.0.0', 8, 'ipv4');
unspecified.addAddress('::', 'ipv6');

/** Host names that always mean a metadata service, whatever they resolve to. */
const METADATA_HOSTS = new Set(['metadata.google.internal', 'metadata', 'instance-data']);

/** Classifies an IP address literal (IPv4, IPv6, or IPv4-mapped IPv6). */
export function classifyAddress(address: string): AddressClass {
  const mapped = address.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i)?.[1];
  if (mapped) return classifyAddress(mapped);
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  if (linkLocal.check(address, family)) return 'link_local';
  if (unspecified.check(address, family)) return 'unspecified';
  if (loopback.check(address, family)) return 'loopback';
  if (privateRanges.check(address, family)) return 'private';

  return 'public';
}

/**
 * Returns why an address may not be contacted, or undefined when it may. Link-local and
 * metadata addresses are refused always; loopback and private ones unless `allowPrivate`.
 */
export function addressRejection(address: string, allowPrivate: boolean): string | undefined {
  const addressClass = classifyAddress(address);
  if (addressClass === 'link_local') {
    return `${address} is a link-local or cloud-metadata address, which is never allowed`;
  }
  if (addressClass === 'unspecified') return `${address} is not a routable address`;
  if ((addressClass === 'loopback' || addressClass === 'private') && !allowPrivate) {
    return (
      `${address} is a ${addressClass} address; set ACTIVATOR_ALLOW_PRIVATE_DESTINATIONS=true ` +
      'to allow loopback and private destinations'
    );
  }

  return undefined;
}

/**
 * Checks a URL an operator typed. Returns a message naming what is wrong, or undefined. Host
 * names are checked as written here; the HTTP client checks the resolved address again.
 */
export function destinationUrlRejection(value: string, allowPrivate: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a valid absolute URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return `must use http or https, not '${url.protocol.replace(/:$/, '')}'`;
  }
  if (url.username || url.password) return 'must not contain a user name or password';
  const host = url.hostname
    .replace(/^\[|\]$/g, '')
    .toLowerCase()
    .replace(/\.$/, '');
  if (METADATA_HOSTS.has(host))
    return `points at ${host}, a cloud-metadata host, which is never allowed`;
  if (isIP(host)) {
    const rejection = addressRejection(host, allowPrivate);

    return rejection ? `points at ${rejection}` : undefined;
  }
  if ((host === 'localhost' || host.endsWith('.localhost')) && !allowPrivate) {
    return (
      `points at ${host}, a loopback host; set ACTIVATOR_ALLOW_PRIVATE_DESTINATIONS=true ` +
      'to allow loopback and private destinations'
    );
  }

  return undefined;
}
