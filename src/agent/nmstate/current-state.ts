// The node's current network state in nmstate's `currentState` shape (the YAML keys `nmstatectl show`
// prints), read from iproute2's JSON output. `fromIproute2` is pure (golden-tested on captured samples);
// `captureIproute2` runs the commands; `readCurrentState` does both.
//
// Mapping follows nmstate's kernel (nispor) reader [N:rust/src/lib/nispor/{base_iface,ip,linux_bridge,
// linux_bridge_port_vlan,vxlan,veth,route,route_rule,dns}.rs]:
// - MAC addresses upper-case; state `up` when the link is administratively up.
// - Ports (interfaces with a controller) carry no ipv4/ipv6 section.
// - IPv6 link-local addresses are not listed; a non-permanent address means dhcp (IPv4) / autoconf (IPv6).
// - Bridge timers are kernel centiseconds (USER_HZ 100) shown in seconds; port `vlan` only when the bridge
//   filters VLANs; gc-timer/hello-timer are left out as kubernetes-nmstate's NNS filter strips them.
// - routes.running: protocols boot/static/ra/dhcp/mrouted/keepalived/babel in scope universe or link;
//   routes.config: protocols boot/static only. Kernel routes (connected subnets, local table) are not shown.
// - route-rules.config: rules of protocol boot/static/unspec (kernel default rules are dropped).

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkNetnsName, run, runJson } from '../netns.js';

// ---- the nmstate shape -------------------------------------------------------------------------------

export interface IpAddress { ip: string; 'prefix-length': number }

export interface IpConfig {
  enabled: boolean;
  dhcp?: boolean;
  autoconf?: boolean;
  address?: IpAddress[];
}

export interface BridgeStpOptions {
  enabled: boolean;
  'forward-delay'?: number;
  'hello-time'?: number;
  'max-age'?: number;
  priority?: number;
}

export interface BridgeOptions {
  'group-addr'?: string;
  'group-forward-mask'?: number;
  'hash-max'?: number;
  'mac-ageing-time'?: number;
  'multicast-snooping'?: boolean;
  'multicast-router'?: 'auto' | 'disabled' | 'enabled';
  'multicast-querier'?: boolean;
  stp: BridgeStpOptions;
  'vlan-protocol'?: '802.1q' | '802.1ad';
  'vlan-default-pvid'?: number;
}

export type TrunkTag = { id: number } | { 'id-range': { min: number; max: number } };

export interface BridgePortVlan {
  mode: 'access' | 'trunk';
  tag?: number;
  'enable-native'?: boolean;
  'trunk-tags'?: TrunkTag[];
}

export interface BridgePort {
  name: string;
  'stp-hairpin-mode'?: boolean;
  'stp-path-cost'?: number;
  'stp-priority'?: number;
  vlan?: BridgePortVlan;
}

export interface CurrentInterface {
  name: string;
  type: CurrentInterfaceType;
  state: 'up' | 'down';
  'mac-address'?: string;
  mtu?: number;
  'min-mtu'?: number;
  'max-mtu'?: number;
  'accept-all-mac-addresses'?: boolean;
  controller?: string;
  ipv4?: IpConfig;
  ipv6?: IpConfig;
  bridge?: { options: BridgeOptions; port: BridgePort[] };
  veth?: { peer: string };
  vxlan?: { id: number; 'base-iface': string; remote?: string; local?: string; 'destination-port': number;
    learning?: boolean };
  vlan?: { 'base-iface': string; id: number; protocol?: '802.1q' | '802.1ad' };
  'link-aggregation'?: { mode: string; port: string[]; options?: Record<string, string | number> };
}

export interface RouteEntry {
  destination: string;
  'next-hop-interface'?: string;
  'next-hop-address'?: string;
  metric?: number;
  'table-id': number;
  source?: string;
  weight?: number;
  'route-type'?: 'blackhole' | 'unreachable' | 'prohibit';
}

