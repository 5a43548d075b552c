// Creates and removes a VM's launcher namespace with its NIC plumbing (launcher-plan.ts says what). A
// setup either completes or leaves nothing behind: a failure part-way tears down what it made.

import { mkdir, rm } from 'node:fs/promises';
import { CommandError, run, runJson } from '../netns.js';
import { detectCapabilities } from '../nmstate/capabilities.js';
import { stopByPidFile } from './daemon.js';
import { VmNetworkError } from './error.js';
import { bridgeBatch, ipBatch, netnsExists, nftApply, nftListJson, STEP_TIMEOUT_MS, sysctlWrite } from './exec.js';
import { launcherFiles, launcherNetns, nodeSideIfName, planLauncher, planNicHotplug, validateLauncherSpec }
  from './launcher-plan.js';
import type { LauncherFacts, LauncherNic, LauncherNicResult, LauncherResult, LauncherSpec, NodeBridgeFact }
  from './launcher-plan.js';
import { MACSPOOF_TABLE, macspoofPortsTagged, renderMacspoofRemove } from './macspoof-plan.js';
import { checkPrefix, checkVmid } from './names.js';

interface IpLinkJson {
  ifindex?: number;
  /** A veth's peer, in the namespace `link_netnsid` names. */
  link_index?: number;
  ifname?: string;
  mtu?: number;
  linkinfo?: { info_kind?: string; info_data?: { vlan_filtering?: number } };
}

async function readBridge(nodeNetns: string, name: string): Promise<NodeBridgeFact | undefined> {
  const links = await runJson<IpLinkJson[]>('ip', ['-d', 'link', 'show', 'dev', name],
    { netns: nodeNetns, allowFailure: true, timeoutMs: STEP_TIMEOUT_MS });
  const l = links[0];
  if (l === undefined) return undefined;
  const kind = l.linkinfo?.info_kind ?? '';
  if (kind !== 'bridge') return { kind: 'other', linkKind: kind };
  return { kind: 'bridge', mtu: l.mtu ?? 1500, vlanFiltering: l.linkinfo?.info_data?.vlan_filtering === 1 };
}

async function readFacts(spec: LauncherSpec): Promise<LauncherFacts> {
  const needs = validateLauncherSpec(spec);
  const bridges = new Map<string, NodeBridgeFact>();
  for (const b of needs.bridges) {
    const f = await readBridge(spec.nodeNetns, b);
    if (f !== undefined) bridges.set(b, f);
  }
  const facts: LauncherFacts = { bridges };
  if (needs.vlan) {
    // Tried on a scratch bridge in a scratch namespace under the caller's prefix, so a probe cut short
    // by a kill is still removed with the lab.
    const caps = await detectCapabilities({ scratchNetns: `${spec.prefix}cap-${process.pid}` });
    facts.vlanFilteringSupported = caps.bridgeVlanFiltering;
  }
  return facts;
}

/**
 * Creates the launcher namespace `<prefix>l-<vmid>` with one veth per NIC into the node and the in-launcher
 * bridges the runtime attaches the VM to. Throws VmNetworkError when the node cannot host the NICs (a NAD
 * bridge missing, VLANs without kernel support) or when the launcher already exists.
 */
export async function setupLauncher(spec: LauncherSpec): Promise<LauncherResult> {
  const plan = planLauncher(spec, await readFacts(spec));
  const ns = plan.netns;
  try {
    await run('ip', ['netns', 'add', ns], { timeoutMs: STEP_TIMEOUT_MS });
  } catch (e) {
    if (e instanceof CommandError && /exists/i.test(e.stderr)) {
      throw new VmNetworkError(`launcher namespace ${ns} already exists (tear the launcher down first)`,
        'launcher-exists');
    }
    throw e;
  }
  try {
    await sysctlWrite(ns, plan.launcherSysctls);
    await ipBatch(spec.nodeNetns, plan.nodeIp);
    await bridgeBatch(spec.nodeNetns, plan.nodeBridge);
    await ipBatch(ns, plan.launcherIp);
    if (plan.launcherNft !== undefined) await nftApply(ns, plan.launcherNft);
    if (plan.nodeNft !== undefined) await nftApply(spec.nodeNetns, plan.nodeNft);
    if (plan.dnsmasq !== undefined) {
      const d = plan.dnsmasq;
      await mkdir(spec.runDir, { recursive: true });
      await Promise.all([d.pidFile, d.leaseFile, d.logFile].map((f) => rm(f, { force: true })));
      const [cmd, ...args] = d.argv as [string, ...string[]];
      // dnsmasq forks into the background once it is listening; the pid file is written by then.
      await run(cmd, args, { netns: ns, timeoutMs: STEP_TIMEOUT_MS });
    }
  } catch (e) {
    await teardownLauncher({ prefix: spec.prefix, vmid: spec.vmid, nodeNetns: spec.nodeNetns, runDir: spec.runDir,
      nicNames: spec.nics.map((n) => n.name) }).catch(() => undefined);
    throw e;
  }
  return plan.result;
}

export interface LauncherTeardown {
  prefix: string;
  vmid: string;
  nodeNetns: string;
  runDir: string;
  /**
   * The VM's interface names, if known: their node-side veths are deleted by name too. Without them the
   * veths still go with the launcher namespace, unless a process (a runtime not yet stopped) holds it.
   */
  nicNames?: readonly string[];
}

const POD_SIDE = /^(eth0|net\d+)$/;

/**
 * Removes the launcher namespace, its veths (both ends), its MAC spoof elements and its DHCP server.
 * Idempotent; touches nothing that is not this launcher's.
 */
