// Brings a node to a Layer2 UDN and back (the plans say what): reads the node's links, creates only what is
// missing or wrong, rewrites the nft tables whole, hands the reservations to the node's DHCP daemon.

import { KeyedSerializer } from '../../common/keyed-serializer.js';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { run, runJson } from '../netns.js';
import { VmNetworkError } from '../vm-network/error.js';
import { bridgeBatch, ipBatch, netnsExists, nftApply, STEP_TIMEOUT_MS, sysctlWrite } from '../vm-network/exec.js';
import { checkPrefix } from '../vm-network/names.js';
import { parseCidr } from '../../common/ipv4.js';
import { applyDhcpNetwork, dhcpPaths } from './dhcp-control.js';
import type { DhcpNetworkConfig } from './dhcp-responder.js';
import { ZERO_MAC, planUdnNode, renderNodeNft, renderNodeNftRemove } from './node-plan.js';
import type { ObservedLink, UdnNodeObserved } from './node-plan.js';
import { dhcpConfig, planRouter } from './router-plan.js';
import { ROUTER_LAN, ROUTER_UP, bridgeAlias, checkKey, checkReservations, nodeLabel, normalizeUdn, udnNames } from './udn-plan.js';
import type { UdnNetwork, UdnNodeOptions, UdnReservation } from './udn-plan.js';

interface LinkJson {
  ifname?: string;
  mtu?: number;
  flags?: string[];
  master?: string;
  ifalias?: string;
  linkinfo?: { info_kind?: string; info_data?: { id?: number; local?: string; port?: number; learning?: boolean; link?: string } };
  addr_info?: { family?: string; local?: string; prefixlen?: number }[];
}

interface FdbJson {
  mac?: string;
  dst?: string;
}

