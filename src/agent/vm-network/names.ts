// Validation of the names and values that end up inside `ip -batch` lines and nft scripts: both are
// whitespace-separated languages, so anything outside these patterns could change what a line means. Pure.

import { VmNetworkError } from './error.js';

const IFNAME = /^[A-Za-z0-9_.-]{1,15}$/;
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;
const VMID = /^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/;
const PREFIX = /^vn-[a-z0-9-]{0,40}$/;

export function checkIfName(name: string, what: string): void {
  if (!IFNAME.test(name)) {
    throw new VmNetworkError(`${what} ${JSON.stringify(name)} is not a valid interface name (at most 15 bytes of [A-Za-z0-9_.-])`);
  }
}

/** Lowercase colon form; a unicast address (the low bit of the first octet clear). */
export function checkMac(mac: string, what: string): void {
  if (!MAC.test(mac)) throw new VmNetworkError(`${what} ${JSON.stringify(mac)} is not a MAC address in lowercase colon form`);
  if (parseInt(mac.slice(0, 2), 16) % 2 === 1) throw new VmNetworkError(`${what} ${mac} is a multicast address`);
}

export function checkVmid(vmid: string): void {
  if (!VMID.test(vmid)) throw new VmNetworkError(`invalid VM id ${JSON.stringify(vmid)}: want [a-z0-9-], at most 40 characters`);
}

/** Every launcher namespace carries the caller's prefix, so a lab's teardown finds it by name. */
export function checkPrefix(prefix: string): void {
  if (!PREFIX.test(prefix)) throw new VmNetworkError(`invalid name prefix ${JSON.stringify(prefix)}: want vn-[a-z0-9-]*`);
}
