// Link-level plan steps: create, kind options, link properties, controller, bridge port VLANs, delete.

import { deepEqual } from '../../common/object.js';
import { isGone, isVirtual, parentOf, stateOf } from './iface-kinds.js';
import {
  KERNEL_DEFAULT_VLANS, bridgeOptionArgs, sameVlanEntry, vlanEntries, vlanEntryArgs, vlanFilteringEnabled,
} from './linux-bridge.js';
import type { VlanEntry } from './linux-bridge.js';
import type { MergedInterface } from './merge.js';
import type { PlanStep } from './plan-step.js';
import type { AnyInterface, LinuxBridgeOptions, StpOptions } from './types.js';

const ip = (why: string, ...args: string[]): PlanStep => ({ cmd: 'ip', args, why });

/** A veth whose peer changes is recreated: the kernel cannot re-pair an existing veth. */
export function isRecreatedVeth(m: MergedInterface): boolean {
  return m.merged.type === 'veth' && !isGone(m.merged) && m.current?.veth?.peer !== undefined
    && m.merged.veth?.peer !== undefined && m.current.veth.peer !== m.merged.veth.peer;
}

export function createSteps(list: readonly MergedInterface[]): PlanStep[] {
  const steps: PlanStep[] = [];
  for (const m of list.filter(isRecreatedVeth)) {
    steps.push(ip(`delete veth ${m.name} to re-pair it`, 'link', 'del', m.name));
  }
  const toCreate = list.filter((m) => (!m.current || isRecreatedVeth(m)) && !isGone(m.merged)
    && stateOf(m.merged) !== 'ignore' && isVirtual(m.merged));
  const names = new Set(toCreate.map((m) => m.name));
  const depth = (m: AnyInterface, seen = 0): number => {
    const p = parentOf(m);
    const pm = p !== undefined && names.has(p) ? toCreate.find((x) => x.name === p) : undefined;
    return pm && seen < 8 ? 1 + depth(pm.merged, seen + 1) : 0;
  };
  const ordered = [...toCreate].sort((a, b) => depth(a.merged) - depth(b.merged));
  const done = new Set<string>();
  for (const m of ordered) {
    if (done.has(m.name)) continue;
    done.add(m.name);
    const args = createArgs(m.merged);
    if (m.merged.type === 'veth' && m.merged.veth?.peer) done.add(m.merged.veth.peer);
    steps.push(ip(`create ${m.merged.type} ${m.name}`, ...args));
  }
  return steps;
}

function createArgs(i: AnyInterface): string[] {
  const add = ['link', 'add'];
  switch (i.type) {
    case 'linux-bridge': {
      const args = [...add, i.name, 'type', 'bridge', ...bridgeOptionArgs(i.bridge?.options)];
      if (vlanFilteringEnabled(i)) args.push('vlan_filtering', '1');
      return args;
    }
    case 'bond': {
      const la = i['link-aggregation'];
      const args = [...add, i.name, 'type', 'bond'];
      if (la?.mode) args.push('mode', la.mode);
      for (const [k, v] of Object.entries(la?.options ?? {})) args.push(k, String(v));
      return args;
    }
    case 'vlan': {
      const v = i.vlan;
      const args = [...add, 'link', v?.['base-iface'] ?? '', 'name', i.name, 'type', 'vlan', 'id', String(v?.id ?? 0)];
      if (v?.protocol) args.push('protocol', v.protocol);
      return args;
    }
    case 'vxlan': {
      const v = i.vxlan;
      const args = [...add, i.name, 'type', 'vxlan', 'id', String(v?.id ?? 0)];
      if (v?.['base-iface']) args.push('dev', v['base-iface']);
      if (v?.remote) args.push('remote', v.remote);
      if (v?.local) args.push('local', v.local);
      if (v?.['destination-port'] !== undefined) args.push('dstport', String(v['destination-port']));
      return args;
    }
    case 'veth':
      return [...add, i.name, 'type', 'veth', 'peer', 'name', i.veth?.peer ?? `${i.name}-peer`];
    default:
      return [...add, i.name, 'type', 'dummy'];
  }
}

