// Layer-3 plan steps: IP stacks, addresses, DHCP clients, routes and route rules.

import { addressString, isIpv6LinkLocal } from './ip.js';
import type { IpFamily } from './ip.js';
import { isGone, stateOf } from './iface-kinds.js';
import type { MergedInterface } from './merge.js';
import type { PlanStep } from './plan-step.js';
import { routeTable, ruleIsIpv6 } from './routes.js';
import type { InterfaceIp, RouteEntry, RouteRuleEntry } from './types.js';

export function ipSteps(list: readonly MergedInterface[]): PlanStep[] {
  const steps: PlanStep[] = [];
  for (const m of list) {
    if (isGone(m.merged) || stateOf(m.merged) === 'ignore') continue;
    for (const fam of ['ipv4', 'ipv6'] as const) {
      const after = m.merged[fam];
      if (!after) continue;
      steps.push(...familySteps(m.name, fam, m.current?.[fam], after, !m.current));
    }
  }
  return steps;
}

function familySteps(name: string, fam: IpFamily, before: InterfaceIp | undefined, after: InterfaceIp, isNew: boolean): PlanStep[] {
  const steps: PlanStep[] = [];
  const wasOn = before?.enabled === true;
  const isOn = after.enabled === true;
  const sysctl = (key: string, value: string, why: string): PlanStep =>
    ({ cmd: 'sysctl', args: ['-w', `net.ipv6.conf.${name}.${key}=${value}`], why });
  const dhcpBefore = wasOn && before?.dhcp === true;
  const dhcpAfter = isOn && after.dhcp === true;
  if (dhcpBefore && !dhcpAfter) steps.push({ cmd: 'dhcp', args: ['stop', name, fam], why: `stop the ${fam} DHCP client on ${name}` });
  if (fam === 'ipv6') {
    if (isOn !== wasOn && !(isNew && isOn)) {
      steps.push(sysctl('disable_ipv6', isOn ? '0' : '1', `${isOn ? 'enable' : 'disable'} IPv6 on ${name}`));
    }
    const raBefore = wasOn && before?.autoconf === true;
    const raAfter = isOn && after.autoconf === true;
    if (raAfter !== raBefore && (isOn || !isNew)) {
      steps.push(sysctl('accept_ra', raAfter ? '2' : '0', `${raAfter ? 'accept' : 'ignore'} router advertisements on ${name}`));
    }
  }
  const oldAddrs = wasOn ? (before?.address ?? []).filter((a) => !isIpv6LinkLocal(a.ip)) : [];
  const newAddrs = isOn ? (after.address ?? []) : [];
  if (!isOn && wasOn && fam === 'ipv4' && oldAddrs.length > 0) {
    steps.push({ cmd: 'ip', args: ['-4', 'addr', 'flush', 'dev', name], why: `remove the IPv4 addresses of ${name}` });
  } else if (isOn || fam === 'ipv4') {
    const key = (a: { ip: string; 'prefix-length': number }) => addressString(a);
    for (const a of oldAddrs) {
      if (!newAddrs.some((n) => key(n) === key(a))) {
        steps.push({ cmd: 'ip', args: ['addr', 'del', key(a), 'dev', name], why: `remove address ${key(a)} from ${name}` });
      }
    }
    for (const a of newAddrs) {
      if (!oldAddrs.some((o) => key(o) === key(a))) {
        steps.push({ cmd: 'ip', args: ['addr', 'replace', key(a), 'dev', name], why: `add address ${key(a)} to ${name}` });
      }
    }
  }
  if (dhcpAfter && !dhcpBefore) steps.push({ cmd: 'dhcp', args: ['start', name, fam], why: `start the ${fam} DHCP client on ${name}` });
  return steps;
}

export function routeArgs(r: RouteEntry): string[] {
  const args: string[] = [];
  if (r['route-type']) args.push(r['route-type']);
  args.push(r.destination ?? 'default');
  if (r['next-hop-address']) args.push('via', r['next-hop-address']);
  if (r['next-hop-interface'] && !r['route-type']) args.push('dev', r['next-hop-interface']);
  if (r.source) args.push('src', r.source);
  if (r.metric !== undefined) args.push('metric', String(r.metric));
  args.push('table', String(routeTable(r)));
  if (r.cwnd !== undefined) args.push('cwnd', String(r.cwnd));
  return args;
}

export function routeDeleteSteps(removed: readonly RouteEntry[], goneIfaces: ReadonlySet<string>): PlanStep[] {
  return removed
    .filter((r) => r['next-hop-interface'] === undefined || !goneIfaces.has(r['next-hop-interface']))
    .map((r) => ({ cmd: 'ip', args: ['route', 'del', ...routeArgs(r)], why: `remove route to ${r.destination ?? 'default'}` }));
}

export function routeAddSteps(added: readonly RouteEntry[]): PlanStep[] {
  return added.map((r) => ({ cmd: 'ip', args: ['route', 'replace', ...routeArgs(r)], why: `add route to ${r.destination ?? 'default'}` }));
}

export function ruleArgs(r: RouteRuleEntry): string[] {
  const args: string[] = [];
  if (r['ip-from']) args.push('from', r['ip-from']);
  if (r['ip-to']) args.push('to', r['ip-to']);
  if (r.iif) args.push('iif', r.iif);
  if (r.fwmark !== undefined) args.push('fwmark', r.fwmask !== undefined ? `${r.fwmark}/${r.fwmask}` : String(r.fwmark));
  if (r.priority !== undefined) args.push('priority', String(r.priority));
  if (r['route-table'] !== undefined) args.push('table', String(r['route-table']));
  return args;
}

export function ruleSteps(removed: readonly RouteRuleEntry[], added: readonly RouteRuleEntry[]): PlanStep[] {
  const fam = (r: RouteRuleEntry) => (ruleIsIpv6(r) ? ['-6'] : []);
  return [
    ...removed.map((r): PlanStep => ({ cmd: 'ip', args: [...fam(r), 'rule', 'del', ...ruleArgs(r)], why: 'remove route rule' })),
    ...added.map((r): PlanStep => ({ cmd: 'ip', args: [...fam(r), 'rule', 'add', ...ruleArgs(r)], why: 'add route rule' })),
  ];
}
