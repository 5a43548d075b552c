// Verification after apply: compare only the keys present in desired against a re-read current state
// (nmstate query_apply/iface.rs verify + get_json_value_difference). Arrays must match in length and elements.

import { deepEqual, isPlainObject } from '../../common/object.js';
import { NmstateError } from './error.js';
import { isIpv6LinkLocal } from './ip.js';
import { cloneJson } from './json-clone.js';
import type { MergedState } from './merge.js';
import { absentRouteMatches, routeText } from './routes.js';
import type { AnyInterface, InterfaceIp, NetworkState, RouteEntry } from './types.js';

const fail = (msg: string) => new NmstateError('VerificationError', msg);

/** serde_json prints maps with sorted keys; so do we, so messages are stable. */
export function stableJson(v: unknown): string {
  if (v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (isPlainObject(v)) {
    return `{${Object.keys(v).sort().filter((k) => v[k] !== undefined).map((k) => `${JSON.stringify(k)}:${stableJson(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The first difference of `desired` against `current`, considering only keys desired has. */
export function jsonDifference(ref: string, desired: unknown, current: unknown): [string, unknown, unknown] | undefined {
  if (isPlainObject(desired)) {
    if (!isPlainObject(current)) return [ref, desired, current];
    for (const k of Object.keys(desired).sort()) {
      if (desired[k] === undefined) continue;
      const d = jsonDifference(`${ref}.${k}`, desired[k], current[k]);
      if (d) return d;
    }
    return undefined;
  }
  if (Array.isArray(desired)) {
    if (!Array.isArray(current) || current.length !== desired.length) return [ref, desired, current];
    for (let i = 0; i < desired.length; i++) {
      if (jsonDifference(ref, desired[i], current[i])) return [ref, desired, current];
    }
    return undefined;
  }
  return deepEqual(desired, current) ? undefined : [ref, desired, current];
}

function prepareIp(d: InterfaceIp | undefined, c: InterfaceIp | undefined): [InterfaceIp | undefined, InterfaceIp | undefined] {
  if (!d) return [d, c];
  const dv = cloneJson(d);
  const cv = c ? cloneJson(c) : c;
  const allowExtra = dv['allow-extra-address'] !== false;
  delete dv['allow-extra-address'];
  if (cv?.address) {
    cv.address = cv.address.filter((a) => !isIpv6LinkLocal(a.ip));
    if (allowExtra && dv.address) {
      const key = (a: { ip: string; 'prefix-length': number }) => `${a.ip}/${a['prefix-length']}`;
      cv.address = dv.address.map((a) => cv.address!.find((x) => key(x) === key(a))).filter((a) => a !== undefined);
      if (cv.address.length !== dv.address.length) cv.address = c?.address ?? [];
    }
  }
  return [dv, cv];
}

export function verifyInterface(d: AnyInterface, c: AnyInterface | undefined): NmstateError | undefined {
  if ((d.state ?? 'up') === 'absent') {
    if (!c) return undefined;
    return fail(`Verification failure: ${d.name}.interface.state desire '"absent"', current '${stableJson(c.state ?? 'up')}'`);
  }
  if (!c) return fail(`Verification failure: ${d.name}.interface desire '${stableJson(d)}', current 'null'`);
  // Only top-level keys are replaced below (prepareIp copies what it changes), so shallow copies do.
  const dv: AnyInterface = { ...d };
  const cv: AnyInterface = { ...c };
  if (dv['mac-address']) dv['mac-address'] = dv['mac-address'].toUpperCase();
  if (cv['mac-address']) cv['mac-address'] = cv['mac-address'].toUpperCase();
  for (const fam of ['ipv4', 'ipv6'] as const) {
    const [x, y] = prepareIp(dv[fam], cv[fam]);
    if (x) dv[fam] = x;
    if (y) cv[fam] = y;
  }
  if (cv.bridge?.port) cv.bridge = { ...cv.bridge, port: [...cv.bridge.port].sort((a, b) => a.name.localeCompare(b.name)) };
  if (dv.controller === '' && cv.controller === undefined) cv.controller = '';
  const diff = jsonDifference(`${d.name}.interface`, dv, cv);
  if (!diff) return undefined;
  return fail(`Verification failure: ${diff[0]} desire '${stableJson(diff[1])}', current '${stableJson(diff[2])}'`);
}

function routePresent(want: RouteEntry, have: readonly RouteEntry[]): boolean {
  return have.some((h) => absentRouteMatches(want, h) && (want.metric === undefined || want.metric === h.metric));
}

/** Verifies a re-read state against the merged view computed before apply; undefined means success. */
export function verifyState(m: MergedState, after: NetworkState): NmstateError | undefined {
  const now = new Map<string, AnyInterface>();
  for (const i of after.interfaces ?? []) now.set(i.name, i);
  for (const mi of m.interfaces.values()) {
    if (!mi.forVerify) continue;
    const e = verifyInterface(mi.forVerify, now.get(mi.name));
    if (e) return e;
  }
  const routesNow = after.routes?.config ?? [];
  for (const r of m.routes.added) {
    if (!routePresent(r, routesNow)) return fail(`Desired route ${routeText(r)} not found after apply`);
  }
  for (const r of m.routes.removed) {
    if (m.routes.merged.some((x) => deepEqual(x, r))) continue;
    if (routesNow.some((x) => deepEqual(x, r))) return fail(`Route ${routeText(r)} is desired as absent but still found after apply`);
  }
  if (m.dns?.changed) {
    const want = { server: m.dns.merged.server ?? [], search: m.dns.merged.search ?? [] };
    const c = after['dns-resolver']?.config ?? {};
    const diff = jsonDifference('dns-resolver.config', want, { server: c.server ?? [], search: c.search ?? [] });
    if (diff) return fail(`Verification failure: ${diff[0]} desire '${stableJson(diff[1])}', current '${stableJson(diff[2])}'`);
  }
  return undefined;
}

/** What `verifyState(m, …)` looks at in the re-read state, so a verification can read only that. */
export interface VerificationReads {
  /** Interface addresses (`ip addr`): some verified interface has an ipv4/ipv6 section. */
  addresses: boolean;
  /** Routes of both families: routes are added or removed. */
  routes: boolean;
  /** resolv.conf: the resolver configuration changes. */
  dns: boolean;
}

export function verificationReads(m: MergedState): VerificationReads {
  let addresses = false;
  for (const mi of m.interfaces.values()) {
    if (mi.forVerify?.ipv4 !== undefined || mi.forVerify?.ipv6 !== undefined) addresses = true;
  }
  return {
    addresses,
    routes: m.routes.added.length > 0 || m.routes.removed.length > 0,
    dns: m.dns?.changed === true,
  };
}