/** Options of existing bridges and bonds that the desired state changes. */
export function kindOptionSteps(list: readonly MergedInterface[]): PlanStep[] {
  const steps: PlanStep[] = [];
  for (const m of list) {
    const c = m.current;
    if (!c || isGone(m.merged) || stateOf(m.merged) === 'ignore') continue;
    if (m.merged.type === 'linux-bridge') {
      const args = bridgeOptionArgs(changedBridgeOptions(m.forApply.bridge?.options, c.bridge?.options));
      const was = vlanFilteringEnabled(c);
      const now = vlanFilteringEnabled(m.merged);
      if (now !== was && m.forApply.bridge?.port !== undefined) args.push('vlan_filtering', now ? '1' : '0');
      if (args.length > 0) steps.push(ip(`change bridge ${m.name} options`, 'link', 'set', 'dev', m.name, 'type', 'bridge', ...args));
    }
    if (m.merged.type === 'bond') {
      const d = m.forApply['link-aggregation'];
      const cl = c['link-aggregation'];
      if (d?.mode && d.mode !== cl?.mode) {
        steps.push(ip(`take bond ${m.name} down to change its mode`, 'link', 'set', 'dev', m.name, 'down'));
        steps.push(ip(`change bond ${m.name} mode`, 'link', 'set', 'dev', m.name, 'type', 'bond', 'mode', d.mode));
      }
      const opts = Object.entries(d?.options ?? {}).filter(([k, v]) => String(cl?.options?.[k]) !== String(v));
      if (opts.length > 0) {
        steps.push(ip(`change bond ${m.name} options`, 'link', 'set', 'dev', m.name, 'type', 'bond',
          ...opts.flatMap(([k, v]) => [k, String(v)])));
      }
    }
  }
  return steps;
}

function changedBridgeOptions(d: LinuxBridgeOptions | undefined, c: LinuxBridgeOptions | undefined): LinuxBridgeOptions | undefined {
  if (!d) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d)) {
    if (k === 'stp') {
      const stp: Record<string, unknown> = {};
      for (const [sk, sv] of Object.entries(v as StpOptions)) {
        if (!deepEqual(sv, (c?.stp as Record<string, unknown> | undefined)?.[sk])) stp[sk] = sv;
      }
      if (Object.keys(stp).length > 0) out['stp'] = stp;
    } else if (!deepEqual(v, (c as Record<string, unknown> | undefined)?.[k])) out[k] = v;
  }
  return out as LinuxBridgeOptions;
}

export function linkPropertySteps(list: readonly MergedInterface[]): PlanStep[] {
  const steps: PlanStep[] = [];
  for (const m of list) {
    if (isGone(m.merged) || stateOf(m.merged) === 'ignore' || !m.desired) continue;
    const d = m.forApply;
    const c = m.current;
    if (d.mtu !== undefined && d.mtu !== c?.mtu) steps.push(ip(`set ${m.name} mtu`, 'link', 'set', 'dev', m.name, 'mtu', String(d.mtu)));
    const mac = d['mac-address'];
    if (mac !== undefined && mac.toUpperCase() !== c?.['mac-address']?.toUpperCase()) {
      steps.push(ip(`set ${m.name} mac address`, 'link', 'set', 'dev', m.name, 'address', mac));
    }
    const promisc = d['accept-all-mac-addresses'];
    if (promisc !== undefined && promisc !== (c?.['accept-all-mac-addresses'] ?? false)) {
      steps.push(ip(`set ${m.name} promiscuous mode`, 'link', 'set', 'dev', m.name, 'promisc', promisc ? 'on' : 'off'));
    }
  }
  return steps;
}

export function controllerSteps(list: readonly MergedInterface[], all: ReadonlyMap<string, MergedInterface>): PlanStep[] {
  const steps: PlanStep[] = [];
  for (const m of list) {
    if (isGone(m.merged) || stateOf(m.merged) === 'ignore') continue;
    const now = m.merged.controller ?? '';
    const was = m.current?.controller ?? '';
    if (now === was) continue;
    if (now === '') {
      steps.push(ip(`detach ${m.name} from ${was}`, 'link', 'set', 'dev', m.name, 'nomaster'));
      continue;
    }
    if (all.get(now)?.merged.type === 'bond') {
      steps.push(ip(`take ${m.name} down to enslave it to bond ${now}`, 'link', 'set', 'dev', m.name, 'down'));
    }
    steps.push(ip(`attach ${m.name} to ${now}`, 'link', 'set', 'dev', m.name, 'master', now));
  }
  for (const m of list) {
    if (m.merged.type !== 'linux-bridge' || isGone(m.merged) || !m.forApply.bridge?.port) continue;
    for (const p of m.merged.bridge?.port ?? []) {
      const cp = m.current?.bridge?.port?.find((x) => x.name === p.name);
      const args: string[] = [];
      if (p['stp-path-cost'] !== undefined && p['stp-path-cost'] !== cp?.['stp-path-cost']) args.push('cost', String(p['stp-path-cost']));
      if (p['stp-priority'] !== undefined && p['stp-priority'] !== cp?.['stp-priority']) args.push('priority', String(p['stp-priority']));
      if (p['stp-hairpin-mode'] !== undefined && p['stp-hairpin-mode'] !== cp?.['stp-hairpin-mode']) {
        args.push('hairpin', p['stp-hairpin-mode'] ? 'on' : 'off');
      }
      if (args.length > 0) steps.push(ip(`set bridge port ${p.name} options`, 'link', 'set', 'dev', p.name, 'type', 'bridge_slave', ...args));
    }
  }
  return steps;
}

