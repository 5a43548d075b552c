// A Layer2 UDN on one node, as data (docs/architecture.md §5 "Layer2 UDN"). Pure: validation, names,
// addresses; node-plan.ts and router-plan.ts turn them into ip/bridge/nft lines, udn-node.ts acts.
//
//   node netns                                             router netns <prefix>r<vni>-<node>
//   eth0 ── vnx<hex> (VXLAN vni, learning) ─┐                 (one per network and node)
//   VM veths (launchers) ───────────────────┼─ vnu<hex>       vn-lan  gateway/len, MAC 0a:76:6e:<vni>
//   vnr<hex> ══════════ veth ═══════════════┘ (bridge)  ═══>  (same MAC on every node)
//   vnt<hex> 169.254.a.b+1/31 ═══ veth ════════════════════>  vn-up   169.254.a.b/31, default via node
//                                                             lo      169.254.1.1 (DHCP server id)
//
// The router SNATs the subnet to its transit address, the node masquerades transit addresses to its uplink
// address: two NAT steps, so two UDNs may use the same subnet on the same node.

import { VmNetworkError } from '../vm-network/error.js';
import { formatIpv4, isIpv4, lastAddress, nthAddress, parseCidr, parseIpv4 } from '../../common/ipv4.js';
import type { Ipv4Cidr } from '../../common/ipv4.js';
import { checkIfName, checkMac, checkPrefix } from '../vm-network/names.js';
import { checkNetnsName } from '../netns.js';

export interface UdnReservation {
  /** The VM NIC's MAC, lowercase colon form. */
  mac: string;
  ip: string;
  /** DHCP option 12: the VM's name. */
  hostname: string;
}

export interface UdnNetwork {
  /** The network's identity across calls (e.g. the NAD `<ns>/<name>`): kept as the bridge's alias. */
  key: string;
  /** VXLAN network identifier, also the source of every per-network name and address on the node. */
  vni: number;
  /** IPv4 CIDR, host bits zero. */
  subnet: string;
  /** The subnet's first host address. */
  gateway: string;
  /** Network MTU; default and maximum: the uplink's MTU − 50 (VXLAN over IPv4). */
  mtu?: number;
  /** Machine addresses of the other nodes that host this network. */
  peers: readonly string[];
  reservations: readonly UdnReservation[];
  dns?: readonly string[];
}

export interface UdnNodeOptions {
  /** Carried by the router namespace and the DHCP daemon's files, e.g. `vn-<labid>-`. */
  prefix: string;
  /** Absolute directory for the DHCP daemon's pid, log and configuration. */
  runDir: string;
  /** Default `eth0`. */
  uplink?: string;
  /** This node's address on the machine network: the VXLAN source. */
  localIP: string;
  /** Names the node in the router namespace; default: the node namespace without the prefix. */
  node?: string;
  /** The default pod network (no path into it from a UDN); default 10.128.0.0/14. */
  clusterCidr?: string;
  /**
   * VXLAN MAC learning (default on): unicast to a VM on another node goes to that node only. Off, every
   * unicast frame is sent to every peer (head-end replication through the all-zero FDB entries).
   */
  learning?: boolean;
}

export const VXLAN_PORT = 4789;
export const VXLAN_OVERHEAD = 50;
export const UDN_LEASE_SECONDS = 3500;
/** OVN-Kubernetes' DHCP server identifier for VMs on a primary Layer2 UDN. */
export const DHCP_SERVER_ID = '169.254.1.1';
export const ROUTER_LAN = 'vn-lan';
export const ROUTER_UP = 'vn-up';
/** All gateway MACs share these three bytes (locally administered, outside the VM MAC pool's 02:…). */
export const GATEWAY_MAC_PREFIX = '0a:76:6e';
/** The masquerade subnet OVN takes two addresses per UDN from; 169.254.0.0/23 stays for node-wide use. */
export const TRANSIT_CIDR = '169.254.0.0/17';
const TRANSIT_FIRST = (parseIpv4('169.254.2.0') ?? 0);
export const MAX_VNI = (32768 - 512) / 2;

