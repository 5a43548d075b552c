// desired + current → the merged view nmstate works from (query_apply/net_state.rs, iface.rs MergedInterface):
// per touched interface {desired, current, forApply, forVerify, merged}, plus merged routes, rules and DNS.

import { deepEqual } from '../../common/object.js';
import { invalidArgument } from './error.js';
import { isAuto, normalizeIp } from './ip.js';
import { isController, isGone, parentOf, portsOf, stateOf } from './iface-kinds.js';
import { cloneJson } from './json-clone.js';
import { mergeJson, pruneUndefined } from './json-value.js';
import { mergeRoutes, mergeRules } from './routes.js';
import type { MergedRoutes, MergedRules } from './routes.js';
import { validateInterface, validatePortOwnership } from './validate.js';
import type { AnyInterface, DnsConfig, NetworkState } from './types.js';

export interface MergedInterface {
  name: string;
  /** As the user wrote it, type resolved; absent for interfaces touched only as a consequence. */
  desired?: AnyInterface;
  current?: AnyInterface;
  /** The desired keys with their merged values: what apply sets (and revert/plan reason about). */
  forApply: AnyInterface;
  /** What verification compares; undefined for `state: ignore`. */
  forVerify?: AnyInterface;
  /** The full interface after apply. */
  merged: AnyInterface;
}

export interface MergedDns {
  current: DnsConfig;
  merged: DnsConfig;
  changed: boolean;
}

export interface MergedState {
  /** Touched interfaces, in desired order, consequences after. */
  interfaces: Map<string, MergedInterface>;
  current: Map<string, AnyInterface>;
  routes: MergedRoutes;
  rules: MergedRules;
  dns?: MergedDns;
  /** Silent normalisations the user should still hear about (shown on the enactment). */
  warnings: string[];
}

export function mergeStates(desired: NetworkState, current: NetworkState): MergedState {
  const cur = new Map<string, AnyInterface>();
  for (const i of current.interfaces ?? []) cur.set(i.name, i);
  const warnings: string[] = [];
  const wanted = resolveDesired(desired.interfaces ?? [], cur);
  for (const d of wanted) validateInterface(d, cur.get(d.name));
  validatePortOwnership(wanted);

  const view = new Map<string, MergedInterface>();
  for (const d of wanted) view.set(d.name, mergeInterface(d, cur.get(d.name), warnings));

  const touch = (name: string): MergedInterface | undefined => {
    const existing = view.get(name);
    if (existing) return existing;
    const c = cur.get(name);
    if (!c) return undefined;
    // Only top-level keys of `merged` are ever replaced, so it may share the rest with `current`.
    const m: MergedInterface = { name, current: c, forApply: { name, type: c.type ?? 'unknown' }, merged: { ...c } };
    // An interface pulled in only as a port (or child) keeps existing: its current `down` is a link
    // state, not a desired `state: down` (which would remove a virtual interface).
    if (m.merged.state === 'down') delete m.merged.state;
    view.set(name, m);
    return m;
  };
  const setApply = (m: MergedInterface, patch: Partial<AnyInterface>): void => {
    Object.assign(m.merged, patch);
    Object.assign(m.forApply, patch);
  };

  applyControllerChanges(wanted, view, cur, touch, setApply);
  applyAbsentParents(view, cur, touch);

  for (const m of view.values()) {
    const ctrl = m.merged.controller;
    if (ctrl === undefined || ctrl === '' || isGone(m.merged)) continue;
    for (const fam of ['ipv4', 'ipv6'] as const) {
      if (m.desired?.[fam]?.enabled === true) {
        throw invalidArgument(
          `Interface ${m.name} cannot have IP enabled as it is attached to a controller where IP is not allowed`);
      }
      if (m.merged[fam]?.enabled === true) m.merged[fam] = { enabled: false };
    }
  }

  const facts = ifaceFacts(view);
  const routes = mergeRoutes(desired.routes?.config ?? [], current.routes?.config ?? [], facts);
  const rules = mergeRules(desired['route-rules']?.config ?? [], current['route-rules']?.config ?? []);
  const state: MergedState = { interfaces: view, current: cur, routes, rules, warnings };
  const dns = mergeDns(desired, current);
  if (dns) state.dns = dns;
  return state;
}

function resolveDesired(list: readonly AnyInterface[], cur: Map<string, AnyInterface>): AnyInterface[] {
  const out: AnyInterface[] = [];
  for (const d0 of list) {
    // A shallow copy: only `type` is set on it below; merging copies whatever it takes from it.
    const d = { ...d0 };
    const c = cur.get(d.name);
    if (d.type === undefined || d.type === 'unknown') {
      if (!c) {
        if (stateOf(d) === 'absent') continue;
        throw invalidArgument(`Failed to find unknown type interface ${d.name} in current state`);
      }
      d.type = c.type ?? 'unknown';
    }
    if (!c && stateOf(d) === 'absent') continue;
    if (d.type === 'ethernet' && !c && stateOf(d) !== 'ignore') {
      throw invalidArgument(`Ethernet interface ${d.name} does not exists`);
    }
    const i = out.findIndex((o) => o.name === d.name);
    if (i >= 0) out[i] = mergeJson(out[i]!, d);
    else out.push(d);
  }
  return out;
}

