// Routes and route rules: additive lists with wildcard `state: absent` entries (nmstate route.rs,
// route_rule.rs); routes through interfaces that disappear or lose their IP family go with them.

import { deepEqual } from '../../common/object.js';
import { NmstateError, invalidArgument } from './error.js';
import { isIpv6 } from './ip.js';
import { MAIN_ROUTE_TABLE } from './types.js';
import type { RouteEntry, RouteRuleEntry } from './types.js';

export function routeTable(r: RouteEntry): number {
  return r['table-id'] === undefined || r['table-id'] === 0 ? MAIN_ROUTE_TABLE : r['table-id'];
}

export function routeIsIpv6(r: RouteEntry): boolean {
  return r.destination !== undefined && isIpv6(r.destination);
}

/** nmstate RouteEntry Display: `key: value` pairs joined by spaces. */
export function routeText(r: RouteEntry): string {
  const props: string[] = [];
  if (r.state === 'absent') props.push('state: absent');
  if (r.destination !== undefined) props.push(`destination: ${r.destination}`);
  if (r['next-hop-interface'] !== undefined) props.push(`next-hop-interface: ${r['next-hop-interface']}`);
  if (r['next-hop-address'] !== undefined) props.push(`next-hop-address: ${r['next-hop-address']}`);
  if (r.source !== undefined) props.push(`source: ${r.source}`);
  if (r.metric !== undefined) props.push(`metric: ${r.metric}`);
  if (r['table-id'] !== undefined) props.push(`table-id: ${r['table-id']}`);
  if (r.weight !== undefined) props.push(`weight: ${r.weight}`);
  if (r.cwnd !== undefined) props.push(`cwnd: ${r.cwnd}`);
  return props.join(' ');
}

/** Identity of a route; the metric is not part of it (nmstate sort_key). */
function routeKey(r: RouteEntry): string {
  return JSON.stringify([routeTable(r), r['next-hop-interface'] ?? 'lo', r.destination ?? '', r['next-hop-address'] ?? '',
    r.source ?? '', r['route-type'] ?? '', r.weight ?? 0, r.cwnd ?? 0]);
}

/** An absent entry matches every route that agrees on the fields it sets; metric is ignored. */
export function absentRouteMatches(absent: RouteEntry, r: RouteEntry): boolean {
  if (absent.destination !== undefined && absent.destination !== r.destination) return false;
  if (absent['next-hop-interface'] !== undefined && absent['next-hop-interface'] !== r['next-hop-interface']) return false;
  if (absent['next-hop-address'] !== undefined && absent['next-hop-address'] !== r['next-hop-address']) return false;
  if (absent['table-id'] !== undefined && routeTable(absent) !== routeTable(r)) return false;
  if (absent['route-type'] !== undefined && absent['route-type'] !== r['route-type']) return false;
  if (absent.source !== undefined && absent.source !== r.source) return false;
  if (absent.weight !== undefined && absent.weight !== r.weight) return false;
  if (absent.cwnd !== undefined && absent.cwnd !== r.cwnd) return false;
  return true;
}

export interface IfaceFacts {
  absent: ReadonlySet<string>;
  ipv4Disabled: ReadonlySet<string>;
  ipv6Disabled: ReadonlySet<string>;
}

export interface MergedRoutes {
  /** The route config after apply. */
  merged: RouteEntry[];
  /** Current routes that go away (explicitly or with their interface). */
  removed: RouteEntry[];
  /** Desired routes not already in current. */
  added: RouteEntry[];
}

export function mergeRoutes(desired: readonly RouteEntry[], current: readonly RouteEntry[], facts: IfaceFacts): MergedRoutes {
  const absents = desired.filter((r) => r.state === 'absent');
  const wanted = desired.filter((r) => r.state !== 'absent');
  for (const r of wanted) {
    const via = r['next-hop-interface'];
    if (via === undefined) {
      if (r['route-type'] === undefined) {
        throw new NmstateError('NotImplementedError', `Route with empty next hop interface is not supported: ${routeText(r)}`);
      }
      continue;
    }
    const why = facts.absent.has(via) ? 'absent'
      : routeIsIpv6(r) && facts.ipv6Disabled.has(via) ? 'IPv6 disabled'
        : !routeIsIpv6(r) && facts.ipv4Disabled.has(via) ? 'IPv4 disabled' : undefined;
    if (why) throw invalidArgument(`The next hop interface of desired Route '${routeText(r)}' has been marked as ${why}`);
  }
  const wantedKeys = new Set(wanted.map(routeKey));
  const merged: RouteEntry[] = [];
  const removed: RouteEntry[] = [];
  for (const r of current) {
    const via = r['next-hop-interface'];
    const gone = (via !== undefined && (facts.absent.has(via)
      || (routeIsIpv6(r) ? facts.ipv6Disabled.has(via) : facts.ipv4Disabled.has(via))))
      || absents.some((a) => absentRouteMatches(a, r));
    if (gone) removed.push(r);
    else if (wantedKeys.has(routeKey(r))) {
      const w = wanted.find((x) => routeKey(x) === routeKey(r));
      if (!deepEqual(w, r)) removed.push(r);
    } else merged.push(r);
  }
  const added: RouteEntry[] = [];
  for (const r of wanted) {
    if (merged.some((m) => routeKey(m) === routeKey(r)) || added.some((m) => routeKey(m) === routeKey(r))) continue;
    if (!current.some((c) => deepEqual(c, r))) added.push(r);
    merged.push(r);
  }
  return { merged, removed, added };
}

export function ruleIsIpv6(r: RouteRuleEntry): boolean {
  if (r.family !== undefined) return r.family === 'ipv6';
  return (r['ip-from'] !== undefined && isIpv6(r['ip-from'])) || (r['ip-to'] !== undefined && isIpv6(r['ip-to']));
}

const RULE_KEYS = ['ip-from', 'ip-to', 'priority', 'route-table', 'fwmark', 'fwmask', 'iif', 'family'] as const;

export function absentRuleMatches(absent: RouteRuleEntry, r: RouteRuleEntry): boolean {
  return RULE_KEYS.every((k) => absent[k] === undefined || absent[k] === r[k]);
}

function sameRule(a: RouteRuleEntry, b: RouteRuleEntry): boolean {
  return RULE_KEYS.every((k) => a[k] === b[k]);
}

export interface MergedRules {
  merged: RouteRuleEntry[];
  removed: RouteRuleEntry[];
  added: RouteRuleEntry[];
}

export function mergeRules(desired: readonly RouteRuleEntry[], current: readonly RouteRuleEntry[]): MergedRules {
  const absents = desired.filter((r) => r.state === 'absent');
  const wanted = desired.filter((r) => r.state !== 'absent');
  const merged: RouteRuleEntry[] = [];
  const removed: RouteRuleEntry[] = [];
  for (const r of current) {
    if (absents.some((a) => absentRuleMatches(a, r))) removed.push(r);
    else merged.push(r);
  }
  const added: RouteRuleEntry[] = [];
  for (const r of wanted) {
    if (merged.some((m) => sameRule(m, r))) continue;
    added.push(r);
    merged.push(r);
  }
  return { merged, removed, added };
}
