// linux-bridge: STP and port-VLAN validation (nmstate ifaces/linux_bridge.rs, bridge_vlan.rs) and the
// translation of options and port VLANs into iproute2 terms.

import { invalidArgument } from './error.js';
import type { AnyInterface, BridgePortVlan, LinuxBridgeOptions, TrunkTag } from './types.js';

const STP_RANGES: [key: 'hello-time' | 'max-age' | 'forward-delay', words: string, min: number, max: number][] = [
  ['hello-time', 'hello time', 1, 10],
  ['max-age', 'max age', 6, 40],
  ['forward-delay', 'forward delay', 2, 30],
];

export function validateLinuxBridge(iface: AnyInterface): void {
  const stp = iface.bridge?.options?.stp;
  if (stp) {
    for (const [key, words, min, max] of STP_RANGES) {
      const v = stp[key];
      if (v !== undefined && (v < min || v > max)) {
        throw invalidArgument(`Desired STP ${words} ${v} is not in the range of [${min},${max}]`);
      }
    }
  }
  for (const port of iface.bridge?.port ?? []) {
    if (port.vlan) validatePortVlan(port.vlan);
  }
}

function tagText(t: TrunkTag): string {
  return 'id' in t ? `id=${t.id}` : `id-range=[${t['id-range'].min},${t['id-range'].max}]`;
}

function validatePortVlan(vlan: BridgePortVlan): void {
  // nmstate checks these only when `mode` is given explicitly.
  if (vlan.mode === 'trunk' && vlan.tag !== undefined && vlan.tag !== 0 && vlan['enable-native'] !== true) {
    throw invalidArgument('Bridge VLAN filtering `tag` cannot be use in trunk mode without `enable-native`');
  }
  if (vlan.mode === 'access' && vlan['enable-native'] === true) {
    throw invalidArgument('Bridge VLAN filtering `enable-native: true` cannot be set in access mode');
  }
  if (vlan.mode === 'access' && (vlan['trunk-tags']?.length ?? 0) > 0) {
    throw invalidArgument('Bridge VLAN filtering access mode cannot have trunk-tags defined');
  }
  if (vlan.mode === 'trunk' && vlan['trunk-tags'] === undefined) {
    throw invalidArgument('Bridge VLAN filtering trunk mode cannot have empty trunk-tags');
  }
  const seen = new Map<number, TrunkTag>();
  for (const t of vlan['trunk-tags'] ?? []) {
    const [min, max] = 'id' in t ? [t.id, t.id] : [t['id-range'].min, t['id-range'].max];
    for (let id = min; id <= max; id++) {
      const other = seen.get(id);
      if (other) {
        throw invalidArgument(`Bridge VLAN trunk tag ${tagText(t)} is overlapping with other tag ${tagText(other)}`);
      }
      seen.set(id, t);
    }
  }
}

/** The trunk default kubernetes-nmstate renders for up bridge ports without `vlan` (pkg/bridge/bridge.go). */
export const DEFAULT_TRUNK_VLAN: BridgePortVlan = { mode: 'trunk', 'trunk-tags': [{ 'id-range': { min: 2, max: 4094 } }] };

/** One `bridge vlan` entry: a VID range with its pvid/untagged flags. */
export interface VlanEntry {
  min: number;
  max: number;
  pvid: boolean;
  untagged: boolean;
}

/** A port the kernel just enslaved to a VLAN-filtering bridge carries VID 1 as pvid untagged. */
export const KERNEL_DEFAULT_VLANS: VlanEntry[] = [{ min: 1, max: 1, pvid: true, untagged: true }];

export function vlanEntries(vlan: BridgePortVlan): VlanEntry[] {
  const out: VlanEntry[] = [];
  const mode = vlan.mode ?? 'access';
  if (mode === 'access') {
    if (vlan.tag !== undefined) out.push({ min: vlan.tag, max: vlan.tag, pvid: true, untagged: true });
    return out;
  }
  if (vlan['enable-native'] === true && vlan.tag !== undefined) {
    out.push({ min: vlan.tag, max: vlan.tag, pvid: true, untagged: true });
  }
  for (const t of vlan['trunk-tags'] ?? []) {
    const [min, max] = 'id' in t ? [t.id, t.id] : [t['id-range'].min, t['id-range'].max];
    out.push({ min, max, pvid: false, untagged: false });
  }
  return out;
}

export function vlanEntryArgs(e: VlanEntry): string[] {
  const args = ['vid', e.min === e.max ? String(e.min) : `${e.min}-${e.max}`];
  if (e.pvid) args.push('pvid');
  if (e.untagged) args.push('untagged');
  return args;
}

export function sameVlanEntry(a: VlanEntry, b: VlanEntry): boolean {
  return a.min === b.min && a.max === b.max && a.pvid === b.pvid && a.untagged === b.untagged;
}

/** `ip link … type bridge` arguments for the given options; times are seconds in nmstate, centiseconds in iproute2. */
export function bridgeOptionArgs(o: LinuxBridgeOptions | undefined): string[] {
  if (!o) return [];
  const args: string[] = [];
  const stp = o.stp;
  if (stp?.enabled !== undefined) args.push('stp_state', stp.enabled ? '1' : '0');
  if (stp?.['forward-delay'] !== undefined) args.push('forward_delay', String(stp['forward-delay'] * 100));
  if (stp?.['hello-time'] !== undefined) args.push('hello_time', String(stp['hello-time'] * 100));
  if (stp?.['max-age'] !== undefined) args.push('max_age', String(stp['max-age'] * 100));
  if (stp?.priority !== undefined) args.push('priority', String(stp.priority));
  if (o['group-forward-mask'] !== undefined) args.push('group_fwd_mask', String(o['group-forward-mask']));
  if (o['mac-ageing-time'] !== undefined) args.push('ageing_time', String(o['mac-ageing-time'] * 100));
  if (o['multicast-snooping'] !== undefined) args.push('mcast_snooping', o['multicast-snooping'] ? '1' : '0');
  if (o['vlan-protocol'] !== undefined) args.push('vlan_protocol', o['vlan-protocol']);
  if (o['vlan-default-pvid'] !== undefined) args.push('vlan_default_pvid', String(o['vlan-default-pvid']));
  return args;
}

/** Whether any port asks for VLAN filtering (nmstate vlan_filtering_is_enabled). */
export function vlanFilteringEnabled(iface: AnyInterface): boolean {
  return (iface.bridge?.port ?? []).some((p) => p.vlan !== undefined && Object.keys(p.vlan).length > 0);
}
