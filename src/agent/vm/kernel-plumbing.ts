// VmPlumbing on the node's kernel: src/agent/vm-network (iproute2, nftables, dnsmasq).
import { run } from '../netns.js';
import type { NicLaunch } from '../../runtime/runtime.js';
import { join } from 'node:path';
import type { VmPlumbing, LauncherNic as HandlerNic, LauncherResult, PodNetworkInput, UdnNetworkInput } from './vm-plumbing.js';
import { ensureUdnNode } from '../udn/index.js';
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

export class KernelPlumbing implements VmPlumbing {
  private slice: string | undefined;

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
    const out = await run('ip', ['netns', 'list']);
    const head = `${this.opts.prefix}l-`;
    return out.stdout.split('\n').map((l) => l.split(' ')[0] ?? '').filter((n) => n.startsWith(head)).map((n) => n.slice(head.length));
  }

  async ensureUdn(net: UdnNetworkInput): Promise<{ bridge: string; mtu: number }> {
    const r = await ensureUdnNode(this.opts.nodeNetns, {
      key: net.key, vni: net.vni, subnet: net.subnet, gateway: net.gateway, peers: net.peers, reservations: net.reservations,
      ...(net.mtu !== undefined ? { mtu: net.mtu } : {}),
    }, { prefix: this.opts.prefix, runDir: join(this.opts.runDir, 'udn'), localIP: net.localIP, node: this.opts.node });
    return { bridge: r.bridge, mtu: r.mtu };
  }

  bridgeCapacity(): Promise<Record<string, string>> {
    return readBridgeCapacity(this.opts.nodeNetns);
  }
}
