// Validation of the desired state before anything is touched (nmstate validates before the checkpoint).
// Messages are nmstate's, word for word, where nmstate has one.

import { invalidArgument } from './error.js';
import { validateIp } from './ip.js';
import { isController, portsOf, stateOf } from './iface-kinds.js';
import { validateLinuxBridge } from './linux-bridge.js';
import type { AnyInterface } from './types.js';

const MINIMUM_IPV6_MTU = 1280;

/** Checks of one desired interface (type already resolved) that need only the interface itself. */
export function validateInterface(iface: AnyInterface, current: AnyInterface | undefined): void {
  if (stateOf(iface) === 'absent' || stateOf(iface) === 'ignore') return;
  if (iface.ipv4) validateIp(iface.ipv4, 'ipv4');
  if (iface.ipv6) {
    validateIp(iface.ipv6, 'ipv6');
    if (iface.ipv6.enabled === true && iface.mtu !== undefined && iface.mtu < MINIMUM_IPV6_MTU) {
      throw invalidArgument(
        `MTU should be >= ${MINIMUM_IPV6_MTU} when IPv6 is enabled on interface ${iface.name}, but got mtu: ${iface.mtu}`);
    }
  }
  switch (iface.type) {
    case 'linux-bridge':
      validateLinuxBridge(iface);
      break;
    case 'vlan':
      if ((iface.vlan || !current) && !iface.vlan?.['base-iface']) {
        throw invalidArgument(`Missing 'vlan.base-iface' for interface '${iface.name}'`);
      }
      break;
    case 'bond':
      if (stateOf(iface) === 'up' && !current && !iface['link-aggregation']?.mode) {
        throw invalidArgument(`Bond mode is mandatory for new bond interface: ${iface.name}`);
      }
      break;
    default:
      break;
  }
}

/** A port may be listed by one controller only (inter_ifaces_controller.rs is_port_overbook). */
export function validatePortOwnership(desired: readonly AnyInterface[]): Map<string, string> {
  const owner = new Map<string, string>();
  for (const iface of desired) {
    if (!isController(iface) || stateOf(iface) === 'absent') continue;
    for (const port of portsOf(iface) ?? []) {
      const earlier = owner.get(port);
      if (earlier !== undefined) {
        throw invalidArgument(`Port ${port} is overbooked by two controller: ${iface.name}, ${earlier}`);
      }
      owner.set(port, iface.name);
    }
  }
  for (const iface of desired) {
    const ctrl = iface.controller;
    if (ctrl === undefined || ctrl === '') continue;
    const listedBy = owner.get(iface.name);
    const ctrlIface = desired.find((d) => d.name === ctrl);
    const ctrlPorts = ctrlIface ? portsOf(ctrlIface) : undefined;
    if ((listedBy !== undefined && listedBy !== ctrl) || (ctrlPorts !== undefined && !ctrlPorts.includes(iface.name))) {
      throw invalidArgument(
        `Interface ${iface.name} has controller ${ctrl} which conflicts with the port list of ${listedBy ?? ctrl}`);
    }
  }
  return owner;
}