function toObserved(l: LinkJson): ObservedLink {
  const o: ObservedLink = { kind: l.linkinfo?.info_kind ?? '', mtu: l.mtu ?? 1500, up: (l.flags ?? []).includes('UP') };
  if (l.master !== undefined) o.master = l.master;
  if (l.ifalias !== undefined) o.alias = l.ifalias;
  const addrs = (l.addr_info ?? []).filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`);
  if (addrs.length > 0) o.addresses = addrs;
  const d = l.linkinfo?.info_data;
  if (o.kind === 'vxlan' && d !== undefined) {
    o.vxlan = {};
    if (d.id !== undefined) o.vxlan.id = d.id;
    if (d.local !== undefined) o.vxlan.local = d.local;
    if (d.port !== undefined) o.vxlan.port = d.port;
    o.vxlan.learning = d.learning === true;
    if (d.link !== undefined) o.vxlan.link = d.link;
  }
  return o;
}

async function nodeLinks(nodeNetns: string): Promise<LinkJson[]> {
  return runJson<LinkJson[]>('ip', ['-d', 'addr', 'show'], { netns: nodeNetns, timeoutMs: STEP_TIMEOUT_MS });
}

export interface UdnNodeResult {
  /** The network's bridge in the node namespace: launchers plug the VMs' veths into it. */
  bridge: string;
  /** The router namespace (gateway, SNAT, DHCP). */
  router: string;
  /** The MTU of the network (bridge, VXLAN, the VMs' NICs). */
  mtu: number;
  gatewayMac: string;
}

/**
 * Makes the node carry network `net`: bridge, VXLAN to the peers, router namespace with the distributed
 * gateway, isolation, DHCP for the reservations. Idempotent: call again when peers or reservations change.
 */
export function ensureUdnNode(nodeNetns: string, net: UdnNetwork, opts: UdnNodeOptions): Promise<UdnNodeResult> {
  return perNode(nodeNetns, () => ensure(nodeNetns, net, opts));
}

// The node tables are shared by the node's networks and removed with the last one: changes to one node
// are serialised, so a removal cannot delete them while an ensure of another network relies on them.
const nodeQueues = new KeyedSerializer();
function perNode<T>(nodeNetns: string, fn: () => Promise<T>): Promise<T> {
  return nodeQueues.run(nodeNetns, fn);
}

async function ensure(nodeNetns: string, net: UdnNetwork, opts: UdnNodeOptions): Promise<UdnNodeResult> {
  const node = nodeLabel(nodeNetns, opts);
  const links = await nodeLinks(nodeNetns);
  const uplinkName = opts.uplink ?? 'eth0';
  const uplink = links.find((l) => l.ifname === uplinkName);
  if (uplink === undefined) throw new VmNetworkError(`uplink ${uplinkName} not found in ${nodeNetns}`);
  const n = normalizeUdn(net, opts, node, uplink.mtu ?? 1500);
  const { bridge, vxlan, routerPort, transit, router } = n.names;
  const ours = new Set([bridge, vxlan, routerPort, transit]);
  const observedLinks = new Map(links.filter((l) => l.ifname !== undefined && ours.has(l.ifname)).map((l) => [l.ifname!, toObserved(l)]));
  const existed = observedLinks.has(bridge);
  let floodPeers: string[] = [];
  if (observedLinks.get(vxlan)?.kind === 'vxlan') {
    const fdb = await runJson<FdbJson[]>('bridge', ['fdb', 'show', 'dev', vxlan], { netns: nodeNetns, timeoutMs: STEP_TIMEOUT_MS });
    floodPeers = fdb.filter((e) => e.mac === ZERO_MAC && e.dst !== undefined).map((e) => e.dst!);
  }
  const observed: UdnNodeObserved = { links: observedLinks, floodPeers };
  const plan = planUdnNode(n, observed);
  const rplan = planRouter(n);
  try {
    if (!(await netnsExists(router))) await run('ip', ['netns', 'add', router], { timeoutMs: STEP_TIMEOUT_MS });
    await sysctlWrite(router, rplan.sysctls);
    // A veth made anew must not meet a leftover router end of the same name.
    const creates = (name: string): boolean => plan.ip.some((l) => l[0] === 'link' && l[1] === 'add' && l[2] === name);
    for (const [nodeEnd, routerEnd] of [[routerPort, ROUTER_LAN], [transit, ROUTER_UP]] as const) {
      if (creates(nodeEnd)) await run('ip', ['link', 'del', routerEnd], { netns: router, allowFailure: true, timeoutMs: STEP_TIMEOUT_MS });
    }
    await ipBatch(nodeNetns, [...plan.del, ...plan.ip]);
    await bridgeBatch(nodeNetns, plan.bridge);
    await ipBatch(router, rplan.ip);
    await nftApply(router, rplan.nft);
    await sysctlWrite(nodeNetns, plan.sysctls);
    await nftApply(nodeNetns, renderNodeNft(n.uplink, n.clusterCidr));
    await applyDhcpNetwork(dhcpPaths(opts.runDir, opts.prefix, node), nodeNetns, n.vni, dhcpConfig(n));
  } catch (e) {
    if (!existed) await removeByVni(nodeNetns, n.vni, opts, node).catch(() => undefined);
    throw e;
  }
  return { bridge, router, mtu: n.mtu, gatewayMac: n.gatewayMac };
}

export type UdnRemoveOptions = Pick<UdnNodeOptions, 'prefix' | 'runDir' | 'node'>;

async function dhcpConfigs(opts: UdnRemoveOptions, node: string): Promise<DhcpNetworkConfig[]> {
  const { dir } = dhcpPaths(opts.runDir, opts.prefix, node);
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => /^\d+\.json$/.test(f));
  } catch {
    return [];
  }
  const out: DhcpNetworkConfig[] = [];
  for (const f of files) {
    try {
      out.push(JSON.parse(await readFile(join(dir, f), 'utf8')) as DhcpNetworkConfig);
    } catch { /* half-written by a crash: the bridge alias still names the network */ }
  }
  return out;
}

/** The VNI of network `key` on the node, from its bridge's alias or its DHCP configuration. */
async function findVni(nodeNetns: string, key: string, opts: UdnRemoveOptions, node: string): Promise<number | undefined> {
  const alias = bridgeAlias(key);
  if (await netnsExists(nodeNetns)) {
    const links = await runJson<LinkJson[]>('ip', ['-d', 'link', 'show', 'type', 'bridge'], { netns: nodeNetns, timeoutMs: STEP_TIMEOUT_MS });
    const b = links.find((l) => l.ifalias === alias && /^vnu[0-9a-f]+$/.test(l.ifname ?? ''));
    if (b !== undefined) return parseInt(b.ifname!.slice(3), 16);
  }
  return (await dhcpConfigs(opts, node)).find((c) => c.key === key)?.vni;
}

async function removeByVni(nodeNetns: string, vni: number, opts: UdnRemoveOptions, node: string): Promise<void> {
  const names = udnNames(vni, opts.prefix, node);
  // The daemon's socket keeps the router namespace alive: it goes first.
  await applyDhcpNetwork(dhcpPaths(opts.runDir, opts.prefix, node), nodeNetns, vni, undefined);
  if (await netnsExists(nodeNetns)) {
    // Deleting one end of a veth deletes both, wherever the other end is.
    for (const l of [names.routerPort, names.transit, names.vxlan, names.bridge]) {
      await run('ip', ['link', 'del', l], { netns: nodeNetns, allowFailure: true, timeoutMs: STEP_TIMEOUT_MS });
    }
    const left = await runJson<LinkJson[]>('ip', ['link', 'show', 'type', 'bridge'], { netns: nodeNetns, timeoutMs: STEP_TIMEOUT_MS });
    if (!left.some((l) => /^vnu[0-9a-f]+$/.test(l.ifname ?? ''))) await nftApply(nodeNetns, renderNodeNftRemove());
  }
  if (await netnsExists(names.router)) await run('ip', ['netns', 'del', names.router], { allowFailure: true, timeoutMs: STEP_TIMEOUT_MS });
}

/** Removes network `key` from the node: links, router namespace, DHCP; the node tables with the last one. Idempotent. */
export async function removeUdnNode(nodeNetns: string, key: string, opts: UdnRemoveOptions): Promise<void> {
  checkKey(key);
  checkPrefix(opts.prefix);
  const node = nodeLabel(nodeNetns, opts);
  return perNode(nodeNetns, async () => {
    const vni = await findVni(nodeNetns, key, opts, node);
    if (vni !== undefined) await removeByVni(nodeNetns, vni, opts, node);
  });
}

/** Replaces the network's DHCP reservations; the daemon serves them without a restart. */
export async function setReservations(nodeNetns: string, key: string, reservations: readonly UdnReservation[],
  opts: UdnRemoveOptions): Promise<void> {
  checkKey(key);
  checkPrefix(opts.prefix);
  const node = nodeLabel(nodeNetns, opts);
  return perNode(nodeNetns, async () => {
    const cfg = (await dhcpConfigs(opts, node)).find((c) => c.key === key);
    if (cfg === undefined) throw new VmNetworkError(`network ${key} is not set up on node ${node}`);
    const subnet = parseCidr(cfg.subnet);
    if (subnet === undefined) throw new VmNetworkError(`network ${key}: unreadable DHCP configuration`);
    const checked = checkReservations(reservations, subnet, cfg.gateway);
    await applyDhcpNetwork(dhcpPaths(opts.runDir, opts.prefix, node), nodeNetns, cfg.vni, { ...cfg, reservations: checked });
  });
}