export interface RouteRuleEntry {
  family: 'ipv4' | 'ipv6';
  'ip-from'?: string;
  'ip-to'?: string;
  priority?: number;
  'route-table'?: number;
  fwmark?: number;
  fwmask?: number;
  iif?: string;
  action?: 'blackhole' | 'unreachable' | 'prohibit';
  'suppress-prefix-length'?: number;
}

export interface DnsConfig { server?: string[]; search?: string[]; options?: string[] }

export interface CurrentState {
  'dns-resolver': { running: DnsConfig; config: DnsConfig };
  'route-rules': { config: RouteRuleEntry[] };
  routes: { running: RouteEntry[]; config: RouteEntry[] };
  interfaces: CurrentInterface[];
}

// ---- iproute2 JSON (only the fields read here) --------------------------------------------------------

export interface IpLink {
  ifindex: number;
  ifname: string;
  flags?: string[];
  mtu?: number;
  min_mtu?: number;
  max_mtu?: number;
  link_type?: string;
  address?: string;
  link?: string | null;
  link_index?: number;
  link_netnsid?: number;
  master?: string;
  operstate?: string;
  linkinfo?: {
    info_kind?: string;
    info_data?: Record<string, unknown>;
    info_slave_kind?: string;
    info_slave_data?: Record<string, unknown>;
  };
}

export interface IpAddrInfo {
  family: string;
  local: string;
  prefixlen: number;
  scope?: string;
  valid_life_time?: number;
  dynamic?: boolean;
}

export interface IpAddrLink { ifindex: number; ifname: string; addr_info?: IpAddrInfo[] }

export interface IpRoute {
  type?: string;
  dst: string;
  gateway?: string;
  via?: { family?: string; host: string };
  dev?: string;
  table?: string;
  protocol?: string;
  scope?: string;
  prefsrc?: string;
  metric?: number;
  nexthops?: { gateway?: string; via?: { host: string }; dev: string; weight?: number }[];
}

export interface IpRule {
  priority?: number;
  src?: string;
  srclen?: number;
  dst?: string;
  dstlen?: number;
  table?: string;
  action?: string;
  protocol?: string;
  iif?: string;
  fwmark?: string;
  fwmask?: string;
  suppress_prefixlen?: number;
}

export interface BridgeVlanEntry { vlan: number; vlanEnd?: number; flags?: string[] }
export interface BridgeVlanPort { ifname: string; vlans: BridgeVlanEntry[] }

/** The raw outputs the state is built from (also the layout of the golden fixtures). */
export interface Iproute2Samples {
  /** `ip -json -details link show` */
  link: IpLink[];
  /** `ip -json addr show` */
  addr: IpAddrLink[];
  /** `ip -4 -json route show table all` */
  route4: IpRoute[];
  /** `ip -6 -json route show table all` */
  route6: IpRoute[];
  /** `ip -4 -json -details rule show` */
  rule4: IpRule[];
  /** `ip -6 -json -details rule show` */
  rule6: IpRule[];
  /** `bridge -json vlan show` */
  vlan: BridgeVlanPort[];
  /** resolv.conf text, or null when there is none */
  resolvConf: string | null;
}

// ---- conversion ----------------------------------------------------------------------------------------

const USER_HZ = 100;
const FOREVER = 4294967295;

/**
 * The interface kinds the engine (types.ts) knows. Other kinds (vrf, macvlan, tun…) are reported as
 * `unknown`, as nmstate does for kinds it does not support, so a current state is a valid engine input.
 */
export type CurrentInterfaceType =
  | 'ethernet' | 'linux-bridge' | 'veth' | 'vxlan' | 'vlan' | 'bond' | 'dummy' | 'loopback' | 'unknown';

const KIND_TO_TYPE: Record<string, CurrentInterfaceType> = {
  bridge: 'linux-bridge',
  veth: 'veth',
  vxlan: 'vxlan',
  vlan: 'vlan',
  bond: 'bond',
  dummy: 'dummy',
};

