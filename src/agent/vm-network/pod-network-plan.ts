// The node's share of the cluster pod network, as data (docs/architecture.md §5 "Pod (primary) network").
// Pure: slices, gateways, the `ip -batch` lines, the route diff and the nft script; pod-network.ts acts.
//
// Each node owns one slice of the cluster network (OpenShift: clusterNetwork 10.128.0.0/14, hostPrefix 23).
// Its namespace gets a bridge `vn-pod` holding the slice's first address (the launchers' default gateway),
// a route to every other node's slice via that node's machine address (the machine network is one L2, so
// plain routing suffices; no overlay), and an nft table that hides the slice behind the node's address for
// traffic that leaves the cluster through the uplink.

import { VmNetworkError } from './error.js';
import { checkIfName } from './names.js';
import { addressCount, cidrWithin, cidrsOverlap, formatCidr, formatIpv4, isIpv4, lastAddress, nthAddress, parseCidr,
  parseIpv4 }
  from '../../common/ipv4.js';
import type { Ipv4Cidr } from '../../common/ipv4.js';

export const POD_BRIDGE = 'vn-pod';
export const POD_NFT_TABLE = 'vn_pod';
/** Routes to other nodes' slices carry this protocol number, so a reconcile touches only its own routes. */
export const POD_ROUTE_PROTO = '118';
export const DEFAULT_CLUSTER_CIDR = '10.128.0.0/14';
export const DEFAULT_HOST_PREFIX = 23;
export const DEFAULT_UPLINK = 'eth0';

function cidrOrThrow(cidr: string, what: string): Ipv4Cidr {
  const c = parseCidr(cidr);
  if (c === undefined) throw new VmNetworkError(`${what} ${JSON.stringify(cidr)} is not an IPv4 network (a.b.c.d/len, host bits zero)`);
  return c;
}

/** How many node slices the cluster network holds. */
export function sliceCount(clusterCidr = DEFAULT_CLUSTER_CIDR, hostPrefix = DEFAULT_HOST_PREFIX): number {
  const c = cidrOrThrow(clusterCidr, 'cluster network');
  if (!Number.isInteger(hostPrefix) || hostPrefix < c.prefix || hostPrefix > 30) {
    throw new VmNetworkError(`host prefix ${hostPrefix} must be between the cluster prefix ${c.prefix} and 30`);
  }
  return 2 ** (hostPrefix - c.prefix);
}

/** Slice `i` (0-based) of the cluster network: `podSlice(1)` is `10.128.2.0/23`. */
export function podSlice(i: number, clusterCidr = DEFAULT_CLUSTER_CIDR, hostPrefix = DEFAULT_HOST_PREFIX): string {
  const count = sliceCount(clusterCidr, hostPrefix);
  if (!Number.isInteger(i) || i < 0 || i >= count) {
    throw new VmNetworkError(`pod network slice ${i} does not exist: ${clusterCidr} has ${count} slices of /${hostPrefix}`);
  }
  const c = cidrOrThrow(clusterCidr, 'cluster network');
  return formatCidr({ network: c.network + i * 2 ** (32 - hostPrefix), prefix: hostPrefix });
}

/** The slice's first address: the address of `vn-pod` and the default gateway of every launcher. */
export function podGateway(slice: string): string {
  return formatIpv4(nthAddress(cidrOrThrow(slice, 'pod slice'), 1));
}

/** Pod address `n` (0-based) of a slice: the addresses after the gateway, up to the one before broadcast. */
export function podAddress(slice: string, n: number): string {
  const c = cidrOrThrow(slice, 'pod slice');
  const usable = addressCount(c) - 3;
  if (!Number.isInteger(n) || n < 0 || n >= usable) {
    throw new VmNetworkError(`pod address ${n} does not exist: ${slice} has ${usable} pod addresses`);
  }
  return formatIpv4(nthAddress(c, 2 + n));
}