const KEY = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,199}$/;
const HOSTNAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const NODE = /^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$/;

export interface UdnNames {
  bridge: string;
  vxlan: string;
  /** Node end of the router's LAN veth (a port of the bridge). */
  routerPort: string;
  /** Node end of the router's transit veth. */
  transit: string;
  router: string;
}

function hex(vni: number): string {
  return vni.toString(16);
}

export function checkVni(vni: number): void {
  if (!Number.isInteger(vni) || vni < 1 || vni > MAX_VNI) {
    throw new VmNetworkError(`VNI ${vni} must be an integer between 1 and ${MAX_VNI} (two transit addresses per network in ${TRANSIT_CIDR})`);
  }
}

export function checkKey(key: string): void {
  if (!KEY.test(key)) throw new VmNetworkError(`network key ${JSON.stringify(key)}: want [A-Za-z0-9_.:/-], at most 200 characters`);
}

/** The node's name inside router namespace names. */
export function nodeLabel(nodeNetns: string, opts: Pick<UdnNodeOptions, 'prefix' | 'node'>): string {
  const n = opts.node ?? (nodeNetns.startsWith(opts.prefix) ? nodeNetns.slice(opts.prefix.length) : nodeNetns);
  if (!NODE.test(n)) throw new VmNetworkError(`node name ${JSON.stringify(n)}: want a DNS-1123 subdomain of at most 63 characters`);
  return n;
}

export function udnNames(vni: number, prefix: string, node: string): UdnNames {
  checkVni(vni);
  checkPrefix(prefix);
  const h = hex(vni);
  const names = { bridge: `vnu${h}`, vxlan: `vnx${h}`, routerPort: `vnr${h}`, transit: `vnt${h}`, router: `${prefix}r${vni}-${node}` };
  checkNetnsName(names.router);
  return names;
}

/** The same on every node, so a VM keeps its gateway's MAC wherever it runs. */
export function gatewayMac(vni: number): string {
  checkVni(vni);
  return [GATEWAY_MAC_PREFIX, ...[16, 8, 0].map((s) => ((vni >> s) & 255).toString(16).padStart(2, '0'))].join(':');
}

/** The network's /31 between node and router: the router's address first (the SNAT source). */
export function transitPair(vni: number): { router: string; node: string } {
  checkVni(vni);
  const base = TRANSIT_FIRST + 2 * (vni - 1);
  return { router: formatIpv4(base), node: formatIpv4(base + 1) };
}

export function maskOf(prefix: number): string {
  return formatIpv4(prefix === 0 ? 0 : (0xffffffff - (2 ** (32 - prefix) - 1)));
}

export interface NormalizedUdn {
  key: string;
  vni: number;
  subnet: Ipv4Cidr;
  subnetText: string;
  gateway: string;
  mtu: number;
  peers: string[];
  reservations: UdnReservation[];
  dns: string[];
  names: UdnNames;
  gatewayMac: string;
  transit: { router: string; node: string };
  uplink: string;
  localIP: string;
  clusterCidr: string;
  learning: boolean;
}

function cidrOrThrow(cidr: string, what: string): Ipv4Cidr {
  const c = parseCidr(cidr);
  if (c === undefined) throw new VmNetworkError(`${what} ${JSON.stringify(cidr)} is not an IPv4 network (a.b.c.d/len, host bits zero)`);
  return c;
}

