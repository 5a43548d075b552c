// A VM's launcher namespace (KubeVirt's virt-launcher pod) and its NIC plumbing, as data. Pure: names,
// validation, `ip -batch` lines, nft scripts and the dnsmasq command line; launcher.ts reads the node's
// facts, then performs the plan.
//
//   node netns                               launcher netns <prefix>l-<vmid>
//   vn-pod ── vn-<hash> ═══ veth ═══ eth0 (pod IP) ──NAT── k6t-eth0 10.0.2.1/24 ── (runtime's tap/veth) VM 10.0.2.2
//   <NAD bridge> ── vn-<hash> ═══ veth ═══ net1 ── k6t-net1 ── (runtime's tap/veth) VM (DHCP from the network)
//
// The runtime attaches the VM to the `k6t-*` bridge named in the result (NicLaunch.bridge).

import { createHash } from 'node:crypto';
import { isAbsolute, join } from 'node:path';
import { checkNetnsName } from '../netns.js';
import { VmNetworkError } from './error.js';
import { isIpv4 } from '../../common/ipv4.js';
import { renderMacspoofAdd } from './macspoof-plan.js';
import type { MacspoofPort } from './macspoof-plan.js';
import { checkIfName, checkMac, checkPrefix, checkVmid } from './names.js';
import { POD_BRIDGE, checkPodAddressing } from './pod-network-plan.js';

/** KubeVirt's masquerade addressing (`pod.vmNetworkCIDR` default 10.0.2.0/24). */
export const MASQ_POD_IF = 'eth0';
export const MASQ_BRIDGE = 'k6t-eth0';
export const MASQ_GATEWAY = '10.0.2.1';
export const MASQ_GUEST = '10.0.2.2';
export const MASQ_PREFIX = 24;
/** KubeVirt reserves this MAC for the in-pod bridge (admission rejects it on a masquerade interface). */
export const MASQ_BRIDGE_MAC = '02:00:00:00:00:00';
export const LAUNCHER_NFT_TABLE = 'vn_launcher';
export const DEFAULT_MTU = 1500;

/** How the guest configures a NIC: the shape of the runtime's `NicLaunch.ip` (src/runtime/runtime.ts). */
export type GuestIp = { mode: 'dhcp' } | { mode: 'static'; cidr: string; gateway?: string } | { mode: 'none' };

export interface PodNicNetwork {
  kind: 'pod';
  /** The launcher's address in the node's pod slice. */
  podIP: string;
  /** The node's slice, e.g. `10.128.0.0/23`. */
  podCIDR: string;
  /** The node's `vn-pod` address (the slice's first address). */
  gateway: string;
  /** Default 1500. */
  mtu?: number;
}

export interface BridgeNadNicNetwork {
  kind: 'bridge-nad';
  /** The NAD's bridge in the node namespace. */
  bridge: string;
  /** 802.1Q tag for the VM's port; absent or 0: untagged. */
  vlan?: number;
  macspoofchk: boolean;
  /** Default: the bridge's MTU. */
  mtu?: number;
  /** With a VLAN: keep the bridge's default VLAN 1 on the port too (the CNI plugin's default: true). */
  preserveDefaultVlan?: boolean;
}

export interface LauncherNic {
  /** The KubeVirt interface name. */
  name: string;
  /** The guest's MAC, lowercase colon form. */
  mac: string;
  binding: 'masquerade' | 'bridge';
  network: PodNicNetwork | BridgeNadNicNetwork;
}

export interface LauncherSpec {
  /** Carried by the launcher namespace and the dnsmasq files, e.g. `vn-<labid>-`. */
  prefix: string;
  vmid: string;
  /** The node's name, for messages. */
  node: string;
  nodeNetns: string;
  nics: readonly LauncherNic[];
  /**
   * Masquerade NIC: run a DHCP server in the launcher that gives the guest 10.0.2.2 (qemu guests). Off:
   * the guest IP mode is `static` (the netns runtime configures the address itself).
   */
  guestDhcp?: boolean;
  /** Absolute directory for the launcher dnsmasq's pid, lease and log files. */
  runDir: string;
  /** DNS servers the launcher's DHCP offers; none by default. */
  dnsServers?: readonly string[];
  /** Offered by the launcher's DHCP as the guest's hostname. */
  hostname?: string;
}