function mergeInterface(d: AnyInterface, c: AnyInterface | undefined, warnings: string[]): MergedInterface {
  const name = d.name;
  const state = stateOf(d);
  const base: MergedInterface = { name, desired: d, forApply: { name, type: d.type ?? 'unknown', state }, merged: d };
  if (c) base.current = c;
  if (state === 'absent') {
    base.merged = { name, type: d.type ?? 'unknown', state: 'absent' };
    base.forVerify = { name, state: 'absent' };
    return base;
  }
  if (state === 'ignore') {
    base.merged = c ? cloneJson(c) : { name, type: d.type ?? 'unknown' };
    return base;
  }
  const merged: AnyInterface = mergeJson(c ?? { name, type: d.type ?? 'unknown' }, d);
  merged.state = state;
  specialMerge(merged, d, c);
  for (const fam of ['ipv4', 'ipv6'] as const) {
    const ip = merged[fam];
    if (ip) merged[fam] = normalizeIp(name, fam, ip, d[fam], warnings);
    else if (!c) merged[fam] = { enabled: false };
  }
  const pruned = pruneUndefined(merged);
  base.merged = pruned;
  // The desired keys with their merged values, copied from the pruned view (so nothing undefined is left).
  const forApply: AnyInterface = { name, type: merged.type ?? 'unknown', state };
  for (const k of Object.keys(d) as (keyof AnyInterface)[]) {
    if (k === 'name' || k === 'type' || k === 'state') continue;
    const v = pruned[k];
    if (v !== undefined) (forApply as unknown as Record<string, unknown>)[k] = cloneJson(v);
  }
  base.forApply = forApply;
  base.forVerify = verifyView(base.forApply);
  return base;
}

/** Merges nmstate does by hand on top of the generic one. */
function specialMerge(merged: AnyInterface, d: AnyInterface, c: AnyInterface | undefined): void {
  // A port entry without `vlan` keeps the port's current VLAN config (linux_bridge.rs special_merge).
  const dPorts = d.bridge?.port;
  if (merged.bridge && dPorts) {
    merged.bridge.port = dPorts.map((p) => {
      if (p.vlan !== undefined) return cloneJson(p);
      const cp = c?.bridge?.port?.find((x) => x.name === p.name);
      return cp?.vlan ? { ...cloneJson(p), vlan: cloneJson(cp.vlan) } : cloneJson(p);
    });
  }
  // A bond mode change drops the old mode's options (bond.rs).
  const dMode = d['link-aggregation']?.mode;
  const cMode = c?.['link-aggregation']?.mode;
  if (merged['link-aggregation'] && dMode && cMode && dMode !== cMode) {
    const opts = d['link-aggregation']?.options;
    if (opts) merged['link-aggregation'].options = cloneJson(opts);
    else delete merged['link-aggregation'].options;
  }
}

/** Verification leaves out what the kernel reports differently from what was asked. */
function verifyView(forApply: AnyInterface): AnyInterface {
  // Copies of what changes, the rest shared with forApply (verification only reads it).
  const v = { ...forApply };
  delete v['copy-mac-from'];
  delete v.description;
  for (const fam of ['ipv4', 'ipv6'] as const) {
    const ip = v[fam];
    if (ip && isAuto(ip, fam)) {
      const copy = { ...ip };
      delete copy.address;
      v[fam] = copy;
    }
  }
  if (v.bridge?.port) v.bridge = { ...v.bridge, port: [...v.bridge.port].sort((a, b) => a.name.localeCompare(b.name)) };
  return v;
}

function applyControllerChanges(
  wanted: readonly AnyInterface[],
  view: Map<string, MergedInterface>,
  cur: Map<string, AnyInterface>,
  touch: (name: string) => MergedInterface | undefined,
  setApply: (m: MergedInterface, patch: Partial<AnyInterface>) => void,
): void {
  for (const d of wanted) {
    if (!isController(d) || stateOf(d) === 'ignore') continue;
    const m = view.get(d.name)!;
    const newPorts = isGone(m.merged) ? [] : portsOf(m.merged);
    if (newPorts === undefined) continue;
    for (const p of newPorts) {
      const pm = touch(p);
      if (!pm) throw invalidArgument(`Port ${p} of interface ${d.name} does not exist in desired or current state`);
      if (pm.merged.controller !== d.name) setApply(pm, { controller: d.name });
    }
    for (const p of portsOf(cur.get(d.name) ?? { name: '' }) ?? []) {
      if (newPorts.includes(p)) continue;
      const pm = touch(p);
      if (pm && pm.merged.controller === d.name && pm.desired?.controller === undefined) setApply(pm, { controller: '' });
    }
  }
  // `controller:` on a port whose controller does not list ports in desired: edit that controller's list.
  for (const d of wanted) {
    if (d.controller === undefined || stateOf(d) === 'absent') continue;
    const old = cur.get(d.name)?.controller;
    if (old && old !== d.controller) editPortList(touch(old), d.name, false);
    if (d.controller !== '') {
      const cm = touch(d.controller);
      if (!cm) throw invalidArgument(`Controller ${d.controller} of interface ${d.name} does not exist`);
      if (!portsOf(cm.desired ?? { name: '' })) editPortList(cm, d.name, true);
    }
  }
}

