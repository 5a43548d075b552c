// IPv4/IPv6 sections: validation in nmstate's words (ip.rs sanitize) and the silent normalisations.

import { invalidArgument } from './error.js';
import type { InterfaceIp, IpAddress } from './types.js';

export type IpFamily = 'ipv4' | 'ipv6';

export function isIpv6(addr: string): boolean {
  return addr.includes(':');
}

export function addressString(a: IpAddress): string {
  return `${a.ip}/${a['prefix-length']}`;
}

/** fe80::/10 */
export function isIpv6LinkLocal(ip: string): boolean {
  const first = ip.toLowerCase().split(':')[0] ?? '';
  if (first.length === 0) return false;
  const v = parseInt(first, 16);
  return !Number.isNaN(v) && (v & 0xffc0) === 0xfe80;
}

export function isAuto(ip: InterfaceIp | undefined, family: IpFamily): boolean {
  if (!ip || ip.enabled !== true) return false;
  return ip.dhcp === true || (family === 'ipv6' && ip.autoconf === true);
}

/** Rejections that hold whatever `enabled` says: nmstate validates addresses before dropping them. */
export function validateIp(ip: InterfaceIp, family: IpFamily): void {
  const max = family === 'ipv4' ? 32 : 128;
  for (const a of ip.address ?? []) {
    if (family === 'ipv4' && isIpv6(a.ip)) {
      throw invalidArgument(`Got IPv6 address ${addressString(a)} in ipv4 config section`);
    }
    if (family === 'ipv6' && !isIpv6(a.ip)) {
      throw invalidArgument(`Got IPv4 address ${addressString(a)} in ipv6 config section`);
    }
    const p = a['prefix-length'];
    if (!Number.isInteger(p) || p < 0 || p > max) {
      const name = family === 'ipv4' ? 'IPv4' : 'IPv6';
      throw invalidArgument(`Invalid ${name} network prefix length '${p}', should be in the range of 0 to ${max}`);
    }
  }
}

/**
 * The silent normalisations of a merged IP section (ip.rs sanitize). `desired` is what the user wrote, used
 * only to word the warnings: contradictions the user did not write (inherited from current) stay quiet.
 */
export function normalizeIp(
  ifaceName: string,
  family: IpFamily,
  ip: InterfaceIp,
  desired: InterfaceIp | undefined,
  warnings: string[],
): InterfaceIp {
  const out: InterfaceIp = { ...ip };
  if (out.enabled === undefined) out.enabled = false;
  if (out.address) {
    out.address = out.address.filter((a) => {
      if (family === 'ipv6' && isIpv6LinkLocal(a.ip)) {
        if (desired?.address?.some((d) => d.ip === a.ip)) {
          warnings.push(`Ignoring IPv6 link local address ${addressString(a)}`);
        }
        return false;
      }
      return true;
    });
  }
  if (!out.enabled) {
    const dropped: string[] = [];
    if (desired?.dhcp === true) dropped.push('dhcp');
    if (desired?.autoconf === true) dropped.push('autoconf');
    if (desired?.address && desired.address.length > 0) dropped.push('address');
    if (dropped.length > 0) {
      warnings.push(`Interface ${ifaceName}: ${family} is disabled, ignoring ${dropped.join(', ')}`);
    }
    return { enabled: false };
  }
  if (isAuto(out, family)) {
    out['auto-dns'] ??= true;
    out['auto-gateway'] ??= true;
    out['auto-routes'] ??= true;
  } else {
    delete out['auto-dns'];
    delete out['auto-gateway'];
    delete out['auto-routes'];
    delete out['auto-route-table-id'];
    delete out['auto-route-metric'];
  }
  return out;
}