export interface LauncherNicResult {
  name: string;
  /** The in-launcher bridge the runtime attaches the VM's tap/veth to (NicLaunch.bridge). */
  bridge: string;
  /** How the guest gets its address (NicLaunch.ip). */
  ip: GuestIp;
  mtu: number;
  /** The launcher's end of the veth (`eth0`, `net1`, …: KubeVirt's podInterfaceName). */
  podInterface: string;
  /** The node's end of the veth. */
  nodeInterface: string;
}

export interface LauncherResult {
  netns: string;
  nics: LauncherNicResult[];
}

export function launcherNetns(prefix: string, vmid: string): string {
  return `${prefix}l-${vmid}`;
}

/** Unique per launcher and NIC, ≤ 15 bytes, and stable: a teardown that knows the NIC names finds it. */
export function nodeSideIfName(netns: string, nicName: string): string {
  return `vn-${createHash('sha256').update(`${netns}/${nicName}`).digest('hex').slice(0, 12)}`;
}

/** The launcher dnsmasq's files: they carry the launcher's name, so a lab teardown finds the daemon. */
export function launcherFiles(runDir: string, netns: string): { pid: string; leases: string; log: string } {
  return {
    pid: join(runDir, `${netns}.dnsmasq.pid`),
    leases: join(runDir, `${netns}.dnsmasq.leases`),
    log: join(runDir, `${netns}.dnsmasq.log`),
  };
}

/** What launcher.ts must read from the node before planning. */
export interface LauncherNeeds {
  /** NAD bridges that must exist in the node namespace. */
  bridges: string[];
  /** Some NIC has a VLAN: whether the kernel can filter VLANs on a bridge. */
  vlan: boolean;
}

const NIC_NAME = /^[A-Za-z0-9_-]+$/;
const HOSTNAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

function checkMtu(mtu: number | undefined, what: string): void {
  if (mtu !== undefined && (!Number.isInteger(mtu) || mtu < 576 || mtu > 65535)) {
    throw new VmNetworkError(`${what} MTU ${mtu} must be an integer between 576 and 65535`);
  }
}

/** Checks everything that needs no look at the node; returns what does. */
export function validateLauncherSpec(spec: LauncherSpec): LauncherNeeds {
  checkPrefix(spec.prefix);
  checkVmid(spec.vmid);
  try {
    checkNetnsName(spec.nodeNetns);
  } catch (e) {
    throw new VmNetworkError((e as Error).message);
  }
  if (!isAbsolute(spec.runDir)) throw new VmNetworkError(`runDir must be absolute, got ${JSON.stringify(spec.runDir)}`);
  for (const d of spec.dnsServers ?? []) if (!isIpv4(d)) throw new VmNetworkError(`DNS server ${JSON.stringify(d)} is not an IPv4 address`);
  if (spec.hostname !== undefined && !HOSTNAME.test(spec.hostname)) {
    throw new VmNetworkError(`hostname ${JSON.stringify(spec.hostname)} is not a DNS label`);
  }
  const names = new Set<string>();
  const bridges = new Set<string>();
  let pod = 0;
  let vlan = false;
  for (const nic of spec.nics) {
    if (!NIC_NAME.test(nic.name)) {
      throw new VmNetworkError('Network interface name can only contain alphabetical characters, numbers, dashes (-) or underscores (_)');
    }
    if (names.has(nic.name)) throw new VmNetworkError(`interface ${nic.name} is listed twice`);
    names.add(nic.name);
    checkMac(nic.mac, `interface ${nic.name}: MAC`);
    const net = nic.network;
    if (net.kind === 'pod') {
      if (nic.binding !== 'masquerade') {
        throw new VmNetworkError(`interface ${nic.name}: only masquerade binding is implemented on the pod network`);
      }
      if (nic.mac === MASQ_BRIDGE_MAC) {
        throw new VmNetworkError('The requested MAC address is reserved for the in-pod bridge. Please choose another one.');
      }
      if (++pod > 1) throw new VmNetworkError('more than one interface is connected to a pod network');
      checkPodAddressing(net.podIP, net.podCIDR, net.gateway);
      checkMtu(net.mtu, `interface ${nic.name}: pod network`);
    } else {
      if (nic.binding !== 'bridge') throw new VmNetworkError('Masquerade interface only implemented with pod network');
      checkIfName(net.bridge, `interface ${nic.name}: bridge`);
      if (net.bridge === POD_BRIDGE) throw new VmNetworkError(`interface ${nic.name}: bridge ${POD_BRIDGE} is the pod network's own`);
      if (net.vlan !== undefined && (!Number.isInteger(net.vlan) || net.vlan < 0 || net.vlan > 4094)) {
        throw new VmNetworkError(`interface ${nic.name}: VLAN ${net.vlan} must be an integer between 0 and 4094`);
      }
      checkMtu(net.mtu, `interface ${nic.name}: bridge ${net.bridge}`);
      bridges.add(net.bridge);
      if ((net.vlan ?? 0) !== 0) vlan = true;
    }
  }
  return { bridges: [...bridges], vlan };
}

