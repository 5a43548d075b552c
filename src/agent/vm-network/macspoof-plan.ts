// MAC spoof check for bridge-bound VM ports, as the CNI bridge plugin's `macspoofchk` does it: frames that
// enter the node's bridge from the VM's node-side port must carry the VM's MAC as Ethernet source (and, for
// ARP, as sender hardware address). Pure: renders nft scripts and reads `nft -j` output.
//
// One table per node, `bridge vn_macspoof`, with two sets instead of a chain per port: `ports` (checked
// ports) and `allowed` (port . MAC). Adding or removing a VM is then adding or removing set elements, each
// tagged with the launcher namespace as comment, so a teardown finds exactly its own elements.

import { checkIfName, checkMac } from './names.js';

export const MACSPOOF_TABLE = 'vn_macspoof';

export interface MacspoofPort {
  port: string;
  mac: string;
}

const T = `bridge ${MACSPOOF_TABLE}`;

/** Creates the table if missing and (re)writes its two rules; elements already in the sets stay. */
function ensureTable(): string[] {
  return [
    `add table ${T}`,
    `add set ${T} ports { type ifname; }`,
    `add set ${T} allowed { type ifname . ether_addr; }`,
    // Bridge prerouting runs before the bridge learns the source MAC: a spoofed frame neither reaches
    // another port nor poisons the forwarding database.
    `add chain ${T} prerouting { type filter hook prerouting priority -300; policy accept; }`,
    `flush chain ${T} prerouting`,
    `add rule ${T} prerouting iifname @ports iifname . ether saddr != @allowed drop`,
    `add rule ${T} prerouting iifname @ports iifname . arp saddr ether != @allowed drop`,
  ];
}

function comment(tag: string): string {
  if (!/^[A-Za-z0-9_.-]{1,120}$/.test(tag)) throw new Error(`invalid macspoof tag ${JSON.stringify(tag)}`);
  return `comment "${tag}"`;
}

/** The script that checks `ports`, tagging their elements with `tag` (the launcher namespace). */
export function renderMacspoofAdd(ports: readonly MacspoofPort[], tag: string): string {
  const lines = ensureTable();
  for (const p of ports) {
    checkIfName(p.port, 'macspoof port');
    checkMac(p.mac, 'macspoof MAC');
    lines.push(`add element ${T} ports { "${p.port}" ${comment(tag)} }`);
    lines.push(`add element ${T} allowed { "${p.port}" . ${p.mac} ${comment(tag)} }`);
  }
  return lines.join('\n') + '\n';
}

/** Removes the elements; `add` first makes each `delete` succeed even if a concurrent teardown won. */
export function renderMacspoofRemove(ports: readonly MacspoofPort[]): string {
  if (ports.length === 0) return '';
  const lines: string[] = [];
  for (const p of ports) {
    checkIfName(p.port, 'macspoof port');
    checkMac(p.mac, 'macspoof MAC');
    lines.push(`add element ${T} ports { "${p.port}" }`, `delete element ${T} ports { "${p.port}" }`);
    lines.push(`add element ${T} allowed { "${p.port}" . ${p.mac} }`, `delete element ${T} allowed { "${p.port}" . ${p.mac} }`);
  }
  return lines.join('\n') + '\n';
}

interface NftSetJson {
  name?: string;
  elem?: unknown[];
}

function setOf(listing: unknown, name: string): NftSetJson | undefined {
  const items = (listing as { nftables?: unknown[] } | undefined)?.nftables ?? [];
  for (const it of items) {
    const s = (it as { set?: NftSetJson }).set;
    if (s?.name === name) return s;
  }
  return undefined;
}

/**
 * The elements tagged `tag` in `nft -j list table bridge vn_macspoof` output: each port with its allowed
 * MAC. A port in `ports` without an `allowed` element (cannot happen through this code) is paired with
 * the all-zero MAC so that it is still removed.
 */
export function macspoofPortsTagged(listing: unknown, tag: string): MacspoofPort[] {
  const out = new Map<string, string>();
  for (const e of setOf(listing, 'allowed')?.elem ?? []) {
    const el = (e as { elem?: { val?: { concat?: unknown[] }; comment?: string } }).elem;
    const [port, mac] = el?.val?.concat ?? [];
    if (el?.comment === tag && typeof port === 'string' && typeof mac === 'string') out.set(port, mac);
  }
  for (const e of setOf(listing, 'ports')?.elem ?? []) {
    const el = (e as { elem?: { val?: unknown; comment?: string } }).elem;
    if (el?.comment === tag && typeof el.val === 'string' && !out.has(el.val)) out.set(el.val, '00:00:00:00:00:00');
  }
  return [...out].map(([port, mac]) => ({ port, mac }));
}