export async function teardownLauncher(t: LauncherTeardown): Promise<void> {
  checkPrefix(t.prefix);
  checkVmid(t.vmid);
  const ns = launcherNetns(t.prefix, t.vmid);
  const files = launcherFiles(t.runDir, ns);
  await stopByPidFile(files.pid, `--pid-file=${files.pid}`);
  await Promise.all([files.pid, files.leases, files.log].map((f) => rm(f, { force: true })));

  if (await netnsExists(ns)) {
    // Deleting the launcher's ends deletes the pairs, node side included, even while a process still
    // holds the namespace open.
    const links = await runJson<IpLinkJson[]>('ip', ['link', 'show', 'type', 'veth'], { netns: ns, allowFailure: true });
    const ours = links.map((l) => l.ifname ?? '').filter((n) => POD_SIDE.test(n));
    for (const n of ours) await run('ip', ['link', 'del', n], { netns: ns, allowFailure: true });
    await run('ip', ['netns', 'del', ns], { allowFailure: true, timeoutMs: STEP_TIMEOUT_MS });
  }

  if (!(await netnsExists(t.nodeNetns))) return;
  const listing = await nftListJson(t.nodeNetns, ['table', 'bridge', MACSPOOF_TABLE]);
  const tagged = listing === undefined ? [] : macspoofPortsTagged(listing, ns);
  if (tagged.length > 0) await nftApply(t.nodeNetns, renderMacspoofRemove(tagged));
  const candidates = new Set([...tagged.map((p) => p.port), ...(t.nicNames ?? []).map((n) => nodeSideIfName(ns, n))]);
  if (candidates.size > 0) {
    const links = await runJson<IpLinkJson[]>('ip', ['link', 'show', 'type', 'veth'], { netns: t.nodeNetns, allowFailure: true });
    for (const l of links) {
      if (l.ifname !== undefined && candidates.has(l.ifname)) {
        await run('ip', ['link', 'del', l.ifname], { netns: t.nodeNetns, allowFailure: true });
      }
    }
  }
}

/** A launcher as hot plug needs it: the spec without its NICs. */
export type LauncherRef = Omit<LauncherSpec, 'nics'>;

/**
 * Plugs one more bridge-binding NIC into a running launcher; the runtime then hot plugs the VM's side
 * onto the returned bridge. Undone (by removeLauncherNic) if it fails part-way.
 */
export async function addLauncherNic(ref: LauncherRef, nic: LauncherNic): Promise<LauncherNicResult> {
  const spec: LauncherSpec = { ...ref, nics: [nic] };
  const facts = await readFacts(spec);
  const ns = launcherNetns(ref.prefix, ref.vmid);
  if (!(await netnsExists(ns))) throw new VmNetworkError(`launcher namespace ${ns} does not exist`);
  const host = nodeSideIfName(ns, nic.name);
  const there = await runJson<IpLinkJson[]>('ip', ['link', 'show', 'dev', host], { netns: ref.nodeNetns, allowFailure: true });
  if (there.length > 0) throw new VmNetworkError(`interface ${nic.name} is already plugged into ${ns}`);
  const links = (await runJson<IpLinkJson[]>('ip', ['link', 'show'], { netns: ns })).map((l) => l.ifname ?? '');
  const plan = planNicHotplug(spec, nic, facts, links);
  try {
    await ipBatch(ref.nodeNetns, plan.nodeIp);
    await bridgeBatch(ref.nodeNetns, plan.nodeBridge);
    await ipBatch(ns, plan.launcherIp);
    if (plan.nodeNft !== undefined) await nftApply(ref.nodeNetns, plan.nodeNft);
  } catch (e) {
    await removeLauncherNic(ref, nic.name).catch(() => undefined);
    throw e;
  }
  return plan.nic;
}

/**
 * Unplugs a bridge-binding NIC (KubeVirt `state: absent`): its veth pair, its in-launcher bridge and its
 * MAC spoof elements. Idempotent. The runtime should have unplugged the VM's side first.
 */
export async function removeLauncherNic(ref: Pick<LauncherRef, 'prefix' | 'vmid' | 'nodeNetns'>, nicName: string): Promise<void> {
  checkPrefix(ref.prefix);
  checkVmid(ref.vmid);
  const ns = launcherNetns(ref.prefix, ref.vmid);
  const host = nodeSideIfName(ns, nicName);
  const [link] = await runJson<IpLinkJson[]>('ip', ['link', 'show', 'dev', host], { netns: ref.nodeNetns, allowFailure: true });
  if (link !== undefined && await netnsExists(ns)) {
    const peer = (await runJson<IpLinkJson[]>('ip', ['link', 'show'], { netns: ns })).find((l) => l.ifindex === link.link_index);
    await run('ip', ['link', 'del', host], { netns: ref.nodeNetns, allowFailure: true });
    if (peer?.ifname !== undefined && /^net\d+$/.test(peer.ifname)) {
      await run('ip', ['link', 'del', `k6t-${peer.ifname}`], { netns: ns, allowFailure: true });
    }
  } else if (link !== undefined) {
    await run('ip', ['link', 'del', host], { netns: ref.nodeNetns, allowFailure: true });
  }
  const listing = await nftListJson(ref.nodeNetns, ['table', 'bridge', MACSPOOF_TABLE]);
  const mine = listing === undefined ? [] : macspoofPortsTagged(listing, ns).filter((p) => p.port === host);
  if (mine.length > 0) await nftApply(ref.nodeNetns, renderMacspoofRemove(mine));
}