/** A link in the node namespace that a NAD names. */
export type NodeBridgeFact =
  | { kind: 'bridge'; mtu: number; vlanFiltering: boolean }
  | { kind: 'other'; linkKind: string };

export interface LauncherFacts {
  /** Per NAD bridge name: what the node has under that name (absent: nothing). */
  bridges: ReadonlyMap<string, NodeBridgeFact>;
  /** Whether this kernel can turn on VLAN filtering on a bridge (only read when some NIC has a VLAN). */
  vlanFilteringSupported?: boolean;
}

export interface DnsmasqLaunch {
  argv: string[];
  pidFile: string;
  leaseFile: string;
  logFile: string;
}

export interface LauncherPlan {
  netns: string;
  /** Written in the launcher before any link enters it, so the links are born with them. */
  launcherSysctls: string[];
  nodeIp: string[][];
  nodeBridge: string[][];
  launcherIp: string[][];
  launcherNft?: string;
  /** MAC spoof check elements (and the table) in the node namespace. */
  nodeNft?: string;
  macspoof: MacspoofPort[];
  dnsmasq?: DnsmasqLaunch;
  result: LauncherResult;
}

export function renderLauncherNft(podIP: string): string {
  if (!isIpv4(podIP)) throw new VmNetworkError(`pod IP ${JSON.stringify(podIP)} is not an IPv4 address`);
  return [
    `table ip ${LAUNCHER_NFT_TABLE} {`,
    '  chain prerouting {',
    '    type nat hook prerouting priority dstnat; policy accept;',
    // Everything addressed to the pod reaches the guest (KubeVirt: all ports unless `ports` is given).
    `    iifname "${MASQ_POD_IF}" ip daddr ${podIP} dnat to ${MASQ_GUEST}`,
    '  }',
    '  chain postrouting {',
    '    type nat hook postrouting priority srcnat; policy accept;',
    `    ip saddr ${MASQ_GUEST} oifname "${MASQ_POD_IF}" snat to ${podIP}`,
    '  }',
    '}',
    '',
  ].join('\n');
}

export function dnsmasqLaunch(spec: LauncherSpec, netns: string, mac: string, mtu: number): DnsmasqLaunch {
  const files = launcherFiles(spec.runDir, netns);
  const dns = spec.dnsServers ?? [];
  const host = [mac, MASQ_GUEST, ...(spec.hostname !== undefined ? [spec.hostname] : []), 'infinite'].join(',');
  return {
    pidFile: files.pid,
    leaseFile: files.leases,
    logFile: files.log,
    argv: [
      'dnsmasq',
      '--conf-file=/dev/null', // not the host's /etc/dnsmasq.conf
      `--pid-file=${files.pid}`,
      `--interface=${MASQ_BRIDGE}`,
      '--bind-interfaces',
      '--except-interface=lo',
      '--port=0', // DHCP only
      // `static`: only the hosts listed below get an address; here exactly the guest's MAC gets 10.0.2.2.
      `--dhcp-range=${MASQ_GUEST},static,255.255.255.0,infinite`,
      `--dhcp-host=${host}`,
      `--dhcp-option=3,${MASQ_GATEWAY}`,
      dns.length > 0 ? `--dhcp-option=6,${dns.join(',')}` : '--dhcp-option=6',
      `--dhcp-option=26,${mtu}`,
      `--dhcp-leasefile=${files.leases}`,
      '--dhcp-authoritative',
      '--no-ping', // the address is the guest's alone; the ping check only delays the first lease
      `--log-facility=${files.log}`,
      '--log-dhcp',
    ],
  };
}