export interface PodPeer {
  /** The other node's slice. */
  slice: string;
  /** The other node's address on the machine network (the next hop to its slice). */
  nodeIP: string;
}

export interface PodNetworkSpec {
  /** This node's slice, e.g. `10.128.0.0/23`. */
  slice: string;
  /** Default `10.128.0.0/14`. */
  clusterCidr?: string;
  /** The link towards the machine network, where egress is masqueraded. Default `eth0`. */
  uplink?: string;
  /** MTU of `vn-pod`; default: left as the kernel makes it (1500). */
  mtu?: number;
  /** Every other node that has a slice. */
  peers: readonly PodPeer[];
}

export interface PodRoute {
  dst: string;
  via: string;
}

/** What pod-network.ts found in the node namespace. */
export interface PodNetworkObserved {
  bridge?: { addresses: string[]; mtu: number; up: boolean };
  /** Routes with protocol POD_ROUTE_PROTO. */
  routes: PodRoute[];
}

export interface PodNetworkPlan {
  gateway: string;
  /** `ip -batch` lines for the node namespace (empty: nothing to change). */
  ip: string[][];
  /** Replaces the table atomically: the same script is right whether the table exists or not. */
  nft: string;
  sysctls: string[];
  routesAdded: PodRoute[];
  routesRemoved: PodRoute[];
}

interface NormalizedSpec {
  slice: Ipv4Cidr;
  cluster: Ipv4Cidr;
  uplink: string;
  mtu: number | undefined;
  peers: PodRoute[];
}

export function validatePodNetwork(spec: PodNetworkSpec): NormalizedSpec {
  const cluster = cidrOrThrow(spec.clusterCidr ?? DEFAULT_CLUSTER_CIDR, 'cluster network');
  const slice = cidrOrThrow(spec.slice, 'pod slice');
  if (!cidrWithin(slice, cluster)) throw new VmNetworkError(`pod slice ${spec.slice} is not inside the cluster network ${formatCidr(cluster)}`);
  if (slice.prefix > 30) throw new VmNetworkError(`pod slice ${spec.slice} is too small (at most /30)`);
  const uplink = spec.uplink ?? DEFAULT_UPLINK;
  checkIfName(uplink, 'uplink');
  if (spec.mtu !== undefined && (!Number.isInteger(spec.mtu) || spec.mtu < 576 || spec.mtu > 65535)) {
    throw new VmNetworkError(`pod network MTU ${spec.mtu} must be an integer between 576 and 65535`);
  }
  const peers: PodRoute[] = [];
  const seen: Ipv4Cidr[] = [slice];
  for (const p of spec.peers) {
    const c = cidrOrThrow(p.slice, 'peer slice');
    if (!cidrWithin(c, cluster)) throw new VmNetworkError(`peer slice ${p.slice} is not inside the cluster network ${formatCidr(cluster)}`);
    if (!isIpv4(p.nodeIP)) throw new VmNetworkError(`peer node address ${JSON.stringify(p.nodeIP)} is not an IPv4 address`);
    const clash = seen.find((s) => cidrsOverlap(s, c));
    if (clash !== undefined) throw new VmNetworkError(`peer slice ${p.slice} overlaps ${formatCidr(clash)}`);
    seen.push(c);
    peers.push({ dst: formatCidr(c), via: p.nodeIP });
  }
  return { slice, cluster, uplink, mtu: spec.mtu, peers };
}

/** Which routes to replace and which to delete so that exactly `desired` remain. */
export function diffRoutes(current: readonly PodRoute[], desired: readonly PodRoute[]): { add: PodRoute[]; del: PodRoute[] } {
  const want = new Map(desired.map((r) => [r.dst, r.via]));
  const have = new Map(current.map((r) => [r.dst, r.via]));
  return {
    add: desired.filter((r) => have.get(r.dst) !== r.via),
    del: current.filter((r) => !want.has(r.dst)),
  };
}

