// Pure parts of the netns runtime: names, validation, the `ip -batch` scripts that build a VM's links, the
// argument vectors of its helper processes, and the mapping of `ip -json addr` to the guest's view.
// Batch lines are iproute2 batch syntax (whitespace-separated words), never shell: every word in them is
// validated here first, so none can hold whitespace, quotes or a `#`.

import { checkIfName } from '../runtime.js';
import type { GuestInterface, NicLaunch } from '../runtime.js';

/** A NIC as the runtime records it: the launch plus the name it has inside the VM. */
export interface PlacedNic {
  nic: NicLaunch;
  /** `eth0`, `eth1`, … */
  guestName: string;
}

export function vmNetnsName(netnsPrefix: string, id: string): string {
  return `${netnsPrefix}vm-${id}`;
}

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-fA-F:.]{2,45}$/;

function ipFamily(ip: string): 4 | 6 | undefined {
  if (IPV4.test(ip)) return 4;
  if (IPV6.test(ip) && ip.includes(':')) return 6;
  return undefined;
}

/** Throws unless the NIC's names, MAC and addressing are safe to put into an `ip` batch. */
export function checkNic(nic: NicLaunch): void {
  checkIfName(nic.hostIfName);
  checkIfName(nic.bridge);
  if (!MAC.test(nic.mac)) {
    throw new Error(`NIC ${JSON.stringify(nic.name)}: invalid MAC ${JSON.stringify(nic.mac)}: want lowercase aa:bb:cc:dd:ee:ff`);
  }
  if (nic.ip.mode !== 'static') return;
  const [addr, len, ...rest] = nic.ip.cidr.split('/');
  const family = addr === undefined ? undefined : ipFamily(addr);
  const bits = Number(len);
  if (family === undefined || rest.length > 0 || len === undefined || !/^\d{1,3}$/.test(len) ||
    bits > (family === 4 ? 32 : 128)) {
    throw new Error(`NIC ${JSON.stringify(nic.name)}: invalid static address ${JSON.stringify(nic.ip.cidr)}: want ADDRESS/PREFIX`);
  }
  const gw = nic.ip.gateway;
  if (gw !== undefined && ipFamily(gw) !== family) {
    throw new Error(`NIC ${JSON.stringify(nic.name)}: invalid gateway ${JSON.stringify(gw)} for ${nic.ip.cidr}`);
  }
}

/** Throws if two NICs would create the same host-side link. */
export function checkDistinctHostLinks(nics: readonly NicLaunch[]): void {
  const seen = new Set<string>();
  for (const n of nics) {
    if (seen.has(n.hostIfName)) throw new Error(`two NICs use the host-side link name ${n.hostIfName}`);
    seen.add(n.hostIfName);
  }
}

/** The first `ethN` not in `used` (hot-plugged NICs fill gaps left by none, but never reuse a live name). */
export function nextGuestName(used: readonly string[]): string {
  for (let i = 0; ; i++) {
    const name = `eth${i}`;
    if (!used.includes(name)) return name;
  }
}

export function placeNics(nics: readonly NicLaunch[]): PlacedNic[] {
  return nics.map((nic, i) => ({ nic, guestName: `eth${i}` }));
}

/** eth0's default route wins over eth1's, as with NetworkManager/networkd metrics per device. */
export function routeMetric(guestName: string): number {
  const n = Number(guestName.replace(/^eth/, ''));
  return 100 + (Number.isInteger(n) ? n : 0);
}

/**
 * Batch lines for the host-side namespace: the veth pairs, host end on the bridge and up, guest end created
 * directly inside the VM namespace with its name and MAC (the kernel refuses to bring a veth end up before
 * its pair exists, so the guest end is brought up from inside: `guestBatch`, or the lease script).
 */
export function hostLinkLines(nics: readonly PlacedNic[], vmNetns: string): string[] {
  return nics.map(({ nic, guestName }) => `link add ${nic.hostIfName} master ${nic.bridge} up type veth ` +
    `peer name ${guestName} address ${nic.mac} netns ${vmNetns}`);
}

/**
 * Lines for `ip -n <vm> -batch -`: static and address-less NICs up, static addresses and their default
 * routes; '' when there is nothing to do. DHCP NICs are left to the lease script (it brings them up, and
 * lo, before the first DISCOVER), so a VM with only DHCP NICs needs no process here.
 */
