// The router namespace of a Layer2 UDN on one node (udn-plan.ts draws it): the network's gateway, its
// SNAT to the transit address, its firewall, and the DHCP server's address. Pure.

import { formatIpv4, lastAddress } from '../../common/ipv4.js';
import type { DhcpNetworkConfig } from './dhcp-responder.js';
import { DHCP_SERVER_ID, ROUTER_LAN, ROUTER_UP, UDN_LEASE_SECONDS, maskOf } from './udn-plan.js';
import type { NormalizedUdn } from './udn-plan.js';

export const ROUTER_NFT_TABLE = 'vn_udn_router';

export interface RouterPlan {
  /** Written before the veths enter, so they are born without IPv6. */
  sysctls: string[];
  ip: string[][];
  nft: string;
}

export function planRouter(n: NormalizedUdn): RouterPlan {
  const m = String(n.mtu);
  return {
    sysctls: ['net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1', 'net.ipv4.ip_forward=1'],
    ip: [
      ['link', 'set', 'lo', 'up'],
      // Every node's gateway has this MAC: a VM that moves keeps a valid ARP entry for its gateway.
      ['link', 'set', ROUTER_LAN, 'address', n.gatewayMac, 'mtu', m],
      ['link', 'set', ROUTER_UP, 'mtu', m],
      ['addr', 'replace', `${n.gateway}/${n.subnet.prefix}`, 'dev', ROUTER_LAN],
      ['addr', 'replace', `${n.transit.router}/31`, 'dev', ROUTER_UP],
      // The DHCP server identifier: renewals are unicast to it, through the gateway.
      ['addr', 'replace', `${DHCP_SERVER_ID}/32`, 'dev', 'lo'],
      ['link', 'set', ROUTER_LAN, 'up'],
      ['link', 'set', ROUTER_UP, 'up'],
      ['route', 'replace', 'default', 'via', n.transit.node, 'dev', ROUTER_UP],
      // The DHCP server answers clients without an address by broadcast; the default route would send
      // 255.255.255.255 towards the node.
      ['route', 'replace', '255.255.255.255/32', 'dev', ROUTER_LAN],
    ],
    nft: renderRouterNft(n),
  };
}

export function renderRouterNft(n: NormalizedUdn): string {
  const t = `ip ${ROUTER_NFT_TABLE}`;
  return [
    `add table ${t}`,
    `delete table ${t}`,
    `table ${t} {`,
    '  chain input {',
    '    type filter hook input priority filter; policy drop;',
    '    iifname "lo" accept',
    '    ct state established,related accept',
    `    iifname "${ROUTER_LAN}" udp dport 67 accept`,
    `    iifname "${ROUTER_LAN}" ip daddr ${n.gateway} icmp type echo-request accept`,
    '  }',
    '  chain forward {',
    // Out: the subnet, to the node (which lets it out of the uplink only). In: replies only.
    '    type filter hook forward priority filter; policy drop;',
    `    iifname "${ROUTER_LAN}" oifname "${ROUTER_UP}" ip saddr ${n.subnetText} accept`,
    `    iifname "${ROUTER_UP}" oifname "${ROUTER_LAN}" ct state established,related accept`,
    '  }',
    '  chain postrouting {',
    '    type nat hook postrouting priority srcnat; policy accept;',
    `    oifname "${ROUTER_UP}" ip saddr ${n.subnetText} snat to ${n.transit.router}`,
    '  }',
    '}',
    '',
  ].join('\n');
}

/** What the node's DHCP daemon serves on this network (OVN's options for VMs on a Layer2 UDN). */
export function dhcpConfig(n: NormalizedUdn): DhcpNetworkConfig {
  return {
    key: n.key,
    vni: n.vni,
    routerNetns: n.names.router,
    serverId: DHCP_SERVER_ID,
    subnet: n.subnetText,
    gateway: n.gateway,
    subnetMask: maskOf(n.subnet.prefix),
    broadcast: formatIpv4(lastAddress(n.subnet)),
    mtu: n.mtu,
    dns: n.dns,
    leaseSeconds: UDN_LEASE_SECONDS,
    reservations: n.reservations.map((r) => ({ ...r })),
  };
}
