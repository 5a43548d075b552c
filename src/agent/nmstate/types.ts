// nmstate state in its YAML shape: kebab-case keys exactly as `nmstatectl show` prints them and as an NNCP's
// `desiredState` holds them (nmstate rust/src/lib/{net_state,iface,ip,route,route_rule,dns}.rs, ifaces/*.rs).

export type InterfaceState = 'up' | 'down' | 'absent' | 'ignore';

/** Kinds this engine can configure; `unknown` is a desired interface whose type comes from current state. */
export type InterfaceType =
  | 'ethernet' | 'linux-bridge' | 'veth' | 'vxlan' | 'vlan' | 'bond' | 'dummy' | 'loopback' | 'unknown';

export const SUPPORTED_TYPES: readonly InterfaceType[] = [
  'ethernet', 'linux-bridge', 'veth', 'vxlan', 'vlan', 'bond', 'dummy', 'loopback', 'unknown',
];

export interface IpAddress {
  ip: string;
  'prefix-length': number;
}

export interface InterfaceIp {
  enabled?: boolean;
  dhcp?: boolean;
  /** IPv6 only: router advertisements (SLAAC). */
  autoconf?: boolean;
  address?: IpAddress[];
  'auto-dns'?: boolean;
  'auto-gateway'?: boolean;
  'auto-routes'?: boolean;
  'auto-route-table-id'?: number;
  'auto-route-metric'?: number;
  'allow-extra-address'?: boolean;
}

export interface BaseInterface {
  name: string;
  type?: InterfaceType;
  state?: InterfaceState;
  mtu?: number;
  'mac-address'?: string;
  'accept-all-mac-addresses'?: boolean;
  'copy-mac-from'?: string;
  description?: string;
  /** Omitted: unchanged; `""`: detach from the controller. */
  controller?: string;
  ipv4?: InterfaceIp;
  ipv6?: InterfaceIp;
}

export interface EthernetInterface extends BaseInterface {
  type?: 'ethernet';
  ethernet?: { 'auto-negotiation'?: boolean; speed?: number; duplex?: 'full' | 'half' };
}

export interface StpOptions {
  enabled?: boolean;
  'forward-delay'?: number;
  'hello-time'?: number;
  'max-age'?: number;
  priority?: number;
}

export interface LinuxBridgeOptions {
  stp?: StpOptions;
  'group-forward-mask'?: number;
  'mac-ageing-time'?: number;
  'multicast-snooping'?: boolean;
  'vlan-protocol'?: '802.1q' | '802.1ad';
  'vlan-default-pvid'?: number;
}

export type TrunkTag = { id: number } | { 'id-range': { min: number; max: number } };

export interface BridgePortVlan {
  mode?: 'trunk' | 'access';
  tag?: number;
  'enable-native'?: boolean;
  'trunk-tags'?: TrunkTag[];
}

export interface LinuxBridgePort {
  name: string;
  'stp-hairpin-mode'?: boolean;
  'stp-path-cost'?: number;
  'stp-priority'?: number;
  vlan?: BridgePortVlan;
}

export interface LinuxBridgeInterface extends BaseInterface {
  type?: 'linux-bridge';
  bridge?: { options?: LinuxBridgeOptions; port?: LinuxBridgePort[] };
}

export interface VethInterface extends BaseInterface {
  type?: 'veth';
  veth?: { peer: string };
}

export interface VxlanInterface extends BaseInterface {
  type?: 'vxlan';
  vxlan?: { id?: number; 'base-iface'?: string; remote?: string; local?: string; 'destination-port'?: number };
}

export interface VlanInterface extends BaseInterface {
  type?: 'vlan';
  vlan?: { 'base-iface'?: string; id?: number; protocol?: '802.1q' | '802.1ad' };
}

export interface BondPortConfig {
  name: string;
  priority?: number;
  'queue-id'?: number;
}

export interface BondInterface extends BaseInterface {
  type?: 'bond';
  'link-aggregation'?: {
    mode?: string;
    options?: Record<string, string | number | boolean>;
    port?: string[];
    'ports-config'?: BondPortConfig[];
  };
}

export interface DummyInterface extends BaseInterface {
  type?: 'dummy';
}

export interface LoopbackInterface extends BaseInterface {
  type?: 'loopback';
}

export type Interface =
  | EthernetInterface | LinuxBridgeInterface | VethInterface | VxlanInterface | VlanInterface | BondInterface
  | DummyInterface | LoopbackInterface;

/** Every kind-specific section, for code that handles interfaces generically. */
export type AnyInterface = BaseInterface & {
  ethernet?: EthernetInterface['ethernet'];
  bridge?: LinuxBridgeInterface['bridge'];
  veth?: VethInterface['veth'];
  vxlan?: VxlanInterface['vxlan'];
  vlan?: VlanInterface['vlan'];
  'link-aggregation'?: BondInterface['link-aggregation'];
};

export interface RouteEntry {
  destination?: string;
  'next-hop-interface'?: string;
  'next-hop-address'?: string;
  metric?: number;
  /** 0 means the main table (254). */
  'table-id'?: number;
  weight?: number;
  'route-type'?: 'blackhole' | 'unreachable' | 'prohibit';
  source?: string;
  cwnd?: number;
  state?: 'absent';
}

export interface RouteRuleEntry {
  'ip-from'?: string;
  'ip-to'?: string;
  priority?: number;
  'route-table'?: number;
  fwmark?: number;
  fwmask?: number;
  iif?: string;
  family?: 'ipv4' | 'ipv6';
  state?: 'absent';
}

export interface DnsConfig {
  server?: string[];
  search?: string[];
  options?: string[];
}

export interface NetworkState {
  interfaces?: AnyInterface[];
  routes?: { config?: RouteEntry[]; running?: RouteEntry[] };
  'route-rules'?: { config?: RouteRuleEntry[] };
  'dns-resolver'?: { config?: DnsConfig; running?: DnsConfig };
  hostname?: { running?: string; config?: string };
}

export const TOP_LEVEL_KEYS = ['interfaces', 'routes', 'route-rules', 'dns-resolver', 'hostname', 'ovs-db', 'ovn'] as const;

export const MAIN_ROUTE_TABLE = 254;
