// The VM network data plane of a node (docs/architecture.md §5): the node's pod network, a launcher
// namespace per VM with its NICs, and the bridge capacity the node advertises. The agent's VM role calls:
//
//   ensurePodNetwork(nodeNetns, {slice, peers})     once per node and whenever the node list changes
//   setupLauncher(spec) → {netns, nics}             before the runtime starts the VM (NicLaunch.bridge/ip)
//   addLauncherNic / removeLauncherNic              hot plug / unplug of a bridge-binding NIC
//   teardownLauncher({prefix, vmid, nodeNetns, …})  after the runtime stopped it
//   readBridgeCapacity(nodeNetns) / bridgeCapacity  for status.capacity / allocatable

export { VmNetworkError } from './error.js';
export type { VmNetworkErrorCode } from './error.js';
export { ensurePodNetwork, removePodNetwork } from './pod-network.js';
export type { PodNetworkResult } from './pod-network.js';
export { DEFAULT_CLUSTER_CIDR, DEFAULT_HOST_PREFIX, POD_BRIDGE, podAddress, podGateway, podSlice, sliceCount }
  from './pod-network-plan.js';
export type { PodNetworkSpec, PodPeer, PodRoute } from './pod-network-plan.js';
export { addLauncherNic, removeLauncherNic, setupLauncher, teardownLauncher } from './launcher.js';
export type { LauncherRef, LauncherTeardown } from './launcher.js';
export { MASQ_BRIDGE, MASQ_GATEWAY, MASQ_GUEST, launcherNetns, nodeSideIfName } from './launcher-plan.js';
export type { BridgeNadNicNetwork, GuestIp, LauncherNic, LauncherNicResult, LauncherResult, LauncherSpec, PodNicNetwork }
  from './launcher-plan.js';
export { BRIDGE_RESOURCE_PREFIX, bridgeCapacity, bridgeCapacityPatch, readBridgeCapacity } from './bridge-marker.js';
export type { NodeLink } from './bridge-marker.js';