function ifaceType(l: IpLink): CurrentInterfaceType {
  if (l.link_type === 'loopback') return 'loopback';
  const kind = l.linkinfo?.info_kind;
  if (kind === undefined) return l.link_type === 'ether' ? 'ethernet' : 'unknown';
  return KIND_TO_TYPE[kind] ?? 'unknown';
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return undefined;
}

function bool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  return undefined;
}

function seconds(v: unknown): number | undefined {
  const n = num(v);
  return n === undefined ? undefined : Math.floor(n / USER_HZ);
}

function setIf<T extends object, K extends keyof T>(o: T, k: K, v: T[K] | undefined): void {
  if (v !== undefined) o[k] = v;
}

function isLinkLocal6(ip: string): boolean {
  return /^fe[89ab][0-9a-f]:/i.test(ip);
}

function ipConfig(family: 'inet' | 'inet6', addrs: IpAddrInfo[]): IpConfig {
  const all = addrs.filter((a) => a.family === family);
  const listed = family === 'inet6' ? all.filter((a) => !isLinkLocal6(a.local)) : all;
  // IPv6 is on for a link when the kernel gave it any address (a link-local one at least).
  const enabled = family === 'inet6' ? all.length > 0 : listed.length > 0;
  if (!enabled) return { enabled: false };
  const dynamic = listed.some((a) => a.dynamic === true ||
    (a.valid_life_time !== undefined && a.valid_life_time !== FOREVER));
  const cfg: IpConfig = family === 'inet' ? { enabled, dhcp: dynamic } : { enabled, dhcp: false, autoconf: dynamic };
  cfg.address = listed.map((a) => ({ ip: a.local, 'prefix-length': a.prefixlen }));
  return cfg;
}

function bridgeOptions(d: Record<string, unknown>): BridgeOptions {
  const stp: BridgeStpOptions = { enabled: (num(d['stp_state']) ?? 0) !== 0 };
  setIf(stp, 'forward-delay', seconds(d['forward_delay']));
  setIf(stp, 'hello-time', seconds(d['hello_time']));
  setIf(stp, 'max-age', seconds(d['max_age']));
  setIf(stp, 'priority', num(d['priority']));
  const o: BridgeOptions = { stp };
  const group = d['group_addr'];
  if (typeof group === 'string') o['group-addr'] = group.toUpperCase();
  setIf(o, 'group-forward-mask', num(d['group_fwd_mask']));
  setIf(o, 'hash-max', num(d['mcast_hash_max']));
  setIf(o, 'mac-ageing-time', seconds(d['ageing_time']));
  setIf(o, 'multicast-snooping', bool(d['mcast_snooping']));
  setIf(o, 'multicast-querier', bool(d['mcast_querier']));
  const router = num(d['mcast_router']);
  if (router !== undefined) o['multicast-router'] = router === 0 ? 'disabled' : router === 2 ? 'enabled' : 'auto';
  const proto = d['vlan_protocol'];
  if (typeof proto === 'string') o['vlan-protocol'] = proto.toLowerCase() === '802.1ad' ? '802.1ad' : '802.1q';
  if ((num(d['vlan_filtering']) ?? 0) !== 0) setIf(o, 'vlan-default-pvid', num(d['vlan_default_pvid']));
  return o;
}

/** nmstate's reading of a port's VLAN table: one PVID+untagged entry is access; else trunk. */
export function portVlan(entries: readonly BridgeVlanEntry[]): BridgePortVlan | undefined {
  const flags = (e: BridgeVlanEntry): { pvid: boolean; untagged: boolean } => ({
    pvid: e.flags?.includes('PVID') ?? false,
    untagged: e.flags?.includes('Egress Untagged') ?? false,
  });
  const first = entries[0];
  const access = entries.length === 1 && first !== undefined && flags(first).pvid && flags(first).untagged;
  let tag: number | undefined;
  let native = false;
  const trunk: TrunkTag[] = [];
  for (const e of entries) {
    const min = e.vlan;
    const max = e.vlanEnd ?? e.vlan;
    if (min === 1 && max === 1) continue;
    const f = flags(e);
    if (access) tag = min;
    else if (f.pvid && f.untagged) {
      tag = max;
      native = true;
    } else if (min === max) trunk.push({ id: min });
    else trunk.push({ 'id-range': { min, max } });
  }
  if (trunk.length === 0) {
    if (tag === undefined) return undefined;
    return { mode: 'access', tag, 'trunk-tags': [] };
  }
  const v: BridgePortVlan = { mode: 'trunk', 'enable-native': native };
  if (tag !== undefined) v.tag = tag;
  v['trunk-tags'] = trunk;
  return v;
}