export function checkReservations(reservations: readonly UdnReservation[], subnet: Ipv4Cidr, gateway: string): UdnReservation[] {
  const macs = new Set<string>();
  const ips = new Map<string, string>();
  const gw = parseIpv4(gateway);
  for (const r of reservations) {
    checkMac(r.mac, 'reservation MAC');
    const v = parseIpv4(r.ip);
    if (v === undefined || v <= subnet.network || v >= lastAddress(subnet)) {
      throw new VmNetworkError(`reservation ${r.mac}: ${JSON.stringify(r.ip)} is not a host address of ${formatIpv4(subnet.network)}/${subnet.prefix}`);
    }
    if (v === gw) throw new VmNetworkError(`reservation ${r.mac}: ${r.ip} is the gateway`);
    if (!HOSTNAME.test(r.hostname)) throw new VmNetworkError(`reservation ${r.mac}: hostname ${JSON.stringify(r.hostname)} is not a DNS label`);
    if (macs.has(r.mac)) throw new VmNetworkError(`MAC ${r.mac} is reserved twice`);
    const other = ips.get(r.ip);
    if (other !== undefined) throw new VmNetworkError(`${r.ip} is reserved for both ${other} and ${r.mac}`);
    macs.add(r.mac);
    ips.set(r.ip, r.mac);
  }
  return reservations.map((r) => ({ mac: r.mac, ip: r.ip, hostname: r.hostname }));
}

/**
 * Everything that needs no look at the node, checked; `uplinkMtu` is the node's (the network's MTU must
 * leave room for the VXLAN header on it).
 */
export function normalizeUdn(net: UdnNetwork, opts: UdnNodeOptions, node: string, uplinkMtu: number): NormalizedUdn {
  checkKey(net.key);
  const names = udnNames(net.vni, opts.prefix, node);
  const subnet = cidrOrThrow(net.subnet, 'subnet');
  if (subnet.prefix > 29) throw new VmNetworkError(`subnet ${net.subnet} is too small (at most /29)`);
  const first = formatIpv4(nthAddress(subnet, 1));
  if (net.gateway !== first) throw new VmNetworkError(`gateway ${JSON.stringify(net.gateway)} must be the first address of ${net.subnet} (${first})`);
  const max = uplinkMtu - VXLAN_OVERHEAD;
  const mtu = net.mtu ?? max;
  if (!Number.isInteger(mtu) || mtu < 576 || mtu > max) {
    throw new VmNetworkError(`network MTU ${mtu} must be an integer between 576 and ${max} (the uplink's ${uplinkMtu} less ${VXLAN_OVERHEAD} for VXLAN)`);
  }
  if (!isIpv4(opts.localIP)) throw new VmNetworkError(`local address ${JSON.stringify(opts.localIP)} is not an IPv4 address`);
  const peers = [...new Set(net.peers)];
  for (const p of peers) {
    if (!isIpv4(p)) throw new VmNetworkError(`peer ${JSON.stringify(p)} is not an IPv4 address`);
    if (p === opts.localIP) throw new VmNetworkError(`peer ${p} is this node's own address`);
  }
  const dns = [...(net.dns ?? [])];
  for (const d of dns) if (!isIpv4(d)) throw new VmNetworkError(`DNS server ${JSON.stringify(d)} is not an IPv4 address`);
  const uplink = opts.uplink ?? 'eth0';
  checkIfName(uplink, 'uplink');
  const clusterCidr = opts.clusterCidr ?? '10.128.0.0/14';
  cidrOrThrow(clusterCidr, 'cluster network');
  return {
    key: net.key,
    vni: net.vni,
    subnet,
    subnetText: `${formatIpv4(subnet.network)}/${subnet.prefix}`,
    gateway: net.gateway,
    mtu,
    peers: peers.sort(),
    reservations: checkReservations(net.reservations, subnet, net.gateway),
    dns,
    names,
    gatewayMac: gatewayMac(net.vni),
    transit: transitPair(net.vni),
    uplink,
    localIP: opts.localIP,
    clusterCidr,
    learning: opts.learning ?? true,
  };
}

/** The bridge's alias names the network, so a removal by key finds the VNI. */
export function bridgeAlias(key: string): string {
  checkKey(key);
  return `udn/${key}`;
}