export function guestBatch(nics: readonly PlacedNic[], withLoopback: boolean): string {
  const lines: string[] = [];
  for (const { nic, guestName } of nics) {
    if (nic.ip.mode === 'dhcp') continue;
    lines.push(`link set ${guestName} up`);
    if (nic.ip.mode !== 'static') continue;
    const v6 = nic.ip.cidr.includes(':');
    // nodad: the address is usable at once, as a statically configured guest's would be after boot.
    lines.push(`addr add ${nic.ip.cidr} dev ${guestName}${v6 ? ' nodad' : ''}`);
    if (nic.ip.gateway !== undefined) {
      lines.push(`route replace default via ${nic.ip.gateway} dev ${guestName} metric ${routeMetric(guestName)}`);
    }
  }
  const dhcpOnly = nics.length > 0 && lines.length === 0;
  if (withLoopback && !dhcpOnly) lines.unshift('link set lo up');
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}

/** Batch lines for the host-side namespace that delete the VM's host-side links. */
export function deleteLinkLines(hostIfNames: readonly string[]): string[] {
  return hostIfNames.map((n) => `link del ${n}`);
}

/** What goes into a prompt and a DHCP hostname option: RFC 1123 characters only (ash expands `$(…)` in PS1). */
export function safeHostname(hostname: string): string {
  const s = hostname.replace(/[^A-Za-z0-9.-]/g, '-').slice(0, 63);
  return s === '' ? 'vm' : s;
}

/**
 * busybox udhcpc in the foreground (the runtime detaches it): `-R` releases the lease on SIGTERM, so a
 * stopped VM frees its address. Five discovers a second apart, then one second's pause and again, for
 * ever: a DHCP server that comes up late still serves, and one that holds offers for its 3-second ping
 * check (dnsmasq's default) answers within the first round.
 */
export function udhcpcArgs(busybox: string, guestName: string, script: string, hostname: string): string[] {
  return [busybox, 'udhcpc', '-i', guestName, '-f', '-R', '-t', '5', '-T', '1', '-A', '1', '-O', 'mtu',
    '-x', `hostname:${safeHostname(hostname)}`, '-s', script];
}

const PATHLIKE = /^\/[A-Za-z0-9_./-]+$/;

/**
 * socat serving the console socket (relative to its working directory, the state dir, so neither the
 * 108-byte socket path limit of bind nor socat's address syntax meets the state root's path): one
 * interactive busybox sh on a pty inside the VM namespace per connection. socat splits EXEC's command
 * on spaces itself (no shell); its words are a validated namespace name and an absolute path.
 */
export function consoleArgs(vmNetns: string, busybox: string, socketName: string): string[] {
  if (!PATHLIKE.test(busybox)) throw new Error(`busybox path ${JSON.stringify(busybox)} is not usable in a socat address`);
  return [
    `UNIX-LISTEN:${socketName},fork,unlink-early,mode=600`,
    `EXEC:ip netns exec ${vmNetns} ${busybox} sh -i,pty,setsid,ctty,stderr,sane`,
  ];
}

interface IpAddrInfo { family?: string; local?: string; scope?: string }
interface IpAddrLink { ifname?: string; address?: string; link_type?: string; addr_info?: IpAddrInfo[] }

/** `ip -json addr show` → the guest's NICs: no loopback, IPv4 first, IPv6 link-local left out. */
export function toGuestInterfaces(links: readonly IpAddrLink[]): GuestInterface[] {
  const out: GuestInterface[] = [];
  for (const l of links) {
    if (l.ifname === undefined || l.link_type === 'loopback' || l.ifname === 'lo') continue;
    const infos = l.addr_info ?? [];
    const v4 = infos.filter((a) => a.family === 'inet' && a.local !== undefined).map((a) => a.local as string);
    const v6 = infos.filter((a) => a.family === 'inet6' && a.local !== undefined && a.scope !== 'link' &&
      !/^fe[89ab]/i.test(a.local)).map((a) => a.local as string);
    out.push({ name: l.ifname, mac: (l.address ?? '').toLowerCase(), ipAddresses: [...v4, ...v6] });
  }
  return out;
}
