// The node namespace's part of a Layer2 UDN (udn-plan.ts draws it): `ip -batch` lines for the bridge, the
// VXLAN device and the node ends of the router's veths, `bridge -batch` lines for the flood list, and the
// two node-wide nft tables that isolate every UDN of the node. Pure.

import { bridgeAlias, ROUTER_LAN, ROUTER_UP, VXLAN_PORT } from './udn-plan.js';
import type { NormalizedUdn } from './udn-plan.js';

/** What the node has under one of the network's link names. */
export interface ObservedLink {
  kind: string;
  mtu: number;
  up: boolean;
  master?: string;
  alias?: string;
  addresses?: string[];
  vxlan?: { id?: number; local?: string; port?: number; learning?: boolean; link?: string };
}

export interface UdnNodeObserved {
  links: ReadonlyMap<string, ObservedLink>;
  /** Destinations of the VXLAN device's all-zero (flood) FDB entries. */
  floodPeers: readonly string[];
}

export interface UdnNodePlan {
  /** Links to delete first (wrong kind or wrong VXLAN parameters): recreated below. */
  del: string[][];
  ip: string[][];
  bridge: string[][];
  sysctls: string[];
}

export const ZERO_MAC = '00:00:00:00:00:00';
export const NODE_NFT_TABLE = 'vn_udn';
export const NODE_BRIDGE_NFT_TABLE = 'vn_udn';

function vxlanMatches(l: ObservedLink, n: NormalizedUdn): boolean {
  const v = l.vxlan;
  return l.kind === 'vxlan' && v?.id === n.vni && v.local === n.localIP && v.port === VXLAN_PORT
    && v.learning === n.learning;
}

/**
 * Lines that bring the node's links of the network to the plan, creating only what is missing (or wrong):
 * a second run on an unchanged node plans no `link add`.
 */
export function planUdnNode(n: NormalizedUdn, observed: UdnNodeObserved): UdnNodePlan {
  const { bridge, vxlan, routerPort, transit, router } = n.names;
  const m = String(n.mtu);
  const del: string[][] = [];
  const ip: string[][] = [];
  const have = (name: string, kind: string): ObservedLink | undefined => {
    const l = observed.links.get(name);
    if (l === undefined) return undefined;
    if (l.kind !== kind) {
      del.push(['link', 'del', name]);
      return undefined;
    }
    return l;
  };

  const br = have(bridge, 'bridge');
  if (br === undefined) ip.push(['link', 'add', bridge, 'mtu', m, 'type', 'bridge']);
  else if (br.mtu !== n.mtu) ip.push(['link', 'set', bridge, 'mtu', m]);
  if (br?.alias !== bridgeAlias(n.key)) ip.push(['link', 'set', bridge, 'alias', bridgeAlias(n.key)]);

  let vx = observed.links.get(vxlan);
  if (vx !== undefined && !vxlanMatches(vx, n)) {
    del.push(['link', 'del', vxlan]);
    vx = undefined;
  }
  if (vx === undefined) {
    ip.push(['link', 'add', vxlan, 'mtu', m, 'type', 'vxlan', 'id', String(n.vni), 'local', n.localIP,
      'dstport', String(VXLAN_PORT), 'dev', n.uplink, n.learning ? 'learning' : 'nolearning']);
  } else if (vx.mtu !== n.mtu) {
    ip.push(['link', 'set', vxlan, 'mtu', m]);
  }
  if (vx?.master !== bridge) ip.push(['link', 'set', vxlan, 'master', bridge]);

  // A veth whose router end is gone (router namespace deleted by hand) is deleted and made again.
  const lan = have(routerPort, 'veth');
  if (lan === undefined) ip.push(['link', 'add', routerPort, 'mtu', m, 'type', 'veth', 'peer', 'name', ROUTER_LAN, 'mtu', m, 'netns', router]);
  else if (lan.mtu !== n.mtu) ip.push(['link', 'set', routerPort, 'mtu', m]);
  if (lan?.master !== bridge) ip.push(['link', 'set', routerPort, 'master', bridge]);

  const up = have(transit, 'veth');
  if (up === undefined) ip.push(['link', 'add', transit, 'mtu', m, 'type', 'veth', 'peer', 'name', ROUTER_UP, 'mtu', m, 'netns', router]);
  else if (up.mtu !== n.mtu) ip.push(['link', 'set', transit, 'mtu', m]);
  const transitCidr = `${n.transit.node}/31`;
  for (const a of up?.addresses ?? []) if (a !== transitCidr) ip.push(['addr', 'del', a, 'dev', transit]);
  if (!(up?.addresses ?? []).includes(transitCidr)) ip.push(['addr', 'add', transitCidr, 'dev', transit]);

  for (const [name, l] of [[bridge, br], [vxlan, vx], [routerPort, lan], [transit, up]] as const) {
    if (l?.up !== true) ip.push(['link', 'set', name, 'up']);
  }

  const { add, del: gone } = diffFloodPeers(observed.floodPeers, n.peers);
  const bridgeLines = [
    ...gone.map((p) => ['fdb', 'del', ZERO_MAC, 'dev', vxlan, 'dst', p]),
    ...add.map((p) => ['fdb', 'append', ZERO_MAC, 'dev', vxlan, 'dst', p]),
  ];
  return {
    del,
    ip,
    bridge: bridgeLines,
    sysctls: [
      'net.ipv4.ip_forward=1',
      // The bridge carries no address of the node: it must neither answer ARP for the node's addresses nor
      // speak IPv6 on the network.
      `net.ipv4.conf.${bridge}.arp_ignore=8`,
      `net.ipv6.conf.${bridge}.disable_ipv6=1`,
      `net.ipv6.conf.${transit}.disable_ipv6=1`,
    ],
  };
}

