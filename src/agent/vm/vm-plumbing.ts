// The node side of a VMI's networking as the VM handler sees it: the node's pod network, and per VMI a
// launcher namespace (KubeVirt's virt-launcher pod) whose bridges the VM runtime attaches to.
// Implemented on src/agent/vm-network (kernel: iproute2 + nftables).
import type { PlannedNic } from './vmi-launch-plan.js';
import type { NicLaunch } from '../../runtime/runtime.js';

export interface PodNetworkInput {
  /** This node's slice of the cluster network (Node.spec.podCIDR). */
  slice: string;
  /** The other nodes: their slice and machine-network address. */
  peers: { slice: string; address: string }[];
}

export interface LauncherNic {
  planned: PlannedNic;
  /** For masquerade: the pod IP this VMI holds on the node's slice. */
  podIp?: string;
  /** For a UDN NIC: the network's bridge on this node and its MTU (from ensureUdn). */
  udn?: { bridge: string; mtu: number };
}

export interface UdnNetworkInput {
  /** The network's name (`<ns>.<udn>` or `cluster.udn.<cudn>`): one L2 domain per name. */
  key: string;
  vni: number;
  subnet: string;
  gateway: string;
  mtu?: number;
  /** Machine-network addresses of the other nodes. */
  peers: string[];
  /** This node's machine-network address. */
  localIP: string;
  /** DHCP reservations of this node's VMs on the network. */
  reservations: { mac: string; ip: string; hostname: string }[];
}

export interface LauncherResult {
  /** The launcher namespace: the runtime's hostNetns. */
  netns: string;
  /** NicLaunch for the runtime, in the order given. */
  nics: NicLaunch[];
}

export interface VmPlumbing {
  ensurePodNetwork(input: PodNetworkInput): Promise<void>;
  /** Creates (or completes) the launcher namespace for a VMI; `guestDhcp` when the guest configures NICs by DHCP. */
  setupLauncher(vmid: string, nics: LauncherNic[], guestDhcp: boolean): Promise<LauncherResult>;
  /** Adds one NIC to an existing launcher (hot plug). */
  addLauncherNic(vmid: string, nic: LauncherNic, index: number, guestDhcp: boolean): Promise<NicLaunch>;
  teardownLauncher(vmid: string): Promise<void>;
  /** Launcher ids present on this node (for garbage collection after a crash). */
  listLaunchers(): Promise<string[]>;
  /** Layer2 UDN on this node: bridge + VXLAN, distributed gateway, SNAT egress, isolation, DHCP reservations. */
  ensureUdn(net: UdnNetworkInput): Promise<{ bridge: string; mtu: number }>;
  /** bridge-marker: `bridge.network.kubevirt.io/<bridge>` → quantity, for the node's bridges. */
  bridgeCapacity(): Promise<Record<string, string>>;
}