function bridgeFact(spec: LauncherSpec, facts: LauncherFacts, bridge: string): { mtu: number; vlanFiltering: boolean } {
  const f = facts.bridges.get(bridge);
  if (f === undefined) throw new VmNetworkError(`bridge "${bridge}" not found on node ${spec.node}`, 'bridge-not-found');
  if (f.kind !== 'bridge') throw new VmNetworkError(`"${bridge}" on node ${spec.node} is a ${f.linkKind || 'plain'} link, not a Linux bridge`,
    'bridge-not-found');
  return f;
}

/** Lines being collected for one launcher (or one hot-plugged NIC). */
interface Steps {
  netns: string;
  nodeIp: string[][];
  nodeBridge: string[][];
  launcherIp: string[][];
  macspoof: MacspoofPort[];
  /** Bridges this plan already turns VLAN filtering on for. */
  filteringOn: Set<string>;
}

function veth(st: Steps, host: string, pod: string, mtu: number, master: string): void {
  const m = String(mtu);
  st.nodeIp.push(['link', 'add', host, 'mtu', m, 'type', 'veth', 'peer', 'name', pod, 'mtu', m, 'netns', st.netns]);
  st.nodeIp.push(['link', 'set', host, 'master', master]);
  st.nodeIp.push(['link', 'set', host, 'up']);
}

/** A bridge-binding NIC on a Linux-bridge NAD, whose launcher end is `net<index>`. */
function bridgeNic(spec: LauncherSpec, facts: LauncherFacts, st: Steps, nic: LauncherNic, net: BridgeNadNicNetwork,
  index: number): LauncherNicResult {
  const host = nodeSideIfName(st.netns, nic.name);
  const fact = bridgeFact(spec, facts, net.bridge);
  const vlan = net.vlan ?? 0;
  if (vlan !== 0 && !fact.vlanFiltering && facts.vlanFilteringSupported !== true) {
    throw new VmNetworkError(`VLAN ${vlan} on bridge ${net.bridge} needs bridge VLAN filtering, which this node's kernel does not support`,
      'not-supported');
  }
  const mtu = net.mtu ?? fact.mtu;
  const pod = `net${index}`;
  const inPod = `k6t-${pod}`;
  veth(st, host, pod, mtu, net.bridge);
  if (vlan !== 0) {
    // As the CNI bridge plugin: the bridge filters VLANs, the VM's port is an access port of `vlan`.
    if (!fact.vlanFiltering && !st.filteringOn.has(net.bridge)) {
      st.nodeIp.push(['link', 'set', net.bridge, 'type', 'bridge', 'vlan_filtering', '1']);
      st.filteringOn.add(net.bridge);
    }
    st.nodeBridge.push(['vlan', 'add', 'dev', host, 'vid', String(vlan), 'pvid', 'untagged']);
    if (net.preserveDefaultVlan === false) st.nodeBridge.push(['vlan', 'del', 'dev', host, 'vid', '1']);
  }
  if (net.macspoofchk) st.macspoof.push({ port: host, mac: nic.mac });
  st.launcherIp.push(
    ['link', 'add', inPod, 'mtu', String(mtu), 'type', 'bridge'],
    ['link', 'set', pod, 'master', inPod],
    ['link', 'set', pod, 'up'],
    ['link', 'set', inPod, 'up'],
  );
  return { name: nic.name, bridge: inPod, ip: { mode: 'dhcp' }, mtu, podInterface: pod, nodeInterface: host };
}