function bridgePort(l: IpLink, filtering: boolean, vlans: Map<string, BridgeVlanEntry[]>): BridgePort {
  const p: BridgePort = { name: l.ifname };
  const d = l.linkinfo?.info_slave_data ?? {};
  setIf(p, 'stp-hairpin-mode', bool(d['hairpin']));
  setIf(p, 'stp-path-cost', num(d['cost']));
  setIf(p, 'stp-priority', num(d['priority']));
  if (filtering) setIf(p, 'vlan', portVlan(vlans.get(l.ifname) ?? []));
  return p;
}

function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export function interfacesFrom(links: readonly IpLink[], addrs: readonly IpAddrLink[],
  vlan: readonly BridgeVlanPort[]): CurrentInterface[] {
  const addrByName = new Map(addrs.map((a) => [a.ifname, a.addr_info ?? []]));
  const vlans = new Map(vlan.map((v) => [v.ifname, v.vlans]));
  // Each controller's ports in link order, found in one pass (not one scan of all links per bridge).
  const portsOf = new Map<string, IpLink[]>();
  for (const p of links) {
    if (p.master === undefined) continue;
    const list = portsOf.get(p.master);
    if (list) list.push(p);
    else portsOf.set(p.master, [p]);
  }
  const out: CurrentInterface[] = [];
  for (const l of links) {
    const type = ifaceType(l);
    const i: CurrentInterface = { name: l.ifname, type, state: l.flags?.includes('UP') === true ? 'up' : 'down' };
    if (l.address !== undefined) i['mac-address'] = l.address.toUpperCase();
    setIf(i, 'mtu', l.mtu);
    setIf(i, 'min-mtu', l.min_mtu);
    setIf(i, 'max-mtu', l.max_mtu);
    if (type !== 'loopback') i['accept-all-mac-addresses'] = l.flags?.includes('PROMISC') === true;
    if (l.master !== undefined) {
      i.controller = l.master;
    } else {
      const a = addrByName.get(l.ifname) ?? [];
      i.ipv4 = ipConfig('inet', a);
      i.ipv6 = ipConfig('inet6', a);
    }
    const d = l.linkinfo?.info_data ?? {};
    switch (type) {
      case 'linux-bridge': {
        const filtering = (num(d['vlan_filtering']) ?? 0) !== 0;
        const ports = (portsOf.get(l.ifname) ?? []).filter((p) => p.linkinfo?.info_slave_kind === 'bridge')
          .map((p) => bridgePort(p, filtering, vlans)).sort(byName);
        i.bridge = { options: bridgeOptions(d), port: ports };
        break;
      }
      case 'veth':
        // The peer's name is known only while it is in the same namespace (`link`); otherwise iproute2
        // gives just its index in another namespace.
        if (typeof l.link === 'string') i.veth = { peer: l.link };
        break;
      case 'vxlan': {
        const v: NonNullable<CurrentInterface['vxlan']> = {
          id: num(d['id']) ?? 0,
          'base-iface': typeof d['link'] === 'string' ? d['link'] : '',
          'destination-port': num(d['port']) ?? 0,
        };
        const remote = d['remote'] ?? d['remote6'] ?? d['group'] ?? d['group6'];
        const local = d['local'] ?? d['local6'];
        if (typeof remote === 'string') v.remote = remote;
        if (typeof local === 'string') v.local = local;
        setIf(v, 'learning', bool(d['learning']));
        i.vxlan = v;
        break;
      }
      case 'vlan': {
        const proto = typeof d['protocol'] === 'string' && d['protocol'].toLowerCase() === '802.1ad'
          ? '802.1ad' as const : '802.1q' as const;
        i.vlan = { 'base-iface': typeof l.link === 'string' ? l.link : '', id: num(d['id']) ?? 0, protocol: proto };
        break;
      }
      case 'bond': {
        const ports = (portsOf.get(l.ifname) ?? []).map((p) => p.ifname).sort();
        const la: NonNullable<CurrentInterface['link-aggregation']> = {
          mode: typeof d['mode'] === 'string' ? d['mode'] : 'balance-rr', port: ports,
        };
        const miimon = num(d['miimon']);
        if (miimon !== undefined) la.options = { miimon };
        i['link-aggregation'] = la;
        break;
      }
      default:
        break;
    }
    out.push(i);
  }
  return out.sort(byName);
}