function editPortList(m: MergedInterface | undefined, port: string, add: boolean): void {
  if (!m) return;
  for (const target of [m.merged, m.forApply]) {
    if (m.merged.type === 'linux-bridge') {
      const list = (m.merged.bridge?.port ?? []).filter((p) => p.name !== port);
      if (add) list.push({ name: port });
      target.bridge = { ...(target.bridge ?? {}), port: cloneJson(list) };
    } else if (m.merged.type === 'bond') {
      const list = (m.merged['link-aggregation']?.port ?? []).filter((p) => p !== port);
      if (add) list.push(port);
      target['link-aggregation'] = { ...(target['link-aggregation'] ?? {}), port: [...list] };
    }
  }
}

/** Children of an absent parent become absent; ports of a removed controller are detached, not deleted. */
function applyAbsentParents(
  view: Map<string, MergedInterface>,
  cur: Map<string, AnyInterface>,
  touch: (name: string) => MergedInterface | undefined,
): void {
  for (let changed = true; changed;) {
    changed = false;
    const gone = new Set([...view.values()].filter((m) => isGone(m.merged)).map((m) => m.name));
    const all = new Map<string, AnyInterface>(cur);
    for (const m of view.values()) all.set(m.name, m.merged);
    for (const [name, iface] of all) {
      if (gone.has(name)) continue;
      const parent = parentOf(iface);
      const peerGone = iface.type === 'veth' && iface.veth?.peer !== undefined && gone.has(iface.veth.peer)
        && all.get(iface.veth.peer)?.veth?.peer === name;
      if (!(parent !== undefined && gone.has(parent)) && !peerGone) continue;
      const m = view.get(name);
      if (m?.desired && stateOf(m.desired) === 'up') {
        if (peerGone) continue;
        throw invalidArgument(`Interface ${name} cannot be in up state as its parent ${parent} has been marked as absent`);
      }
      const t = touch(name);
      if (!t) continue;
      t.merged = { name, type: iface.type ?? 'unknown', state: 'absent' };
      t.forApply = { name, type: iface.type ?? 'unknown', state: 'absent' };
      changed = true;
    }
  }
  for (const m of [...view.values()]) {
    if (!isGone(m.merged) || !m.current) continue;
    for (const p of portsOf(m.current) ?? []) {
      const pm = touch(p);
      if (!pm || isGone(pm.merged) || pm.desired?.controller !== undefined) continue;
      if (pm.merged.controller === m.name) {
        pm.merged.controller = '';
        pm.forApply.controller = '';
      }
    }
  }
  // A veth whose peer changed loses its old peer (nmstate removes it).
  for (const m of [...view.values()]) {
    const oldPeer = m.current?.veth?.peer;
    const newPeer = m.merged.veth?.peer;
    if (m.merged.type !== 'veth' || !oldPeer || !newPeer || oldPeer === newPeer || isGone(m.merged)) continue;
    const pm = touch(oldPeer);
    if (pm && !pm.desired) {
      pm.merged = { name: oldPeer, type: 'veth', state: 'absent' };
      pm.forApply = { name: oldPeer, type: 'veth', state: 'absent' };
    }
  }
}

function ifaceFacts(view: Map<string, MergedInterface>) {
  const absent = new Set<string>();
  const ipv4Disabled = new Set<string>();
  const ipv6Disabled = new Set<string>();
  // Only touched interfaces change; an untouched one keeps its routes whatever it reports.
  for (const [name, m] of view) {
    const i = m.merged;
    if (isGone(i)) absent.add(name);
    if (i.ipv4?.enabled !== true) ipv4Disabled.add(name);
    if (i.ipv6?.enabled !== true) ipv6Disabled.add(name);
  }
  return { absent, ipv4Disabled, ipv6Disabled };
}

function mergeDns(desired: NetworkState, current: NetworkState): MergedDns | undefined {
  const d = desired['dns-resolver'];
  if (!d || d.config === undefined) return undefined;
  const c: DnsConfig = cloneJson(current['dns-resolver']?.config ?? {});
  const purge = d.config === null || Object.keys(d.config).length === 0;
  const merged: DnsConfig = purge ? {} : pruneUndefined({ ...c, ...cloneJson(d.config) });
  const norm = (x: DnsConfig) => ({ server: x.server ?? [], search: x.search ?? [], options: x.options ?? [] });
  return { current: c, merged, changed: !deepEqual(norm(merged), norm(c)) };
}
