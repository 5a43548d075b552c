// Pure: a NodeNetworkState's status.currentState.interfaces as the NodeNetworkState page lists them
// (addresses with their prefix, bridge/bond ports), and the filter by name or type.
export interface NnsAddress {
  ip: string;
  'prefix-length': number;
}

export interface NnsIp {
  enabled?: boolean;
  dhcp?: boolean;
  autoconf?: boolean;
  address?: NnsAddress[];
}

export interface NnsInterface {
  name: string;
  type: string;
  state: string;
  ipv4?: NnsIp;
  ipv6?: NnsIp;
  bridge?: { port?: { name: string }[] };
  'link-aggregation'?: { port?: string[] };
  'mac-address'?: string;
  mtu?: number;
  controller?: string;
}

interface NnsLike {
  status?: { currentState?: { interfaces?: unknown } };
}

/** The node's interfaces, sorted by name; entries without a name are dropped (the state is free-form). */
export function interfacesOf(nns: NnsLike | undefined): NnsInterface[] {
  const raw = nns?.status?.currentState?.interfaces;
  if (!Array.isArray(raw)) return [];
  return (raw as Partial<NnsInterface>[])
    .filter((i): i is NnsInterface => typeof i?.name === 'string')
    .map((i) => ({ ...i, type: i.type ?? 'unknown', state: i.state ?? 'unknown' }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function cidrs(ip: NnsIp | undefined): string[] {
  if (!ip?.enabled) return [];
  return (ip.address ?? []).map((a) => `${a.ip}/${a['prefix-length']}`);
}

/** IPv4 then IPv6 addresses as `ip/prefix`, each family only when enabled. */
export function addressesOf(iface: NnsInterface): { ipv4: string[]; ipv6: string[] } {
  return { ipv4: cidrs(iface.ipv4), ipv6: cidrs(iface.ipv6) };
}

/** The ports of a bridge (linux or OVS) or a bond; empty for anything else. */
export function portsOf(iface: NnsInterface): string[] {
  const bridgePorts = iface.bridge?.port?.map((p) => p.name) ?? [];
  const bondPorts = iface['link-aggregation']?.port ?? [];
  return [...bridgePorts, ...bondPorts];
}

export function isController(iface: NnsInterface): boolean {
  return iface.type === 'linux-bridge' || iface.type === 'ovs-bridge' || iface.type === 'bond';
}

/** Interface types present on any of the nodes, sorted, for the type filter. */
export function typesOf(nodes: NnsInterface[][]): string[] {
  return [...new Set(nodes.flat().map((i) => i.type))].sort();
}

/**
 * Keeps the interfaces whose type is among `types` (all when empty) and whose name, type, MAC or an
 * address contains `text` (case-insensitive).
 */
export function filterInterfaces(ifaces: NnsInterface[], text: string, types: string[] = []): NnsInterface[] {
  const q = text.trim().toLowerCase();
  return ifaces.filter((i) => {
    if (types.length > 0 && !types.includes(i.type)) return false;
    if (!q) return true;
    const { ipv4, ipv6 } = addressesOf(i);
    return [i.name, i.type, i['mac-address'] ?? '', ...ipv4, ...ipv6].some((s) => s.toLowerCase().includes(q));
  });
}
