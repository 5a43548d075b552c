// VmPlumbing on the node's kernel: src/agent/vm-network (iproute2, nftables, dnsmasq).
import { readdir } from 'node:fs/promises';
import { NETNS_DIR } from '../netns.js';
import type { NicLaunch } from '../../runtime/runtime.js';
import { join } from 'node:path';
import type { VmPlumbing, LauncherNic as HandlerNic, LauncherResult, PodNetworkInput, UdnNetworkInput } from './vm-plumbing.js';
import { ensureUdnNode, setReservations } from '../udn/index.js';
import {
  addLauncherNic, ensurePodNetwork, setupLauncher, teardownLauncher, readBridgeCapacity, podGateway,
  type LauncherNic, type LauncherNicResult,
} from '../vm-network/index.js';

export interface KernelPlumbingOptions {
  node: string;
  nodeNetns: string;
  /** Prefix of the launcher namespaces (`vn-<labid>-` in the lab). */
  prefix: string;
  /** Directory for the launchers' dnsmasq files. */
  runDir: string;
}

/** How long a UDN brought up on the node is trusted without reading the kernel again. */
const UDN_RECHECK_MS = 30_000;

export class KernelPlumbing implements VmPlumbing {
  private slice: string | undefined;
  private readonly udnUp = new Map<string, { shape: string; at: number; result: { bridge: string; mtu: number } }>();

  constructor(private readonly opts: KernelPlumbingOptions) {}

  async ensurePodNetwork(input: PodNetworkInput): Promise<void> {
    this.slice = input.slice;
    await ensurePodNetwork(this.opts.nodeNetns, { slice: input.slice, peers: input.peers.map((p) => ({ slice: p.slice, nodeIP: p.address })) });
  }

  private toLauncherNic(n: HandlerNic): LauncherNic {
    const p = n.planned;
    if (p.binding === 'masquerade') {
      if (!this.slice || !n.podIp) throw new Error(`node ${this.opts.node}: the pod network is not set up yet`);
      return { name: p.name, mac: p.mac, binding: 'masquerade', network: { kind: 'pod', podIP: n.podIp, podCIDR: this.slice, gateway: podGateway(this.slice) } };
    }
    if (p.binding === 'udn') {
      if (!n.udn) throw new Error(`interface ${p.name}: the network ${p.network.config.name} is not set up on node ${this.opts.node}`);
      // A UDN NIC is a bridge port on the network's bridge; the MAC spoof check keeps VMs to their own MAC.
      return { name: p.name, mac: p.mac, binding: 'bridge', network: { kind: 'bridge-nad', bridge: n.udn.bridge, macspoofchk: true, mtu: n.udn.mtu } };
    }
    const c = p.network.config;
    return {
      name: p.name, mac: p.mac, binding: 'bridge',
      network: {
        kind: 'bridge-nad', bridge: c.bridge, macspoofchk: c.macspoofchk, preserveDefaultVlan: c.preserveDefaultVlan,
        ...(c.vlan !== undefined ? { vlan: c.vlan } : {}), ...(c.mtu !== undefined ? { mtu: c.mtu } : {}),
      },
    };
  }

  private nicLaunch(n: HandlerNic, r: LauncherNicResult, index: number): NicLaunch {
    return {
      name: n.planned.name, mac: n.planned.mac, model: n.planned.model,
      // The runtime's end in the launcher: unique there, ≤ 15 bytes.
      hostIfName: `tap${index}`,
      bridge: r.bridge, ip: r.ip,
    };
  }

  async setupLauncher(vmid: string, nics: HandlerNic[], guestDhcp: boolean): Promise<LauncherResult> {
    const res = await setupLauncher({
      prefix: this.opts.prefix, vmid, node: this.opts.node, nodeNetns: this.opts.nodeNetns,
      nics: nics.map((n) => this.toLauncherNic(n)), guestDhcp, runDir: this.opts.runDir,
    });
    return { netns: res.netns, nics: res.nics.map((r, i) => this.nicLaunch(nics[i]!, r, i)) };
  }

  async addLauncherNic(vmid: string, nic: HandlerNic, index: number, guestDhcp: boolean): Promise<NicLaunch> {
    const r = await addLauncherNic({
      prefix: this.opts.prefix, vmid, node: this.opts.node, nodeNetns: this.opts.nodeNetns, guestDhcp, runDir: this.opts.runDir,
    }, this.toLauncherNic(nic));
    return this.nicLaunch(nic, r, index);
  }

  async teardownLauncher(vmid: string): Promise<void> {
    await teardownLauncher({ prefix: this.opts.prefix, vmid, nodeNetns: this.opts.nodeNetns, runDir: this.opts.runDir });
  }

  async listLaunchers(): Promise<string[]> {
    // The directory, as `ip netns list` reads it, without that command's netlink call per namespace.
    const names = await readdir(NETNS_DIR).catch((): string[] => []);
    const head = `${this.opts.prefix}l-`;
    return names.filter((n) => n.startsWith(head)).map((n) => n.slice(head.length));
  }

  /**
   * A network brought up here recently with the same shape (everything but its reservations) only gets its
   * reservations handed to the DHCP daemon: a full ensure reads and rewrites links, FDB, nft and sysctls,
   * a dozen processes, and every VM launch on the network asks for it. After UDN_RECHECK_MS the next launch
   * checks the kernel again in full.
   */
  async ensureUdn(net: UdnNetworkInput): Promise<{ bridge: string; mtu: number }> {
    const opts = { prefix: this.opts.prefix, runDir: join(this.opts.runDir, 'udn'), node: this.opts.node };
    const shape = JSON.stringify({ ...net, reservations: [] });
    const up = this.udnUp.get(net.key);
    if (up !== undefined && up.shape === shape && Date.now() - up.at < UDN_RECHECK_MS) {
      try {
        await setReservations(this.opts.nodeNetns, net.key, net.reservations, opts);
        return up.result;
      } catch {
        this.udnUp.delete(net.key);
      }
    }
    const r = await ensureUdnNode(this.opts.nodeNetns, {
      key: net.key, vni: net.vni, subnet: net.subnet, gateway: net.gateway, peers: net.peers, reservations: net.reservations,
      ...(net.mtu !== undefined ? { mtu: net.mtu } : {}),
    }, { ...opts, localIP: net.localIP });
    const result = { bridge: r.bridge, mtu: r.mtu };
    this.udnUp.set(net.key, { shape, at: Date.now(), result });
    return result;
  }

  bridgeCapacity(): Promise<Record<string, string>> {
    return readBridgeCapacity(this.opts.nodeNetns);
  }
}
