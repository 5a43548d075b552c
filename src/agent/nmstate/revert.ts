// The checkpoint: a desired state that, applied after a failed apply, restores exactly what the apply touched
// (nmstate gen_revert). Computed before apply from the same merged view, so it is pure and testable.

import { isVirtual } from './iface-kinds.js';
import { cloneJson } from './json-clone.js';
import { mergeStates } from './merge.js';
import type { MergedState } from './merge.js';
import type { AnyInterface, NetworkState } from './types.js';

const READ_ONLY_KEYS = ['min-mtu', 'max-mtu', 'permanent-mac-address', 'wait-ip', 'profile-name', 'driver', 'lldp', 'ethtool'];

export function generateRevert(current: NetworkState, desired: NetworkState): NetworkState {
  return revertFromMerged(mergeStates(desired, current));
}

export function revertFromMerged(m: MergedState): NetworkState {
  const out: NetworkState = {};
  const ifaces: AnyInterface[] = [];
  for (const mi of m.interfaces.values()) {
    if (mi.desired && (mi.desired.state ?? 'up') === 'ignore') continue;
    const c = mi.current;
    if (!c) {
      ifaces.push({ name: mi.name, type: mi.merged.type ?? 'unknown', state: 'absent' });
      continue;
    }
    const r = cloneJson(c) as AnyInterface & Record<string, unknown>;
    for (const k of READ_ONLY_KEYS) delete r[k];
    r.state = c.state ?? 'up';
    // A virtual interface whose link is down exists: `state: down` in a desired state would delete it.
    if (r.state === 'down' && isVirtual(r)) delete r.state;
    if ((mi.merged.controller ?? '') !== (c.controller ?? '')) r.controller = c.controller ?? '';
    for (const fam of ['ipv4', 'ipv6'] as const) {
      const ip = r[fam];
      // Addresses a DHCP client or router advertisement handed out come back by themselves.
      if (ip && (ip.dhcp === true || ip.autoconf === true)) delete ip.address;
    }
    ifaces.push(r);
  }
  if (ifaces.length > 0) out.interfaces = ifaces;
  const routes = [...m.routes.added.map((r) => ({ ...r, state: 'absent' as const })), ...m.routes.removed];
  if (routes.length > 0) out.routes = { config: routes };
  const rules = [...m.rules.added.map((r) => ({ ...r, state: 'absent' as const })), ...m.rules.removed];
  if (rules.length > 0) out['route-rules'] = { config: rules };
  if (m.dns?.changed) out['dns-resolver'] = { config: structuredClone(m.dns.current) };
  return out;
}