/** The whole launcher; throws VmNetworkError when the node cannot host it (missing bridge, no VLAN support). */
export function planLauncher(spec: LauncherSpec, facts: LauncherFacts): LauncherPlan {
  validateLauncherSpec(spec);
  const netns = launcherNetns(spec.prefix, spec.vmid);
  const st: Steps = { netns, nodeIp: [], nodeBridge: [], launcherIp: [['link', 'set', 'lo', 'up']], macspoof: [], filteringOn: new Set() };
  const nics: LauncherNicResult[] = [];
  let launcherNft: string | undefined;
  let dnsmasq: DnsmasqLaunch | undefined;
  let multus = 0;

  for (const nic of spec.nics) {
    const net = nic.network;
    if (net.kind === 'bridge-nad') {
      nics.push(bridgeNic(spec, facts, st, nic, net, ++multus));
      continue;
    }
    const host = nodeSideIfName(netns, nic.name);
    const mtu = net.mtu ?? DEFAULT_MTU;
    const len = net.podCIDR.split('/')[1] ?? '';
    veth(st, host, MASQ_POD_IF, mtu, POD_BRIDGE);
    st.launcherIp.push(
      ['link', 'add', MASQ_BRIDGE, 'mtu', String(mtu), 'type', 'bridge'],
      // Set explicitly, so the bridge keeps it when the runtime's link joins.
      ['link', 'set', MASQ_BRIDGE, 'address', MASQ_BRIDGE_MAC],
      ['addr', 'add', `${MASQ_GATEWAY}/${MASQ_PREFIX}`, 'dev', MASQ_BRIDGE],
      ['link', 'set', MASQ_BRIDGE, 'up'],
      ['addr', 'add', `${net.podIP}/${len}`, 'dev', MASQ_POD_IF],
      ['link', 'set', MASQ_POD_IF, 'up'],
      ['route', 'add', 'default', 'via', net.gateway, 'dev', MASQ_POD_IF],
    );
    launcherNft = renderLauncherNft(net.podIP);
    let ip: GuestIp = { mode: 'static', cidr: `${MASQ_GUEST}/${MASQ_PREFIX}`, gateway: MASQ_GATEWAY };
    if (spec.guestDhcp === true) {
      dnsmasq = dnsmasqLaunch(spec, netns, nic.mac, mtu);
      ip = { mode: 'dhcp' };
    }
    nics.push({ name: nic.name, bridge: MASQ_BRIDGE, ip, mtu, podInterface: MASQ_POD_IF, nodeInterface: host });
  }

  const plan: LauncherPlan = {
    netns,
    // IPv6 off in the launcher: its own links would otherwise send router solicitations and DAD probes
    // from their own MACs onto the VM's networks. The guest's traffic is bridged and unaffected.
    launcherSysctls: [
      'net.ipv6.conf.all.disable_ipv6=1',
      'net.ipv6.conf.default.disable_ipv6=1',
      ...(launcherNft !== undefined ? ['net.ipv4.ip_forward=1'] : []),
    ],
    nodeIp: st.nodeIp, nodeBridge: st.nodeBridge, launcherIp: st.launcherIp, macspoof: st.macspoof,
    result: { netns, nics },
  };
  if (launcherNft !== undefined) plan.launcherNft = launcherNft;
  if (st.macspoof.length > 0) plan.nodeNft = renderMacspoofAdd(st.macspoof, netns);
  if (dnsmasq !== undefined) plan.dnsmasq = dnsmasq;
  return plan;
}

export interface NicHotplugPlan {
  nodeIp: string[][];
  nodeBridge: string[][];
  launcherIp: string[][];
  nodeNft?: string;
  nic: LauncherNicResult;
}

/**
 * One more bridge-binding NIC for a running launcher (KubeVirt hot plugs bridge NICs only). `launcherLinks`
 * are the names of the launcher's links now; the new NIC takes the next `net<N>`.
 */
export function planNicHotplug(spec: LauncherSpec, nic: LauncherNic, facts: LauncherFacts,
  launcherLinks: readonly string[]): NicHotplugPlan {
  validateLauncherSpec({ ...spec, nics: [nic] });
  const net = nic.network;
  if (net.kind !== 'bridge-nad') throw new VmNetworkError(`interface ${nic.name}: only bridge-binding interfaces can be hot plugged`);
  const netns = launcherNetns(spec.prefix, spec.vmid);
  const used = launcherLinks.map((l) => /^net(\d+)$/.exec(l)?.[1]).filter((n): n is string => n !== undefined).map(Number);
  const st: Steps = { netns, nodeIp: [], nodeBridge: [], launcherIp: [], macspoof: [], filteringOn: new Set() };
  const result = bridgeNic(spec, facts, st, nic, net, Math.max(0, ...used) + 1);
  const plan: NicHotplugPlan = { nodeIp: st.nodeIp, nodeBridge: st.nodeBridge, launcherIp: st.launcherIp, nic: result };
  if (st.macspoof.length > 0) plan.nodeNft = renderMacspoofAdd(st.macspoof, netns);
  return plan;
}