export function renderPodNft(slice: string, clusterCidr: string, uplink: string): string {
  checkIfName(uplink, 'uplink');
  cidrOrThrow(slice, 'pod slice');
  cidrOrThrow(clusterCidr, 'cluster network');
  // `add` then `delete` makes the delete succeed whether or not the table exists: one atomic replacement.
  return [
    `add table ip ${POD_NFT_TABLE}`,
    `delete table ip ${POD_NFT_TABLE}`,
    `table ip ${POD_NFT_TABLE} {`,
    '  chain postrouting {',
    '    type nat hook postrouting priority srcnat; policy accept;',
    // Pod-to-pod traffic keeps its source (routed, not NATed); only egress out of the cluster is hidden.
    `    ip saddr ${slice} ip daddr != ${clusterCidr} oifname "${uplink}" masquerade`,
    '  }',
    '  chain forward {',
    // An accept here does not override a drop elsewhere; it documents (and counts) what the node forwards.
    '    type filter hook forward priority filter; policy accept;',
    `    ip saddr ${clusterCidr} counter accept`,
    `    ip daddr ${clusterCidr} counter accept`,
    '  }',
    '}',
    '',
  ].join('\n');
}

export function planPodNetwork(spec: PodNetworkSpec, observed: PodNetworkObserved): PodNetworkPlan {
  const n = validatePodNetwork(spec);
  const gateway = formatIpv4(nthAddress(n.slice, 1));
  const gwCidr = `${gateway}/${n.slice.prefix}`;
  const ip: string[][] = [];
  const b = observed.bridge;
  if (b === undefined) {
    ip.push(['link', 'add', POD_BRIDGE, ...(n.mtu !== undefined ? ['mtu', String(n.mtu)] : []), 'type', 'bridge']);
  } else if (n.mtu !== undefined && b.mtu !== n.mtu) {
    ip.push(['link', 'set', POD_BRIDGE, 'mtu', String(n.mtu)]);
  }
  // A node whose slice changed keeps no address of the old one.
  for (const a of b?.addresses ?? []) if (a !== gwCidr) ip.push(['addr', 'del', a, 'dev', POD_BRIDGE]);
  if (!(b?.addresses ?? []).includes(gwCidr)) ip.push(['addr', 'add', gwCidr, 'dev', POD_BRIDGE]);
  if (b?.up !== true) ip.push(['link', 'set', POD_BRIDGE, 'up']);
  const { add, del } = diffRoutes(observed.routes, n.peers);
  for (const r of del) ip.push(['route', 'del', r.dst, 'proto', POD_ROUTE_PROTO]);
  for (const r of add) ip.push(['route', 'replace', r.dst, 'via', r.via, 'proto', POD_ROUTE_PROTO]);
  return {
    gateway,
    ip,
    nft: renderPodNft(formatCidr(n.slice), formatCidr(n.cluster), n.uplink),
    sysctls: ['net.ipv4.ip_forward=1'],
    routesAdded: add,
    routesRemoved: del,
  };
}

/** The pod CIDR must hold the pod IP and the gateway (a launcher's eth0 address and its default route). */
export function checkPodAddressing(podIP: string, podCIDR: string, gateway: string): Ipv4Cidr {
  const c = cidrOrThrow(podCIDR, 'pod CIDR');
  for (const [what, ip] of [['pod IP', podIP], ['pod gateway', gateway]] as const) {
    if (!isIpv4(ip)) throw new VmNetworkError(`${what} ${JSON.stringify(ip)} is not an IPv4 address`);
  }
  const inside = (ip: string): boolean => {
    const v = parseIpv4(ip) ?? -1;
    return v > c.network && v < lastAddress(c);
  };
  if (!inside(podIP)) throw new VmNetworkError(`pod IP ${podIP} is not a host address of ${podCIDR}`);
  if (!inside(gateway)) throw new VmNetworkError(`pod gateway ${gateway} is not a host address of ${podCIDR}`);
  if (podIP === gateway) throw new VmNetworkError(`pod IP ${podIP} is the gateway of ${podCIDR}`);
  return c;
}