const RUNNING_PROTOCOLS = new Set(['boot', 'static', 'ra', 'dhcp', 'mrouted', 'keepalived', 'babel']);
const CONFIG_PROTOCOLS = new Set(['boot', 'static']);
const ROUTE_TYPES = new Set(['blackhole', 'unreachable', 'prohibit']);
const TABLES: Record<string, number> = { unspec: 0, default: 253, main: 254, local: 255 };

function tableId(t: string | undefined): number {
  if (t === undefined) return 254;
  return TABLES[t] ?? num(t) ?? 254;
}

function prefixed(dst: string, v6: boolean): string {
  if (dst === 'default') return v6 ? '::/0' : '0.0.0.0/0';
  return dst.includes('/') ? dst : `${dst}/${v6 ? 128 : 32}`;
}

function routeEntries(r: IpRoute, v6: boolean): RouteEntry[] {
  const type = r.type ?? 'unicast';
  const base = (): RouteEntry => ({ destination: prefixed(r.dst, v6), 'table-id': tableId(r.table) });
  if (ROUTE_TYPES.has(type)) {
    const e = base();
    if (v6 && r.dev !== undefined) e['next-hop-interface'] = r.dev;
    setIf(e, 'metric', r.metric);
    e['route-type'] = type as NonNullable<RouteEntry['route-type']>;
    return [e];
  }
  if (type !== 'unicast') return [];
  const hops = r.nexthops !== undefined && r.nexthops.length > 0
    ? r.nexthops.map((h) => ({ dev: h.dev, gw: h.gateway ?? h.via?.host, weight: h.weight }))
    : r.dev !== undefined ? [{ dev: r.dev, gw: r.gateway ?? r.via?.host, weight: undefined }] : [];
  return hops.map((h) => {
    const e: RouteEntry = {
      destination: prefixed(r.dst, v6),
      'next-hop-interface': h.dev,
      'next-hop-address': h.gw ?? (v6 ? '::' : '0.0.0.0'),
      ...(r.metric !== undefined ? { metric: r.metric } : {}),
      'table-id': tableId(r.table),
    };
    setIf(e, 'source', r.prefsrc);
    if (!v6 && r.nexthops !== undefined) setIf(e, 'weight', h.weight);
    return e;
  });
}

export function routesFrom(route4: readonly IpRoute[], route6: readonly IpRoute[]):
  { running: RouteEntry[]; config: RouteEntry[] } {
  const running: RouteEntry[] = [];
  const config: RouteEntry[] = [];
  const take = (list: readonly IpRoute[], v6: boolean): void => {
    for (const r of list) {
      // `ip route show table all` prints both families on some versions; keep each in its own list.
      if (r.dst !== 'default' && r.dst.includes(':') !== v6) continue;
      const scope = r.scope ?? 'global';
      if (scope !== 'global' && scope !== 'universe' && scope !== 'link') continue;
      const proto = r.protocol ?? 'boot';
      if (!RUNNING_PROTOCOLS.has(proto)) continue;
      const entries = routeEntries(r, v6);
      running.push(...entries);
      if (CONFIG_PROTOCOLS.has(proto)) config.push(...entries.map((e) => ({ ...e })));
    }
  };
  take(route4, false);
  take(route6, true);
  return { running, config };
}

