// What each interface kind means to the engine: is it a kernel-created (virtual) link, which link it sits on,
// which ports it holds. One place, so merge, plan and revert agree.

import type { AnyInterface } from './types.js';

/** Kinds the engine creates with `ip link add` and removes with `ip link del`. */
export function isVirtual(iface: AnyInterface): boolean {
  return iface.type !== undefined && ['linux-bridge', 'veth', 'vxlan', 'vlan', 'bond', 'dummy'].includes(iface.type);
}

export function isController(iface: AnyInterface): boolean {
  return iface.type === 'linux-bridge' || iface.type === 'bond';
}

/** The link this one is stacked on (vlan/vxlan `base-iface`). */
export function parentOf(iface: AnyInterface): string | undefined {
  if (iface.type === 'vlan') return iface.vlan?.['base-iface'];
  if (iface.type === 'vxlan') return iface.vxlan?.['base-iface'];
  return undefined;
}

/** Port names, or undefined when the state does not mention the port list. */
export function portsOf(iface: AnyInterface): string[] | undefined {
  if (iface.type === 'linux-bridge') return iface.bridge?.port?.map((p) => p.name);
  if (iface.type === 'bond') return iface['link-aggregation']?.port;
  return undefined;
}

export function stateOf(iface: AnyInterface): 'up' | 'down' | 'absent' | 'ignore' {
  return iface.state ?? 'up';
}

/** Whether the interface will not exist after apply: absent, or a virtual interface set down. */
export function isGone(iface: AnyInterface): boolean {
  const s = stateOf(iface);
  return s === 'absent' || (s === 'down' && isVirtual(iface));
}
