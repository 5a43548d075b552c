// Pure: what the UserDefinedNetworks list and details show of a UDN or CUDN: topology, role, subnets, MTU
// and the NetworkCreated condition (named NetworkReady before 2025-01; either is read).
export interface UdnLike {
  kind: string;
  metadata: { name: string; namespace?: string };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string }[] };
}

export interface UdnSummary {
  topology: string;
  role: string;
  subnets: string[];
  mtu?: number;
  ipamLifecycle?: string;
  condition?: { type: string; status: string; reason?: string; message?: string };
}

export function udnSummary(o: UdnLike): UdnSummary {
  const net = o.kind === 'ClusterUserDefinedNetwork' ? o.spec?.network : o.spec;
  const topology = typeof net?.topology === 'string' ? net.topology as string : '';
  const layer = topology === 'Layer3' ? net?.layer3 : topology === 'Layer2' ? net?.layer2 : topology === 'Localnet' ? net?.localnet : undefined;
  const subnets = Array.isArray(layer?.subnets)
    ? (layer.subnets as unknown[]).map((s) => (typeof s === 'string' ? s
      : typeof s === 'object' && s !== null && typeof (s as { cidr?: unknown }).cidr === 'string'
        ? `${(s as { cidr: string }).cidr}${typeof (s as { hostSubnet?: unknown }).hostSubnet === 'number' ? ` (/${(s as { hostSubnet: number }).hostSubnet})` : ''}`
        : '')).filter((s) => s !== '')
    : [];
  const out: UdnSummary = { topology, role: typeof layer?.role === 'string' ? layer.role as string : '', subnets };
  if (typeof layer?.mtu === 'number') out.mtu = layer.mtu as number;
  if (typeof layer?.ipam?.lifecycle === 'string') out.ipamLifecycle = layer.ipam.lifecycle as string;
  const c = o.status?.conditions?.find((x) => x.type === 'NetworkCreated') ?? o.status?.conditions?.find((x) => x.type === 'NetworkReady');
  if (c) out.condition = { type: c.type, status: c.status, ...(c.reason ? { reason: c.reason } : {}), ...(c.message ? { message: c.message } : {}) };
  return out;
}
