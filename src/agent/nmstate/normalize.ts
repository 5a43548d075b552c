// Renderings of the normalised desired state: what apply will set (the merged view's forApply, as a
// NetworkState) and what kubernetes-nmstate shows as an enactment's `status.desiredState`.

import { isPlainObject } from '../../common/object.js';
import { DEFAULT_TRUNK_VLAN } from './linux-bridge.js';
import type { MergedState } from './merge.js';
import type { AnyInterface, NetworkState } from './types.js';

/** The normalised desired state: forApply of every touched interface, and the merged routes, rules and DNS. */
export function normalizedDesiredState(m: MergedState, desired: NetworkState): NetworkState {
  const out: NetworkState = {};
  const ifaces = [...m.interfaces.values()].map((i) => i.forApply);
  if (ifaces.length > 0) out.interfaces = ifaces;
  if (desired.routes?.config !== undefined) out.routes = { config: m.routes.merged };
  if (desired['route-rules']?.config !== undefined) out['route-rules'] = { config: m.rules.merged };
  if (m.dns) out['dns-resolver'] = { config: m.dns.merged };
  return out;
}

/**
 * kubernetes-nmstate renders an enactment's desiredState with the ports of an up linux-bridge that carry no
 * `vlan` set to trunk 2-4094 (pkg/bridge/bridge.go). Display only: apply uses the state as written.
 */
export function renderEnactmentDesiredState(desired: NetworkState): NetworkState {
  const out = structuredClone(desired);
  for (const iface of out.interfaces ?? []) {
    if (!isUpBridge(iface)) continue;
    for (const port of iface.bridge?.port ?? []) {
      if (!isPlainObject(port.vlan)) port.vlan = structuredClone(DEFAULT_TRUNK_VLAN);
    }
  }
  return out;
}

function isUpBridge(iface: AnyInterface): boolean {
  return iface.type === 'linux-bridge' && (iface.state ?? 'up') === 'up';
}
