// Layer2 UDN data plane of a node (docs/architecture.md §5 "Layer2 UDN"). The agent calls:
//
//   ensureUdnNode(nodeNetns, net, opts) → {bridge, router, mtu}   when the node gets the network, and again
//                                                                   when its peers or reservations change
//   setReservations(nodeNetns, key, reservations, opts)            DHCP reservations only (no restart)
//   removeUdnNode(nodeNetns, key, opts)                            when the node no longer hosts it
//
// A launcher plugs a VM NIC on the network into `bridge` with the returned MTU; the VM gets its reserved
// address, gateway, DNS, MTU and hostname by DHCP.

export { ensureUdnNode, removeUdnNode, setReservations } from './udn-node.js';
export type { UdnNodeResult, UdnRemoveOptions } from './udn-node.js';
export { DHCP_SERVER_ID, MAX_VNI, UDN_LEASE_SECONDS, VXLAN_OVERHEAD, gatewayMac, transitPair, udnNames } from './udn-plan.js';
export type { UdnNetwork, UdnNodeOptions, UdnReservation } from './udn-plan.js';
export { dhcpPaths, stopDhcpDaemon } from './dhcp-control.js';