const RULE_PROTOCOLS = new Set(['boot', 'static', 'unspec']);

function ruleSelector(addr: string | undefined, len: number | undefined, v6: boolean): string | undefined {
  if (addr === undefined || addr === 'all') return undefined;
  return `${addr}/${len ?? (v6 ? 128 : 32)}`;
}

export function routeRulesFrom(rule4: readonly IpRule[], rule6: readonly IpRule[]): RouteRuleEntry[] {
  const out: RouteRuleEntry[] = [];
  const take = (list: readonly IpRule[], v6: boolean): void => {
    for (const r of list) {
      if (r.protocol !== undefined && !RULE_PROTOCOLS.has(r.protocol)) continue;
      const e: RouteRuleEntry = { family: v6 ? 'ipv6' : 'ipv4' };
      setIf(e, 'ip-from', ruleSelector(r.src, r.srclen, v6));
      setIf(e, 'ip-to', ruleSelector(r.dst, r.dstlen, v6));
      setIf(e, 'priority', r.priority);
      if (r.table !== undefined) e['route-table'] = tableId(r.table);
      else if (r.action !== undefined && ROUTE_TYPES.has(r.action)) {
        e.action = r.action as NonNullable<RouteRuleEntry['action']>;
      } else continue;
      setIf(e, 'fwmark', num(r.fwmark));
      setIf(e, 'fwmask', num(r.fwmask));
      setIf(e, 'iif', r.iif);
      setIf(e, 'suppress-prefix-length', r.suppress_prefixlen);
      out.push(e);
    }
  };
  take(rule4, false);
  take(rule6, true);
  return out;
}

/** resolv.conf as nmstate reads it: `nameserver` lines, the last `search` and `options` lines. */
export function parseResolvConf(text: string | null): DnsConfig {
  const c: DnsConfig = {};
  if (text === null) return c;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const [key, ...rest] = line.split(/\s+/);
    if (key === 'nameserver' && rest[0] !== undefined) (c.server ??= []).push(rest[0]);
    else if (key === 'search' && rest.length > 0) c.search = rest;
    else if (key === 'options' && rest.length > 0) c.options = rest;
  }
  return c;
}

/** Pure: iproute2 JSON (+ resolv.conf text) → nmstate current state. */
export function fromIproute2(s: Iproute2Samples): CurrentState {
  const dns = parseResolvConf(s.resolvConf);
  return {
    'dns-resolver': { running: dns, config: structuredClone(dns) },
    'route-rules': { config: routeRulesFrom(s.rule4, s.rule6) },
    routes: routesFrom(s.route4, s.route6),
    interfaces: interfacesFrom(s.link, s.addr, s.vlan),
  };
}

// ---- reading ------------------------------------------------------------------------------------------

export interface ReadOptions {
  timeoutMs?: number;
  /** Where /etc lives (tests). */
  etcDir?: string;
}