export function linkStateSteps(list: readonly MergedInterface[]): PlanStep[] {
  const steps: PlanStep[] = [];
  for (const m of list) {
    if (isGone(m.merged) || !m.desired) continue;
    const s = stateOf(m.merged);
    const was = m.current && !isRecreatedVeth(m) ? stateOf(m.current) : 'down';
    const ctrl = m.merged.controller;
    const downedForBond = ctrl !== undefined && ctrl !== '' && ctrl !== (m.current?.controller ?? '')
      && list.find((x) => x.name === ctrl)?.merged.type === 'bond';
    if (s === 'up' && (was !== 'up' || downedForBond || (m.current?.type === 'bond' && m.forApply['link-aggregation']?.mode !== undefined
      && m.forApply['link-aggregation'].mode !== m.current['link-aggregation']?.mode))) {
      steps.push(ip(`bring ${m.name} up`, 'link', 'set', 'dev', m.name, 'up'));
    }
    if (s === 'down' && was === 'up') steps.push(ip(`bring ${m.name} down`, 'link', 'set', 'dev', m.name, 'down'));
  }
  // Ports enslaved to a bond were taken down above; bring them back with their bond.
  for (const m of list) {
    if (m.desired || isGone(m.merged)) continue;
    const ctrl = m.merged.controller;
    if (ctrl && ctrl !== (m.current?.controller ?? '') && list.find((x) => x.name === ctrl)?.merged.type === 'bond') {
      steps.push(ip(`bring ${m.name} up`, 'link', 'set', 'dev', m.name, 'up'));
    }
  }
  return steps;
}

export function bridgeVlanSteps(list: readonly MergedInterface[]): PlanStep[] {
  const steps: PlanStep[] = [];
  for (const m of list) {
    if (m.merged.type !== 'linux-bridge' || isGone(m.merged) || !m.forApply.bridge?.port) continue;
    if (!vlanFilteringEnabled(m.merged)) continue;
    const filteringBefore = m.current ? vlanFilteringEnabled(m.current) : false;
    for (const p of m.forApply.bridge.port) {
      if (!p.vlan) continue;
      const cp = m.current?.bridge?.port?.find((x) => x.name === p.name);
      const before: VlanEntry[] = filteringBefore && cp ? (cp.vlan ? vlanEntries(cp.vlan) : KERNEL_DEFAULT_VLANS) : KERNEL_DEFAULT_VLANS;
      const after = vlanEntries(p.vlan);
      for (const e of before) {
        if (after.some((a) => sameVlanEntry(a, e))) continue;
        steps.push({ cmd: 'bridge', args: ['vlan', 'del', 'dev', p.name, ...vlanEntryArgs({ ...e, pvid: false, untagged: false })],
          why: `remove VLAN ${e.min}-${e.max} from bridge port ${p.name}` });
      }
      for (const e of after) {
        if (before.some((b) => sameVlanEntry(b, e))) continue;
        steps.push({ cmd: 'bridge', args: ['vlan', 'add', 'dev', p.name, ...vlanEntryArgs(e)],
          why: `add VLAN ${e.min}-${e.max} to bridge port ${p.name}` });
      }
    }
  }
  return steps;
}

/** Deletes last: children before the link they sit on; a veth pair goes with its first end. */
export function deleteSteps(list: readonly MergedInterface[]): PlanStep[] {
  const gone = list.filter((m) => m.current && isGone(m.merged));
  const steps: PlanStep[] = [];
  const done = new Set<string>();
  // The old peer of a re-paired veth went with the `ip link del` that recreated it.
  for (const m of list.filter(isRecreatedVeth)) done.add(m.current!.veth!.peer);
  const remaining = [...gone];
  while (remaining.length > 0) {
    const idx = remaining.findIndex((m) => !remaining.some((o) => o !== m && parentOf(o.current!) === m.name));
    const [m] = remaining.splice(idx < 0 ? 0 : idx, 1);
    if (!m || done.has(m.name)) continue;
    done.add(m.name);
    const c = m.current!;
    if (isVirtual(c)) {
      if (c.type === 'veth' && c.veth?.peer) done.add(c.veth.peer);
      steps.push(ip(`delete ${c.type} ${m.name}`, 'link', 'del', m.name));
    } else if (stateOf(c) === 'up') {
      steps.push(ip(`bring ${m.name} down`, 'link', 'set', 'dev', m.name, 'down'));
    }
  }
  return steps;
}