export function diffFloodPeers(current: readonly string[], desired: readonly string[]): { add: string[]; del: string[] } {
  const want = new Set(desired);
  const have = new Set(current);
  return { add: desired.filter((p) => !have.has(p)), del: [...have].filter((p) => !want.has(p)) };
}

/**
 * The node-wide tables, the same for every UDN of the node (they match the links by name pattern), so each
 * ensure rewrites them whole. Names: `vnu*` UDN bridges, `vnx*` their VXLAN ports, `vnr*` their router
 * ports, `vnt*` the routers' transit veths.
 *
 * With br_netfilter (bridge-nf-call-iptables=1), frames bridged between two VMs of one UDN pass the inet
 * forward hook with the bridge as both input and output: the rules below leave that case alone.
 */
export function renderNodeNft(uplink: string, clusterCidr: string): string {
  const t = `inet ${NODE_NFT_TABLE}`;
  const b = `bridge ${NODE_BRIDGE_NFT_TABLE}`;
  return [
    `add table ${t}`,
    `delete table ${t}`,
    `add table ${b}`,
    `delete table ${b}`,
    `table ${t} {`,
    '  chain input {',
    '    type filter hook input priority filter; policy accept;',
    // Nothing of a UDN reaches the node itself: not through its router, not through its bridge.
    '    iifname "vnt*" counter drop',
    '    iifname "vnu*" counter drop',
    '  }',
    '  chain forward {',
    '    type filter hook forward priority filter; policy accept;',
    // A router's traffic goes out of the uplink only: not to another router, the pod network or the node's
    // other links; never to a pod of another node (routed through the uplink).
    `    iifname "vnt*" oifname != "${uplink}" counter drop`,
    `    iifname "vnt*" ip daddr ${clusterCidr} counter drop`,
    // Into a router: only replies to what it started.
    '    oifname "vnt*" ct state established,related accept',
    '    oifname "vnt*" counter drop',
    // The node does not route between a UDN bridge and anything else (it has no address there anyway).
    '    iifname "vnu*" oifname != "vnu*" counter drop',
    '    oifname "vnu*" iifname != "vnu*" counter drop',
    '  }',
    '  chain output {',
    '    type filter hook output priority filter; policy accept;',
    '    oifname "vnt*" ct state established,related accept',
    '    oifname "vnt*" counter drop',
    '    oifname "vnu*" counter drop',
    '  }',
    '  chain postrouting {',
    '    type nat hook postrouting priority srcnat; policy accept;',
    `    iifname "vnt*" oifname "${uplink}" masquerade`,
    '  }',
    '}',
    `table ${b} {`,
    '  chain prerouting {',
    // Before the bridge learns: a frame from another node's gateway (same MAC as ours) must not teach the
    // bridge that our gateway lives behind the VXLAN port.
    '    type filter hook prerouting priority -300; policy accept;',
    '    iifname "vnx*" ether saddr & ff:ff:ff:00:00:00 == 0a:76:6e:00:00:00 counter drop',
    '  }',
    '  chain forward {',
    '    type filter hook forward priority filter; policy accept;',
    // Every node has the gateway: its ARP replies, DHCP replies and routed frames stay on this node, and
    // the other nodes' VMs (their ARP for the gateway, their DHCP) are served by their own.
    '    iifname "vnr*" oifname "vnx*" counter drop',
    '    iifname "vnx*" oifname "vnr*" counter drop',
    // A VM's DHCP is its own node's router's to answer (OVN answers it on the node too): its broadcasts do
    // not flood the overlay, where every other node's VMs would get a copy of every retry of every VM.
    '    oifname "vnx*" udp dport 67 counter drop',
    '    iifname "vnx*" udp dport 67 counter drop',
    '  }',
    '}',
    '',
  ].join('\n');
}

export function renderNodeNftRemove(): string {
  return [`add table inet ${NODE_NFT_TABLE}`, `delete table inet ${NODE_NFT_TABLE}`,
    `add table bridge ${NODE_BRIDGE_NFT_TABLE}`, `delete table bridge ${NODE_BRIDGE_NFT_TABLE}`, ''].join('\n');
}