/** The resolv.conf a process in `netns` sees: /etc/netns/NS/resolv.conf if present, else /etc/resolv.conf. */
export async function readResolvConf(netns: string | undefined, etcDir = '/etc'): Promise<string | null> {
  const paths = netns === undefined ? [join(etcDir, 'resolv.conf')]
    : [join(etcDir, 'netns', netns, 'resolv.conf'), join(etcDir, 'resolv.conf')];
  for (const p of paths) {
    try {
      return await readFile(p, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  return null;
}

/** Runs the iproute2 dumps in `netns` (undefined: this process's namespace). */
/**
 * Several `ip -json` dumps from one process (`ip -batch`): each command prints its JSON array on a line of
 * its own. Process start-up, not the dumps, is what a state read costs (fork/exec blocks the event loop).
 */
async function batchJson(globals: readonly string[], lines: readonly string[], o: { netns: string | undefined; timeoutMs: number | undefined }): Promise<unknown[][]> {
  const r = await run('ip', [...globals, '-json', '-batch', '-'], { ...o, input: lines.join('\n') + '\n' });
  const out = r.stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown[]);
  // A dump with nothing to show may print nothing at all: line up by count only when complete.
  return lines.map((_, i) => (out.length === lines.length ? out[i] ?? [] : []));
}

export async function captureIproute2(netns: string | undefined, opts: ReadOptions = {}): Promise<Iproute2Samples> {
  if (netns !== undefined) checkNetnsName(netns);
  const o = { netns, timeoutMs: opts.timeoutMs };
  // Address families are global options of `ip`, so one batch per family.
  const [[link, addr], [route4, rule4], [route6, rule6], resolvConf] = await Promise.all([
    batchJson(['-details'], ['link show', 'addr show'], o)
      .catch(() => Promise.all([runJson<IpLink[]>('ip', ['-details', 'link', 'show'], o), runJson<IpAddrLink[]>('ip', ['addr', 'show'], o)])),
    batchJson(['-4', '-details'], ['route show table all', 'rule show'], o)
      .catch(() => Promise.all([runJson<IpRoute[]>('ip', ['-4', 'route', 'show', 'table', 'all'], o), runJson<IpRule[]>('ip', ['-4', '-details', 'rule', 'show'], o)])),
    batchJson(['-6', '-details'], ['route show table all', 'rule show'], o)
      .catch(() => Promise.all([runJson<IpRoute[]>('ip', ['-6', 'route', 'show', 'table', 'all'], o), runJson<IpRule[]>('ip', ['-6', '-details', 'rule', 'show'], o)])),
    readResolvConf(netns, opts.etcDir),
  ]) as [[IpLink[], IpAddrLink[]], [IpRoute[], IpRule[]], [IpRoute[], IpRule[]], string | null];
  // Port VLANs exist only on bridges with VLAN filtering: skip the extra process otherwise.
  const filtering = link.some((l) => l.linkinfo?.info_data?.['vlan_filtering'] === 1);
  const vlan = filtering ? await runJson<BridgeVlanPort[]>('bridge', ['vlan', 'show'], o) : [];
  return { link, addr, route4, route6, rule4, rule6, vlan, resolvConf };
}

/** Which parts of the state a verification looks at (see verify.ts `verificationReads`). */
export interface PartialRead {
  /** `ip -json -details link show`, as a batch's dump printed it. */
  link: IpLink[];
  /** `ip -json addr show`, when addresses are verified. */
  addr?: IpAddrLink[];
  /** Read resolv.conf (written after the steps). */
  dns: boolean;
}

/**
 * The state after an apply from the dumps its last `ip -json -details -batch` took, for verifying the
 * interfaces (and DNS) only: routes and rules are left empty and so are addresses when not dumped, so
 * this is never a current state to show, cache or take a checkpoint from.
 */
export async function stateFromDumps(netns: string | undefined, d: PartialRead, opts: ReadOptions = {}): Promise<CurrentState> {
  if (netns !== undefined) checkNetnsName(netns);
  const filtering = d.link.some((l) => l.linkinfo?.info_data?.['vlan_filtering'] === 1);
  const o = { netns, timeoutMs: opts.timeoutMs };
  const [vlan, resolvConf] = await Promise.all([
    filtering ? runJson<BridgeVlanPort[]>('bridge', ['vlan', 'show'], o) : [],
    d.dns ? readResolvConf(netns, opts.etcDir) : null,
  ]);
  return fromIproute2({ link: d.link, addr: d.addr ?? [], route4: [], route6: [], rule4: [], rule6: [], vlan, resolvConf });
}

/** The current state of `netns` (undefined: this process's namespace) in nmstate's shape. */
export async function readCurrentState(netns: string | undefined, opts: ReadOptions = {}): Promise<CurrentState> {
  return fromIproute2(await captureIproute2(netns, opts));
}
